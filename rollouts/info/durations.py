"""Durations: kubectl's human ages and the pause durations Argo Rollouts accepts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from fractions import Fraction
from functools import lru_cache

_NS_PER_UNIT = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_GO_DURATION = re.compile(r"^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$")
_GO_COMPONENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_INT_TEXT = re.compile(r"^[+-]?\d+$")
# Go's time.Duration is an int64 of nanoseconds: ParseDuration refuses anything longer (~292y).
_GO_MAX_NS = 2**63 - 1
_TEXT_MAX = 64  # no real duration is longer; a 5,000-digit one would only cost time
UNKNOWN_AGE = "<unknown>"


def _microseconds(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _trunc_div(numerator: int, denominator: int) -> int:
    """Integer division that truncates toward zero, as Go's int conversion does."""
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def format_age(delta: timedelta) -> str:
    """kubectl's HumanDuration: `25s`, `5m32s`, `33m`, `3h59m`, `7d`, `2y30d`, ...

    Rules (k8s.io/apimachinery/pkg/util/duration): seconds below 2 minutes, then minutes with
    seconds below 10 minutes, whole minutes below 3 hours, hours with minutes below 8 hours, whole
    hours below 2 days, days with hours below 8 days, whole days below 2 years, then years.
    """
    micros = _microseconds(delta)
    seconds = _trunc_div(micros, 1_000_000)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if rest == 0 else f"{years}y{rest}d"
    return f"{hours // 24 // 365}y"


def age_text(created: datetime | None, now: datetime) -> str:
    """The AGE column; without a readable creationTimestamp it says so instead of guessing."""
    if created is None:
        return UNKNOWN_AGE
    return format_age(now - created)


@lru_cache(maxsize=1024)
def parse_go_duration(text: str) -> timedelta | None:
    """Go's time.ParseDuration (`1m30s`, `1.5h`, `300ms`, `-2m`); None when it is not one."""
    text = text.strip()
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return timedelta(0)
    if not text or not _GO_DURATION.match(text):
        return None
    total = Fraction(0)
    for number, unit in _GO_COMPONENT.findall(text):
        total += Fraction(number) * _NS_PER_UNIT[unit]
    if total > _GO_MAX_NS:
        return None
    return timedelta(microseconds=sign * int(total / 1_000))


def parse_duration(value: object) -> timedelta | None:
    """A pause duration as Argo Rollouts reads it: an int is seconds, `"10"` is seconds, otherwise
    a Go duration string. Returns None when absent or unparsable (upstream then uses -1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return _seconds(value)
    if not isinstance(value, str) or len(value) > _TEXT_MAX:
        return None
    if _INT_TEXT.match(value.strip()):
        return _seconds(int(value.strip()))
    return parse_go_duration(value)


def _seconds(value: int) -> timedelta | None:
    """None past timedelta's range (~2.7 million years), where timedelta would raise."""
    try:
        return timedelta(seconds=value)
    except OverflowError:
        return None


def duration_text(value: object) -> str:
    """How the web UI labels a pause duration: the raw value, plus `s` when it has no unit."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text:
        return ""
    return text if text[-1] in ("s", "m", "h") else f"{text}s"
