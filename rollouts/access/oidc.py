"""OpenID Connect sign-in through mozilla-django-oidc: discovery, checks it leaves out, groups.

mozilla-django-oidc does the authorization-code flow with PKCE, state and nonce. It has no
discovery, and it checks neither the ID token's issuer nor its audience, and lets an expired
token's error escape as a server error: the subclasses here add all three, and reword its nonce
refusal for people. The provider's endpoints come from
`<ROLLOUTS_OIDC_ISSUER>/.well-known/openid-configuration`, fetched on first use (a provider that
is down at start-up must not keep the dashboard from starting) and kept.

Users are created on first sign-in, named by `preferred_username` (else the e-mail, else
`sub`); the groups claim (ROLLOUTS_OIDC_GROUPS_CLAIM) is read at every sign-in and kept in the
session, where the identity middleware finds it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from rollouts.access.identity import SESSION_GROUPS, SESSION_METHOD
from rollouts.access.policy import check_name

log = logging.getLogger(__name__)
# mozilla-django-oidc's setting → the discovery document's field.
_ENDPOINTS = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
              "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
              "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
              "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}
_discovered: dict[str, Any] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    pass


def discovery() -> dict[str, Any]:
    """The provider's metadata, fetched once; its issuer must be exactly the configured one."""
    with _lock:
        if _discovered:
            return _discovered
        issuer = settings.ROLLOUTS_OIDC_ISSUER
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"cannot read {url}: {exc}") from None
        if not isinstance(document, dict) or document.get("issuer") != issuer:
            found = document.get("issuer") if isinstance(document, dict) else None
            raise ProviderUnavailable(f"{url} names the issuer {found!r}, not {issuer!r} "
                                      "(ROLLOUTS_OIDC_ISSUER)")
        missing = [field for field in _ENDPOINTS.values() if not document.get(field)]
        if missing:
            raise ProviderUnavailable(f"{url} lacks {', '.join(missing)}")
        _discovered.update(document)
        return _discovered


def forget_discovery() -> None:
    with _lock:
        _discovered.clear()


def _setting(attr: str, *default: Any) -> Any:
    if attr in _ENDPOINTS:
        return discovery()[_ENDPOINTS[attr]]
    if attr == "OIDC_RP_SIGN_ALGO":
        algorithms = discovery().get("id_token_signing_alg_values_supported") or ["RS256"]
        return next((a for a in algorithms if a[:2] in ("RS", "ES", "PS")), "RS256")
    return getattr(settings, attr, *default)


def username_from(claims: dict[str, Any]) -> str:
    for field in ("preferred_username", "email", "sub"):
        value = claims.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()[:150]
    return ""


def groups_from(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.ROLLOUTS_OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list):
        return []
    return sorted({str(group).strip() for group in value if str(group).strip()})


class Backend(OIDCAuthenticationBackend):
    """Endpoints from discovery (read when needed: this class is built for every request that
    has a session); issuer, audience and expiry checked; users by name, groups remembered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent copies every setting onto the instance here, discovery's endpoints
        # included: __getattr__ reads them when the sign-in flow first asks instead.
        self.UserModel = get_user_model()

    get_settings = staticmethod(_setting)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("OIDC_"):
            return _setting(attr, None)
        raise AttributeError(attr)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:
            # The parent's own words ("JWT Nonce verification failed.") tell a user nothing.
            if "nonce" not in str(exc).lower():
                raise
            raise SuspiciousOperation("the ID token's nonce is not the one this sign-in sent "
                                      "(a replayed or forged token); start again") from None
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("the provider's ID token has expired") from None
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"the provider's ID token is not valid: {exc}") from None
        issuer = discovery()["issuer"]
        if payload.get("iss") != issuer:
            raise SuspiciousOperation(f"the ID token was issued by {payload.get('iss')!r}, "
                                      f"not by {issuer!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token was issued to another client")
        return payload

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The provider's key for this token: by `kid` when the token names one (some
        providers, the test one included, do not; then the provider must have one key)."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [key for key in response.json().get("keys") or []
                if (not header.get("kid") or key.get("kid") == header["kid"])
                and key.get("alg", header.get("alg")) == header.get("alg")
                and key.get("use", "sig") == "sig"]
        if len(keys) != 1:
            raise SuspiciousOperation("no single key of the provider matches the ID token")
        return jwt.PyJWK(keys[0])

    def get_userinfo(self, access_token: str, id_token: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        # Some providers put groups only in the ID token; the userinfo's say wins.
        return {**payload, **(claims if isinstance(claims, dict) else {})}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        try:
            check_name("user", username_from(claims))
        except ValueError as exc:
            raise SuspiciousOperation(f"the provider's user name cannot be used: {exc}") from None
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username=username_from(claims))

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = self.UserModel.objects.create_user(username_from(claims),
                                                  email=claims.get("email") or "")
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        user.oidc_groups = groups_from(claims)  # for Callback.login_success, this request only
        return user


def _failure_page(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    log.warning("OIDC sign-in refused: %s", message)
    if len(message) > 400:  # a provider's error page quoted whole helps nobody
        message = message[:400] + "…"
    return render(request, "access/signin_error.html", {"message": message}, status=status)


class Authenticate(OIDCAuthenticationRequestView):
    get_settings = staticmethod(_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Skips the parent's __init__: it would read the endpoint before get() can answer
        # an unreachable provider with our page.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            return _failure_page(request, f"The identity provider cannot be reached: {exc}",
                                 503)
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    """The provider's redirect back: any refusal ends on our page, saying why."""

    get_settings = staticmethod(_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.why = ""
        state = request.GET.get("state")
        if "code" in request.GET and state not in (request.session.get("oidc_states") or {}):
            self.why = ("its state matches no sign-in this browser started (a forged, replayed "
                        "or expired redirect); start again")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            self.why = str(exc)
        except (requests.RequestException, ProviderUnavailable) as exc:
            self.why = f"the identity provider could not be asked: {exc}"
        return self.login_failure()

    def login_failure(self) -> HttpResponse:
        why = getattr(self, "why", "") or self.request.GET.get("error_description", "") \
            or self.request.GET.get("error", "")
        return _failure_page(self.request, "Sign-in failed: " + (why or "the provider did not "
                                                                  "confirm who you are"))

    def login_success(self) -> HttpResponse:
        response = super().login_success()  # auth.login: the session is new from here on
        self.request.session[SESSION_METHOD] = "oidc"
        self.request.session[SESSION_GROUPS] = getattr(self.user, "oidc_groups", [])
        return response


def logout_url(request: HttpRequest, after: str) -> str:
    """The provider's end_session_endpoint, when it has one, coming back to `after`."""
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {"client_id": settings.OIDC_RP_CLIENT_ID,
              "post_logout_redirect_uri": request.build_absolute_uri(after)}
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}?{urlencode(params)}"
