"""`make run`'s demo accounts: random passwords kept in the state directory, each role granted."""

from __future__ import annotations

import importlib.util
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.servers import ROOT


def _run_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_demo", ROOT / "scripts" / "run_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_passwords_are_random_private_and_reused(tmp_path: Path) -> None:
    demo = _run_demo()
    first = demo.demo_passwords(tmp_path)
    assert set(first) == {"viewer", "operator", "admin"}
    assert len(set(first.values())) == 3 and all(len(p) >= 16 for p in first.values())
    path = tmp_path / "demo-accounts.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo.demo_passwords(tmp_path) == first


def test_each_account_signs_in_with_its_password_and_holds_its_role(tmp_path: Path) -> None:
    demo = _run_demo()
    env = {**demo.dashboard_env(tmp_path / "kubeconfig"), "DASHBOARD_STATE_DIR": str(tmp_path),
           "DATABASE_PATH": str(tmp_path / "db.sqlite3")}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    passwords = demo.demo_passwords(tmp_path)
    demo.ensure_demo_accounts(env, passwords)
    demo.ensure_demo_accounts(env, passwords)  # a second run changes nothing
    check = ("import sys; from django.contrib.auth import authenticate; "
             "from rollouts.access.store import permissions_for; "
             "[print(n, authenticate(username=n, password=p) is not None, "
             "permissions_for(n, ()).role_in('default', 'any-namespace')) "
             "for n, p in (line.split() for line in sys.stdin)]")
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", check], cwd=ROOT,
                          env=env, text=True, capture_output=True, timeout=120,
                          input="".join(f"{n} {p}\n" for n, p in passwords.items()))
    lines = [line for line in done.stdout.splitlines()
             if line and "imported automatically" not in line]
    assert lines == ["viewer True viewer", "operator True operator",
                                           "admin True admin"], done.stderr
    assert env["ROLLOUTS_ANONYMOUS_ROLE"] == "viewer" and env["ROLLOUTS_AUTH"] == "local"
