"""Request middleware: believe forwarded headers only from trusted proxies; set request.identity."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from rollouts.access.identity import Refused, identity_for_request, trusted_proxy
from rollouts.dbthread import give_back_connection

Handler = Callable[[HttpRequest], HttpResponse]
# Said by a proxy about the original request; from anyone else they are a lie.
_FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")


class TrustedProxyMiddleware:
    """First in the chain: a forwarded scheme counts only when a trusted proxy sent it.

    Behind such a proxy an https request gets Secure cookies even without
    ROLLOUTS_SECURE_COOKIES, so the same deployment works over plain http in a test setup.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for key in _FORWARDED:
                request.META.pop(key, None)
        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response


class IdentityMiddleware:
    """After sessions and auth: `request.identity`, or an answer at once for a bad credential."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.identity = identity_for_request(request)  # type: ignore[attr-defined]
        except Refused as exc:
            return refusal(request, exc.status, exc.reason, exc.message)
        finally:
            # The view may run on another thread (async views) or wait: don't sit on the
            # connection the grants were read with.
            give_back_connection()
        return self.get_response(request)


def refusal(request: HttpRequest, status: int, reason: str, message: str) -> HttpResponse:
    """JSON for the API (its error shape), a page for a person."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": status, "reason": reason, "message": message}},
                            status=status)
    # With the request, so the header offers signing out (or in) on this page too.
    html = render_to_string("access/refused.html", {"status": status, "reason": reason,
                                                    "message": message}, request=request)
    return HttpResponse(html, status=status)
