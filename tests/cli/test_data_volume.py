"""A data dir that would not outlive the container (issue 17 §1).

The image sets ``SHOPXERO_REQUIRE_DATA_VOLUME=true``; then a data dir that is no mount point (a
plain ``docker run`` without ``-v``) or an anonymous volume is refused with the one ``docker
run`` command that keeps it. The mount table lines below are the shapes ``/proc/self/mountinfo``
shows inside a container (proc(5)); scripts/docker-demo checks the same against a real Docker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.store.data_volume import data_volume_problem, mount_root

ANONYMOUS = "0" * 32 + "a1b2c3d4" * 4


def _mountinfo(data: str, root: str) -> str:
    return "\n".join(
        [
            "619 540 0:57 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/x",
            "620 619 0:60 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
            f"650 619 8:1 {root} {data} rw,relatime master:1 - ext4 /dev/sda1 rw",
        ]
    )


def _invoke(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("SHOPXERO_REQUIRE_DATA_VOLUME", "true")
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "root",
    [
        "/var/lib/docker/volumes/shopxero_shopxero-data/_data",  # compose's named volume
        "/volumes/shopxero-data/_data",  # /var/lib/docker on its own partition
        "/srv/shopxero/data",  # a bind mount
    ],
)
def test_a_named_volume_or_a_bind_mount_is_kept(root: str) -> None:
    assert data_volume_problem(Path("/data"), _mountinfo("/data", root)) is None


def test_an_anonymous_volume_is_refused_with_the_command_that_keeps_state() -> None:
    problem = data_volume_problem(
        Path("/data"), _mountinfo("/data", f"/var/lib/docker/volumes/{ANONYMOUS}/_data")
    )
    assert problem is not None
    assert problem.startswith("data dir /data is an anonymous volume")
    assert "-v shopxero-data:/data" in problem and "--stop-timeout 120" in problem


def test_a_folder_that_is_no_mount_point_is_refused() -> None:
    problem = data_volume_problem(Path("/data"), _mountinfo("/srv", "/srv"))
    assert problem is not None and problem.startswith("data dir /data is not a volume")


def test_mount_points_with_spaces_are_read_and_the_last_mount_wins() -> None:
    text = _mountinfo("/my\\040data", "/first") + "\n" + _mountinfo("/my\\040data", "/second")
    assert mount_root(Path("/my data"), text) == "/second"


def test_sync_without_a_volume_exits_2_naming_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"  # a folder of the test's file system, no mount point
    code, out = _invoke(["--data-dir", str(data), "sync"], monkeypatch)
    assert code == 2, out
    assert f"data dir {data} is not a volume" in out
    assert "docker run --rm --init --stop-timeout 120 -v shopxero-data:/data" in out
    assert not data.exists()  # refused before anything was written


def test_schedule_without_a_volume_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    code, out = _invoke(
        ["--data-dir", str(data), "schedule", "--every", "1h", "--max-runs", "1"], monkeypatch
    )
    assert code == 2, out
    assert "is not a volume" in out and "schedule: run" not in out
    assert not (data / "schedule.json").exists()


def test_health_without_a_volume_is_unhealthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path / "data"), "health", "--json"], monkeypatch)
    assert code == 1, out
    (problem,) = json.loads(out)["problems"]
    assert "is not a volume" in problem


def test_the_setting_false_allows_a_throwaway_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_REQUIRE_DATA_VOLUME", "false")
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "health"])
    assert result.exit_code == 0, result.output
