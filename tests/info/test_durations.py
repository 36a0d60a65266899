"""kubectl's human ages and the pause duration formats Argo Rollouts accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rollouts.info import age_text, format_age, parse_duration


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-5), "<invalid>"),
        (timedelta(seconds=-1), "0s"),
        (timedelta(milliseconds=-1500), "0s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=25), "25s"),
        (timedelta(seconds=119), "119s"),
        (timedelta(minutes=2), "2m"),
        (timedelta(minutes=5, seconds=32), "5m32s"),
        (timedelta(minutes=9, seconds=59), "9m59s"),
        (timedelta(minutes=33, seconds=59), "33m"),
        (timedelta(hours=2, minutes=59), "179m"),
        (timedelta(hours=3, minutes=59, seconds=59), "3h59m"),
        (timedelta(hours=7), "7h"),
        (timedelta(hours=47, minutes=59), "47h"),
        (timedelta(days=7), "7d"),
        (timedelta(days=7, hours=2), "7d2h"),
        (timedelta(days=8, hours=5), "8d"),
        (timedelta(days=730), "2y"),
        (timedelta(days=800), "2y70d"),
        (timedelta(days=365 * 9), "9y"),
    ],
)
def test_format_age_matches_kubectls_human_duration(delta: timedelta, text: str) -> None:
    assert format_age(delta) == text


def test_an_unknown_creation_time_reads_unknown_rather_than_a_guess() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert age_text(None, now) == "<unknown>"
    assert age_text(now - timedelta(seconds=93), now) == "93s"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30, timedelta(seconds=30)),
        ("10", timedelta(seconds=10)),
        ("1m", timedelta(minutes=1)),
        ("1m30s", timedelta(seconds=90)),
        ("1h", timedelta(hours=1)),
        ("1.5h", timedelta(minutes=90)),
        ("300ms", timedelta(milliseconds=300)),
        ("2h45m10s", timedelta(hours=2, minutes=45, seconds=10)),
        ("0", timedelta(0)),
    ],
)
def test_parse_duration_reads_ints_digit_strings_and_go_durations(
    value: object, expected: timedelta
) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", [None, True, "", "soon", "1d", "m", "1m30", [1], {"s": 1}])
def test_parse_duration_returns_none_for_anything_else(value: object) -> None:
    assert parse_duration(value) is None
