"""`python -m simcluster serve`: prints its URL and kubeconfig, serves, exits cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "simcluster", "serve", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_prints_the_url_and_kubeconfig_then_stops_cleanly_on_sigterm(tmp_path):
    kubeconfig = tmp_path / "state" / "kubeconfig"
    process = _serve("--port", "0", "--no-controllers", "--kubeconfig-out", str(kubeconfig))
    try:
        url_line = process.stdout.readline().strip()
        config_line = process.stdout.readline().strip()
        assert url_line.startswith("simcluster serving http://127.0.0.1:")
        url = url_line.rsplit(" ", 1)[1]
        assert config_line == f"kubeconfig: {kubeconfig}"
        written = yaml.safe_load(kubeconfig.read_text())
        assert written["clusters"][0]["cluster"]["server"] == url
        with urllib.request.urlopen(f"{url}/version", timeout=5) as response:
            assert json.loads(response.read())["minor"] == "32"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    assert code == 0


def test_serve_refuses_a_non_loopback_host_and_says_why():
    process = _serve("--host", "0.0.0.0", "--no-controllers")
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "refusing to listen on '0.0.0.0'" in err
    assert "--allow-remote" in err and "no authentication" in err


def test_serve_turns_the_change_knob_on_only_when_asked():
    from simcluster.__main__ import _controller_options, parser

    quiet = parser().parse_args(["serve"])
    assert _controller_options(quiet) is None
    lively = parser().parse_args(["serve", "--change-every", "90",
                                  "--change-skip-namespace", "my-demo"])
    options = _controller_options(lively)
    assert options.change_every == 90
    assert options.change_skip_namespaces == frozenset({"my-demo"})
