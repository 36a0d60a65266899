"""Template tags of the dashboard: DOM ids, icons, and times that the browser keeps ticking.

`{% dom_id "row" key %}` is `rollouts.dom.dom_id`. Ages and countdowns render as
`<time datetime="…">` with an absolute fallback text; `static/js/times.js` turns them into
"5m32s" / "in 42s" every second, so a fragment's HTML does not change while time passes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rollouts.dom import dom_id as make_dom_id
from rollouts.keys import RolloutKey
from rollouts.present import WeightBar, bar_html

register = template.Library()


@register.simple_tag
def dom_id(part: str, key: RolloutKey) -> str:
    return make_dom_id(part, key)


@register.filter
def weight_bar(bar: WeightBar | None) -> SafeString:
    """`{{ bar|weight_bar }}`: a WeightBar from rollouts.present as its markup."""
    return bar_html(bar if isinstance(bar, WeightBar) else None)


@register.simple_tag
def icon(name: str, css: str = "") -> SafeString:
    """An icon from the sprite in base.html (decorative: the text next to it says the same)."""
    classes = f"icon {css}" if css else "icon"
    return format_html('<svg class="{}" aria-hidden="true"><use href="#{}"/></svg>',
                       classes, name)


def as_datetime(value: Any) -> datetime | None:
    """An aware datetime from a datetime or an RFC 3339 string; None for anything else."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.simple_tag
def age(value: Any, tip: bool = True) -> SafeString:
    """How long ago `value` was, ticked by the browser ("—" when unknown). Without `tip` the
    absolute time is not repeated in a title (overview rows: overview.js adds it on hover)."""
    moment = as_datetime(value)
    if moment is None:
        return format_html('<span class="muted">{}</span>', "—")
    utc = moment.astimezone(UTC)
    title = format_html(' title="{}"', utc.strftime("%Y-%m-%d %H:%M:%S UTC")) if tip else ""
    return format_html('<time datetime="{}" data-age{}>{}</time>', _iso(moment), title,
                       utc.strftime("%H:%M:%S"))


@register.simple_tag
def countdown(value: Any, done: str = "now", started: Any = None) -> SafeString:
    """Time left until `value`, ticked by the browser; `done` once it has passed.

    `started` (when the wait began, by the cluster's clock) lets the browser notice a cluster
    clock that runs ahead of its own: nothing can have started in the future.
    """
    moment = as_datetime(value)
    if moment is None:
        return SafeString("")
    utc = moment.astimezone(UTC)
    began = as_datetime(started)
    return format_html(
        '<time datetime="{}" data-countdown data-done="{}"{} title="{}">{}</time>',
        _iso(moment), done,
        format_html(' data-started="{}"', _iso(began)) if began else "",
        utc.strftime("%Y-%m-%d %H:%M:%S UTC"), "until " + utc.strftime("%H:%M:%S"))


@register.simple_tag
def clock(value: Any) -> str:
    """An absolute UTC time of day, for lists where the relative age would be noise."""
    moment = as_datetime(value)
    return moment.astimezone(UTC).strftime("%H:%M:%S") if moment else ""


@register.simple_tag
def server_now() -> str:
    """This server's clock in milliseconds, for `<meta name="server-now">`: the page's ages and
    countdowns (static/js/times.js) run on it rather than on the browser's clock."""
    return str(int(time.time() * 1000))
