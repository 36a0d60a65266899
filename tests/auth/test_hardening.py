"""The cookie and header settings that come with accounts, and no admin site to reach."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.servers import ROOT

SHOW = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SAMESITE, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")


def _settings(tmp_path: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROLLOUTS_")}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", SHOW], cwd=ROOT,
                          env={**clean, "DASHBOARD_STATE_DIR": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_cookies_are_http_only_and_lax_and_secure_only_when_asked(tmp_path: Path) -> None:
    assert _settings(tmp_path) == "False False True Lax Lax None"
    assert _settings(tmp_path, ROLLOUTS_SECURE_COOKIES="true") == "True True True Lax Lax None"


def test_the_forwarded_scheme_is_read_only_when_proxies_are_trusted(tmp_path: Path) -> None:
    assert _settings(tmp_path, ROLLOUTS_TRUSTED_PROXIES="10.0.0.0/8").endswith(
        "('HTTP_X_FORWARDED_PROTO', 'https')")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_there_is_no_admin_site(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_pages_may_not_be_framed(client: Client) -> None:
    assert client.get("/signin").headers["X-Frame-Options"] == "DENY"
