"""The Content-Security-Policy header, on every response.

Our own few lines rather than django-csp: the policy is one fixed string except for the
websocket's origin, which depends on the request's Host, and a nonce-free policy needs none of
that package's machinery. No inline script, style attribute or `<style>` element is allowed:
every script and style comes from static/. HSTS, nosniff and Referrer-Policy come from Django's
SecurityMiddleware (settings).
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
)


def form_targets() -> list[str]:
    """Where a form may lead: here, and with OIDC the provider (sign-in and sign-out are POSTs
    redirected there, and Chromium checks form-action against the redirect too)."""
    targets = ["'self'"]
    if settings.ROLLOUTS_AUTH == "oidc" and settings.ROLLOUTS_OIDC_ISSUER:
        issuer = urlsplit(settings.ROLLOUTS_OIDC_ISSUER)
        targets.append(f"{issuer.scheme}://{issuer.netloc}")
    return targets


def websocket_sources(request: HttpRequest) -> list[str]:
    """ws(s):// of this host: CSP 3 lets 'self' cover them, older browsers (Safari < 15.4) not."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return []
    if host.startswith("["):
        return []  # CSP's host-source grammar has no IPv6 literals; 'self' still matches
    return [f"wss://{host}"] if request.is_secure() else [f"ws://{host}", f"wss://{host}"]


def content_security_policy(request: HttpRequest) -> str:
    connect = " ".join(["connect-src 'self'", *websocket_sources(request)])
    return "; ".join([*POLICY, " ".join(["form-action", *form_targets()]), connect])


def _with_policy(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(request)
    return response


@sync_and_async_middleware
def csp_header(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Middleware: add the policy unless the view set one of its own."""
    if iscoroutinefunction(get_response):
        async def add_async(request: HttpRequest) -> HttpResponse:
            return _with_policy(request, await get_response(request))
        return add_async

    def add(request: HttpRequest) -> HttpResponse:
        return _with_policy(request, get_response(request))
    return add
