"""Helpers for the sign-in tests: daphne in a given auth mode, `manage.py access`, sessions."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.servers import ROOT, Dashboard

NS, NAME = "my-demo", "rollouts-demo"
PASSWORD = "correct horse battery staple"
ACTIONS = f"/api/v1/rollouts/{NS}/{NAME}/actions"


def start(kubeconfig: Path, state_dir: Path, **env: str) -> Dashboard:
    server = Dashboard(kubeconfig, state_dir, env={"ROLLOUTS_ANONYMOUS_ROLE": "none", **env})
    server.migrate()
    server.start()
    return server


def manage(server: Dashboard, *args: str, stdin: str = "") -> str:
    """`manage.py …` on the server's database, as an operator would run it; its output."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=server.env,
                          input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_user(server: Dashboard, name: str, *grants: tuple[str, str]) -> None:
    """A local account with PASSWORD and (role, namespace) grants."""
    manage(server, "access", "user", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
    for role, namespace in grants:
        manage(server, "access", "grant", role, "--user", name, "--namespace", namespace)


def create_token(server: Dashboard, name: str, role: str, namespace: str) -> str:
    out = manage(server, "access", "token", "create", name, "--role", role,
                 "--namespace", namespace)
    return re.search(r"rdt_[A-Za-z0-9_-]+", out)[0]  # type: ignore[index]


def csrf_token(session: requests.Session, server: Dashboard) -> str:
    session.get(server.url + "/signin", timeout=30)
    return session.cookies["csrftoken"]


def sign_in(server: Dashboard, name: str, password: str = PASSWORD,
            session: requests.Session | None = None) -> tuple[requests.Session, Any]:
    """A browser-like session after posting the sign-in form (not following the redirect)."""
    session = session or requests.Session()
    token = csrf_token(session, server)
    response = session.post(server.url + "/signin", timeout=30, allow_redirects=False,
                            data={"username": name, "password": password,
                                  "csrfmiddlewaretoken": token, "next": "/"})
    return session, response


def post_json(session: requests.Session | Any, server: Dashboard, path: str,
              body: Any = None, **headers: str) -> requests.Response:
    """POST JSON; `X_CSRFToken="…"` sends the header X-CSRFToken."""
    return session.post(server.url + path, json=body if body is not None else {},
                        headers={k.replace("_", "-"): v for k, v in headers.items()},
                        timeout=60)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll until `check()` is truthy: the mirror fills in its own time."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def records(server: Dashboard, token: str, limit: int = 20) -> list[dict[str, Any]]:
    """The guide rollout's newest action records, through the API as the audit token."""
    response = requests.get(f"{server.url}{ACTIONS}?limit={limit}", timeout=30,
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()["actions"]


def record_ids(server: Dashboard, token: str) -> list[int]:
    return [record["id"] for record in records(server, token)]
