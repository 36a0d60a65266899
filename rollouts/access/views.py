"""Signing in and out: the local sign-in page, the hand-over to SSO, sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from rollouts.access import ratelimit
from rollouts.access.identity import SESSION_GROUPS, SESSION_METHOD, client_address


def _home() -> str:
    return reverse("rollouts:overview")  # under ROLLOUTS_ROOT_PATH too


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or _home()
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return _home()


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    context = {"mode": settings.ROLLOUTS_AUTH, "next": _next(request), "username": "",
               "error": "", **context}
    return render(request, "access/signin.html", context, status=status)


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    mode = settings.ROLLOUTS_AUTH
    if mode == "oidc":
        query = urlencode({"next": _next(request)})
        return HttpResponseRedirect(f"{reverse('oidc_authentication_init')}?{query}")
    if mode != "local" or request.method == "GET":
        return _page(request)
    username = request.POST.get("username", "").strip()[:150]
    address = client_address(request.META.get("REMOTE_ADDR", ""),
                             lambda name: request.headers.get(name, ""))
    if ratelimit.locked(username, address):
        return _page(request, 429, username=username, error=(
            f"Too many failed sign-ins for {username or 'this name'} from {address}: try "
            f"again in {ratelimit.lockout_minutes()} minutes."))
    user = authenticate(request, username=username, password=request.POST.get("password", ""))
    if user is None:
        ratelimit.failed(username, address)
        return _page(request, 401, username=username,
                     error="Wrong user name or password.")
    ratelimit.succeeded(username, address)
    login(request, user)  # a new session key: whatever was fixed before is gone
    request.session[SESSION_METHOD] = "local"
    request.session[SESSION_GROUPS] = []
    return HttpResponseRedirect(_next(request))


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    after = _home()
    target = ""
    if settings.ROLLOUTS_AUTH == "oidc" and request.user.is_authenticated:
        from rollouts.access.oidc import logout_url

        target = logout_url(request, after)
    logout(request)
    return HttpResponseRedirect(target or after)
