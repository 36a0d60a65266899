"""Same-origin checks: state-changing HTTP requests and websocket handshakes.

An origin is scheme, host *and* port: `http://localhost:8080` is another site than the
dashboard on `http://localhost:3100`, although the host name is the same. Allowed are the
dashboard's own origin (the scheme of the request and its Host header, which must be in
ALLOWED_HOSTS) and the origins listed in CSRF_TRUSTED_ORIGINS (`https://*.example.com` as
Django reads it: the domain and its subdomains).

POSTs (and the other unsafe methods) that name no origin at all — no Origin and no Referer —
pass: browsers send Origin with every POST, so such a request comes from curl or a script,
which a cross-site page cannot make the browser imitate. The JSON API also insists on
`Content-Type: application/json` and the buttons' views on the CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import iscoroutinefunction
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.request import is_same_domain, split_domain_port, validate_host
from django.utils.decorators import sync_and_async_middleware

from rollouts.api import error

DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A header is shown in the refusal, cut to this many characters.
SHOWN = 200


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")


def parse_origin(text: str) -> Origin | None:
    """The origin of an Origin header or a Referer URL; None for "null" or anything odd."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return Origin(scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme])


def trusted(origin: Origin) -> bool:
    """Whether CSRF_TRUSTED_ORIGINS lists the origin (exactly, or as `scheme://*.domain`)."""
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        pattern = parse_origin(entry)
        if pattern is None or (pattern.scheme, pattern.port) != (origin.scheme, origin.port):
            continue
        if pattern.host == origin.host or (
            pattern.host.startswith("*.") and is_same_domain(origin.host, pattern.host[1:])
        ):
            return True
    return False


def allowed(claimed: Origin | None, own: Origin | None) -> bool:
    return claimed is not None and (claimed == own or trusted(claimed))


# --- HTTP ------------------------------------------------------------------------------------

def claimed_origin(request: HttpRequest) -> str | None:
    """The Origin header, else the Referer; None when the request names neither."""
    return request.headers.get("Origin") or request.headers.get("Referer") or None


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The 403 for a cross-site unsafe request, or None to let it through."""
    if request.method in SAFE_METHODS:
        return None
    claimed = claimed_origin(request)
    if claimed is None:
        return None
    # get_host() refuses (400) a Host header that ALLOWED_HOSTS does not list.
    own = parse_origin(f"{request.scheme}://{request.get_host()}")
    if allowed(parse_origin(claimed), own):
        return None
    message = (f"cross-site request refused: {claimed[:SHOWN]!r} is neither this dashboard's "
               f"origin ({own}) nor listed in CSRF_TRUSTED_ORIGINS")
    if request.path_info.startswith("/api/"):
        return error(403, "Forbidden", message)
    return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")


@sync_and_async_middleware
def origin_check(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Middleware: refuse unsafe requests whose Origin (or Referer) is another site's."""
    if iscoroutinefunction(get_response):
        async def check_async(request: HttpRequest) -> HttpResponse:
            refused = refusal(request)
            return refused if refused is not None else await get_response(request)
        return check_async

    def check(request: HttpRequest) -> HttpResponse:
        refused = refusal(request)
        return refused if refused is not None else get_response(request)
    return check


# --- websockets ------------------------------------------------------------------------------

def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {name.decode("latin1").lower(): value.decode("latin1")
            for name, value in scope.get("headers", [])}


def websocket_origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether the handshake's Origin is the dashboard's own (or trusted); a missing one is not."""
    headers = _headers(scope)
    host = headers.get("host", "")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return allowed(parse_origin(headers.get("origin", "")), parse_origin(f"{scheme}://{host}"))


class SameOriginWebsocket:
    """ASGI wrapper refusing websocket handshakes from other origins (port and scheme count)."""

    def __init__(self, application: Callable[..., Awaitable[None]]) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "websocket" and not websocket_origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
