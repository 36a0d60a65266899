"""A sign-in configuration that cannot work stops the process at start-up, saying why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT


def _check(state_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROLLOUTS_")}
    clean["DASHBOARD_STATE_DIR"] = str(state_dir)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, text=True,
                          env={**clean, **env}, capture_output=True, timeout=120)


@pytest.mark.parametrize(("env", "message"), [
    ({"ROLLOUTS_AUTH": "none"}, "ROLLOUTS_AUTH=none lets nobody sign in: set "
                                "ROLLOUTS_ANONYMOUS_ROLE"),
    ({"ROLLOUTS_AUTH": "proxy"}, "ROLLOUTS_AUTH=proxy needs ROLLOUTS_TRUSTED_PROXIES"),
    ({"ROLLOUTS_AUTH": "proxy", "ROLLOUTS_TRUSTED_PROXIES": "10.0.0.0/33"},
     "ROLLOUTS_TRUSTED_PROXIES: '10.0.0.0/33' is not an address or a CIDR"),
    ({"ROLLOUTS_AUTH": "oidc"}, "ROLLOUTS_AUTH=oidc needs ROLLOUTS_OIDC_ISSUER"),
    ({"ROLLOUTS_AUTH": "oidc", "ROLLOUTS_OIDC_ISSUER": "http://127.0.0.1:1"},
     "ROLLOUTS_AUTH=oidc needs ROLLOUTS_OIDC_CLIENT_ID"),
    ({"ROLLOUTS_ANONYMOUS_ROLE": "veiwer"}, "ROLLOUTS_ANONYMOUS_ROLE='veiwer' is not a built-in "
                                            "role"),
    ({"ROLLOUTS_AUTH": "ldap"}, "ROLLOUTS_AUTH must be one of local, oidc, proxy, none"),
])
def test_an_unusable_sign_in_configuration_stops_the_start(env: dict[str, str], message: str,
                                                           tmp_path: Path) -> None:
    done = _check(tmp_path, **env)
    assert done.returncode != 0
    assert message in done.stderr


def test_no_sign_in_with_an_anonymous_role_starts(tmp_path: Path) -> None:
    done = _check(tmp_path, ROLLOUTS_AUTH="none", ROLLOUTS_ANONYMOUS_ROLE="viewer")
    assert done.returncode == 0, done.stderr
