"""Every response carries the Content-Security-Policy, nosniff and Referrer-Policy headers;
HSTS only on HTTPS requests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.web.support import PAUSED_STEP3, guide, store

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
URLS = ["/", "/rollouts/my-demo/rollouts-demo", "/rollouts/my-demo/rollouts-demo/confirm/abort",
        "/api/v1/rollouts", "/healthz", "/static/css/dashboard.css", "/rollouts/nowhere/gone"]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture(autouse=True)
def paused_rollout() -> None:
    store(guide(PAUSED_STEP3).objects())


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_a_policy_without_inline_script(client: Client, url: str) -> None:
    response = client.get(url)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_websockets_to_the_same_host_are_allowed_to_connect(client: Client) -> None:
    policy = directives(client.get("/", HTTP_HOST="localhost:3100")["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "ws://localhost:3100", "wss://localhost:3100"]
    secure = directives(client.get("/", secure=True)["Content-Security-Policy"])
    assert secure["connect-src"] == ["'self'", "wss://testserver"]


def test_an_ipv6_host_is_left_to_self_which_csp_grammar_can_express(
        client: Client, settings) -> None:
    settings.ALLOWED_HOSTS = ["[::1]"]
    policy = directives(client.get("/healthz", HTTP_HOST="[::1]:3100")["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'"]


def test_hsts_is_sent_over_https_only(client: Client) -> None:
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")


def test_hsts_can_be_turned_off(client: Client, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in client.get("/", secure=True)


def settings_value(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"import dashboard.settings as s; print(s.{name})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "test", **env},
                          timeout=60)


def test_hsts_seconds_come_from_the_environment_and_a_typo_stops_the_process() -> None:
    assert settings_value("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="600").stdout == "600\n"
    broken = settings_value("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="1y")
    assert broken.returncode != 0
    assert "SECURE_HSTS_SECONDS must be an integer, got '1y'" in broken.stderr


def test_forms_may_lead_to_the_oidc_provider_and_nowhere_else(settings: object) -> None:
    from rollouts.headers import form_targets

    assert form_targets() == ["'self'"]
    settings.ROLLOUTS_AUTH = "oidc"  # type: ignore[attr-defined]
    settings.ROLLOUTS_OIDC_ISSUER = "https://sso.example.com:8443/realms/ops"  # type: ignore[attr-defined]
    assert form_targets() == ["'self'", "https://sso.example.com:8443"]
