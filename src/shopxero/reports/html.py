"""``shopxero report --html``: the sync history as one self-contained HTML page.

``collect_history`` reads the last runs from the state DB (counts, API calls per run, the
busiest Xero minute, failures); ``render_html`` turns them into a page with inline CSS, a few
lines of inline JS (hover highlight) and inline SVG charts (``reports.charts``): records per
run, Xero calls per run against the 5,000-call day budget, the busiest Xero minute against the
60-calls-a-minute limit (xero-api-notes §2), and errors over time. No external URL: the page
opens from a file on a machine with no network, and a mail attachment shows the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from shopxero.reports.charts import Limit, Series, bar_chart, line_chart
from shopxero.store import StateStore
from shopxero.store.history import RunCallStats
from shopxero.store.runs import RunRecord

__all__ = ["XERO_DAY_LIMIT", "XERO_MINUTE_LIMIT", "HistoryData", "collect_history", "render_html"]

XERO_DAY_LIMIT = 5000  # calls per organisation per day (xero-api-notes §2)
XERO_MINUTE_LIMIT = 60  # calls per organisation per minute (xero-api-notes §2)
RECORD_OUTCOMES = ("created", "updated", "linked", "failed")
_COLOURS = {
    "created": "#2e7d32",
    "updated": "#1565c0",
    "linked": "#8e24aa",
    "failed": "#c62828",
    "xero": "#13b5ea",
    "shopify": "#5e8e3e",
    "failed calls": "#ef6c00",
    "429s": "#6d4c41",
}


@dataclass(frozen=True)
class HistoryData:
    runs: list[RunRecord]  # oldest first
    calls: dict[int, RunCallStats]
    queue_size: int
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def totals(self, run: RunRecord) -> dict[str, int]:
        return {o: sum(c.get(o, 0) for c in run.counts.values()) for o in RECORD_OUTCOMES}

    def stats(self, run: RunRecord) -> RunCallStats:
        return self.calls.get(run.id) or RunCallStats(run_id=run.id)

    def to_json(self) -> dict[str, object]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "queue_size": self.queue_size,
            "runs": [
                {
                    "id": r.id,
                    "started_at": r.started_at.isoformat(),
                    "status": r.status,
                    "dry_run": r.dry_run,
                    "records": self.totals(r),
                    "xero_calls": self.stats(r).xero_calls,
                    "shopify_calls": self.stats(r).shopify_calls,
                    "xero_peak_minute": self.stats(r).xero_peak_minute,
                    "throttled": self.stats(r).throttled,
                    "failed_calls": self.stats(r).failed_calls,
                }
                for r in self.runs
            ],
        }


def collect_history(store: StateStore, *, runs: int = 30) -> HistoryData:
    """The last ``runs`` runs (oldest first) with their call statistics."""
    recent = list(reversed(store.runs.recent(runs)))
    return HistoryData(
        runs=recent, calls=store.history.run_call_stats(), queue_size=store.errors.count_open()
    )


_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 800px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.meta { color: #666; } .chart { display: block; margin: 8px 0; background: #fff; }
.chart-title { font-weight: 600; font-size: 13px; fill: #333; }
.grid { stroke: #eee; } .axis { stroke: #999; }
.tick, .xlabel, .legend, .value { font-size: 11px; fill: #555; }
.limit, .limit-key { stroke: #c62828; stroke-dasharray: 6 4; stroke-width: 1.5; }
.limit-label { font-size: 11px; fill: #c62828; }
.line { fill: none; stroke-width: 2; }
.bar.hover, .point.hover { opacity: 0.6; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: right; }
th:first-child, td:first-child, th.status, td.status { text-align: left; }
.empty { padding: 24px; background: #f6f6f6; }
"""

# Highlights a bar or point under the pointer; sets data-ready so a test can see the script ran.
_JS = """
(function () {
  var marks = document.querySelectorAll('.bar, .point');
  marks.forEach(function (el) {
    el.addEventListener('mouseenter', function () { el.classList.add('hover'); });
    el.addEventListener('mouseleave', function () { el.classList.remove('hover'); });
  });
  document.body.setAttribute('data-ready', String(marks.length));
})();
"""


def _label(run: RunRecord) -> str:
    return f"#{run.id}" + (" dry" if run.dry_run else "")


def _charts(data: HistoryData) -> str:
    labels = [_label(r) for r in data.runs]
    totals = [data.totals(r) for r in data.runs]
    stats = [data.stats(r) for r in data.runs]
    records = bar_chart(
        "records-per-run",
        "Records per run",
        labels,
        [Series(o, [t[o] for t in totals], _COLOURS[o]) for o in RECORD_OUTCOMES],
        stacked=True,
    )
    calls = bar_chart(
        "api-calls-per-run",
        "API calls per run (Xero's day budget: 5,000 per organisation)",
        labels,
        [
            Series("xero", [s.xero_calls for s in stats], _COLOURS["xero"]),
            Series("shopify", [s.shopify_calls for s in stats], _COLOURS["shopify"]),
        ],
        limit=Limit("Xero day budget", XERO_DAY_LIMIT),
    )
    peak = bar_chart(
        "xero-peak-minute",
        "Busiest minute of Xero calls per run (limit: 60 a minute)",
        labels,
        [Series("xero", [s.xero_peak_minute for s in stats], _COLOURS["xero"])],
        limit=Limit("Xero minute limit", XERO_MINUTE_LIMIT),
    )
    errors = line_chart(
        "errors-over-time",
        "Errors per run",
        labels,
        [
            Series("failed", [t["failed"] for t in totals], _COLOURS["failed"]),
            Series("failed calls", [s.failed_calls for s in stats], _COLOURS["failed calls"]),
            Series("429s", [s.throttled for s in stats], _COLOURS["429s"]),
        ],
    )
    return "\n".join(
        [
            "<h2>What each run did</h2>",
            records,
            "<h2>API calls against the limits</h2>",
            calls,
            peak,
            "<h2>Errors over time</h2>",
            errors,
        ]
    )


def _table(data: HistoryData) -> str:
    head = (
        '<tr><th>run</th><th>started (UTC)</th><th class="status">status</th>'
        + "".join(f"<th>{o}</th>" for o in RECORD_OUTCOMES)
        + "<th>Xero calls</th><th>Shopify calls</th><th>Xero peak/min</th><th>429s</th></tr>"
    )
    rows = []
    for run in reversed(data.runs):
        totals, stats = data.totals(run), data.stats(run)
        status = run.status + (" (dry run)" if run.dry_run else "")
        cells = [
            f"<td>{run.id}</td><td>{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M}</td>",
            f'<td class="status">{escape(status)}</td>',
            *(f"<td>{totals[o]:,}</td>" for o in RECORD_OUTCOMES),
            f"<td>{stats.xero_calls:,}</td><td>{stats.shopify_calls:,}</td>",
            f"<td>{stats.xero_peak_minute:,}</td><td>{stats.throttled:,}</td>",
        ]
        rows.append(f'<tr data-run="{run.id}">{"".join(cells)}</tr>')
    return f'<table id="runs"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def render_html(data: HistoryData) -> str:
    """The whole page; self-contained (no external URL of any kind)."""
    if data.runs:
        first, last = data.runs[0].started_at, data.runs[-1].started_at
        span = f"{len(data.runs)} runs from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
        body = _charts(data) + "<h2>Runs</h2>" + _table(data)
    else:
        span = "no runs yet"
        body = '<p class="empty">No sync has run yet: run <code>shopxero sync</code> first.</p>'
    payload = escape(json.dumps(data.to_json()), quote=False)
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>shopxero sync history</title>",
            f"<style>{_CSS}</style></head><body>",
            "<h1>shopxero sync history</h1>",
            f'<p class="meta">{escape(span)}; generated {data.generated_at:%Y-%m-%d %H:%M} UTC; '
            f"{data.queue_size} record(s) in the error queue.</p>",
            body,
            # The numbers behind the charts, for anyone who wants to re-plot them.
            f'<script type="application/json" id="report-data">{payload}</script>',
            f"<script>{_JS}</script>",
            "</body></html>",
        ]
    )
