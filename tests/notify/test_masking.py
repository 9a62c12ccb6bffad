"""What a person may see of a notification URL, and the parts masked in log lines."""

from __future__ import annotations

import logging

import pytest

from shopxero.notify.masking import Masker, masked_logging, masked_url, secret_parts


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "json://bob:pa55word@127.0.0.1:8080/hooks/tok3nXYZ?x=hdr5ecret",
            "json://****@127.0.0.1:8080/****?****",
        ),
        ("mailto://user:pa55word@gmail.com?to=boss@example.com", "mailto://****@gmail.com?****"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "slack://****/****"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "discord://****/****"),
        ("json://localhost", "json://localhost"),
        ("jsons://[::1]:8443/hook", "jsons://[::1]:8443/****"),
        ("ntfy://my-private-topic", "ntfy://****"),
    ],
)
def test_masked_url_keeps_only_scheme_real_host_and_port(url: str, shown: str) -> None:
    assert masked_url(url) == shown


def test_secret_parts_cover_every_hidden_part_in_each_spelling() -> None:
    parts = secret_parts("json://bob%40home:pa%2F55word@hooks.example.com/a/tok3n%20XYZ?k=v4lue")
    assert {"bob%40home", "bob@home", "pa%2F55word", "pa/55word", "tok3n XYZ", "v4lue"} <= parts
    assert "hooks.example.com" not in parts


def test_masker_and_masked_logging_clean_records_of_any_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    caplog.set_level(logging.DEBUG)
    with masked_logging(Masker([url])):
        logging.getLogger("some.library").debug("POST to %s failed", url)
    logging.getLogger("some.library").debug("after: %s", "TIiajkdnlazkcOXrIdevi7FQ")
    (inside, after) = caplog.records
    assert inside.getMessage() == "POST to slack://****/****/**** failed"
    assert after.getMessage() == "after: TIiajkdnlazkcOXrIdevi7FQ"  # only while Apprise runs
