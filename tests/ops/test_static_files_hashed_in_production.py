"""With STATIC_ROOT set (the image), `collectstatic` writes hashed, compressed copies and pages
link to the hashed names, which WhiteNoise serves as cacheable for ever; without it (make run,
tests) files come from the finders with no collectstatic step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.templatetags.static import static
from django.test import Client
url = static("css/dashboard.css")
response = Client().get(url)
print(json.dumps({"url": url, "status": response.status_code,
                  "cache": response.get("Cache-Control", "")}))
"""


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dashboard.settings",
           "DASHBOARD_STATE_DIR": str(tmp_path), "ROLLOUTS_WATCHER": "off", **extra}
    for name in ("STATIC_ROOT", "ROLLOUTS_ROOT_PATH"):
        if name not in extra:
            env.pop(name, None)
    return env


def test_collectstatic_gives_hashed_names_that_whitenoise_serves(tmp_path: Path) -> None:
    collected = tmp_path / "staticfiles"
    env = environment(tmp_path, STATIC_ROOT=str(collected))
    result = run(env, "manage.py", "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/dashboard.css"]
    assert hashed != "css/dashboard.css" and (collected / (hashed + ".gz")).exists()
    probe = run(env, "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    served = json.loads(probe.stdout.strip().splitlines()[-1])
    assert served["url"] == f"/static/{hashed}" and served["status"] == 200
    assert "immutable" in served["cache"]


def test_without_static_root_files_come_from_the_finders(tmp_path: Path) -> None:
    probe = run(environment(tmp_path), "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    served = json.loads(probe.stdout.strip().splitlines()[-1])
    assert served == {"url": "/static/css/dashboard.css", "status": 200,
                      "cache": served["cache"]}


def test_a_root_path_prefixes_the_static_urls(tmp_path: Path) -> None:
    probe = run(environment(tmp_path, ROLLOUTS_ROOT_PATH="/rollouts/"), "-c",
                PROBE.replace("Client().get(url)", "Client().get(url, SCRIPT_NAME='/rollouts')"))
    assert probe.returncode == 0, probe.stderr
    served = json.loads(probe.stdout.strip().splitlines()[-1])
    assert served["url"] == "/rollouts/static/css/dashboard.css"


def test_a_root_path_must_be_a_path(tmp_path: Path) -> None:
    probe = run(environment(tmp_path, ROLLOUTS_ROOT_PATH="rollouts"), "-c", PROBE)
    assert probe.returncode != 0
    assert "ROLLOUTS_ROOT_PATH must be a path such as /rollouts" in probe.stderr
