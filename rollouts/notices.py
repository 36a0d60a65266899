"""What a plain (non-htmx) form POST answers: a 303 back to its page, whose toast says how it went.

The dialog's form posts natively when JavaScript is off (or has not wired the form yet). Such a
POST gets a redirect, never a page of its own, so reloading the page it lands on cannot post
again. The outcome travels in Django's messages framework (a signed cookie): shown once, on the
next page, and never in a URL, where a bookmark, the history or a shared link would replay an
old outcome or let anyone craft a convincing fake one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

_LEVELS = {"ok": messages.SUCCESS, "info": messages.INFO, "warn": messages.WARNING,
           "bad": messages.ERROR}
_KINDS = {level: kind for kind, level in _LEVELS.items()}
# The cookie holds about 2 KB and storage drops a message that does not fit: shorten instead.
MAX_TEXT = 1000


class SeeOther(HttpResponseRedirect):
    """303: the browser follows with a GET, whatever the method that got here."""

    status_code = 303


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` if it is a path on this site, else `fallback` (never an open redirect)."""
    if (not candidate or not candidate.startswith("/") or candidate.startswith("//")
            or any(ord(char) < 0x20 or ord(char) == 0x7F for char in candidate)):
        return fallback
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return fallback
    return candidate


def remember(request: HttpRequest, toast: dict[str, Any]) -> None:
    """Keep a toast (the `_toast.html` context) for the next page this browser loads."""
    # A title is a short label without line breaks, so the first one separates the two.
    text = f"{toast.get('title', '')}\n{toast.get('message', '')}"
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - 1] + "…"
    messages.add_message(request, _LEVELS.get(str(toast.get("kind")), messages.ERROR), text)


def page_toasts(request: HttpRequest) -> SafeString:
    """The toasts waiting for this page (each shown once), rendered for `#toasts`."""
    if CookieStorage.cookie_name not in request.COOKIES:
        return mark_safe("")  # reading would clear a cookie that is not there, on every page
    html = []
    for message in messages.get_messages(request):
        title, _, text = str(message.message).partition("\n")
        html.append(render_to_string("rollouts/_toast.html", {
            "kind": _KINDS.get(message.level, "bad"), "title": title, "message": text}))
    return mark_safe("".join(html))  # the template's output, escaped there
