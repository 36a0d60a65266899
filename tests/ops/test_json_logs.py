"""LOG_FORMAT=json: one JSON object per line with time, level, logger, message, the extra
fields and the exception as a string; any other value than text/json stops the start-up."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from dashboard.logformat import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def record(**kwargs) -> logging.LogRecord:
    logger = logging.getLogger("rollouts.test")
    return logger.makeRecord("rollouts.test", logging.WARNING, __file__, 1,
                             "batch of %d", (3,), kwargs.pop("exc_info", None), extra=kwargs)


def test_a_record_becomes_one_json_object_with_its_extra_fields() -> None:
    line = JsonFormatter().format(record(rollout="my-demo/canary", took=0.5))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING" and entry["logger"] == "rollouts.test"
    assert entry["message"] == "batch of 3"
    assert entry["rollout"] == "my-demo/canary" and entry["took"] == 0.5
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert "exception" not in entry


def test_an_exception_is_one_string_and_odd_values_do_not_break_logging() -> None:
    try:
        raise ValueError("bad quantity")
    except ValueError:
        line = JsonFormatter().format(record(exc_info=sys.exc_info(), thing=object()))
    entry = json.loads(line)
    assert entry["exception"].startswith("Traceback")
    assert "ValueError: bad quantity" in entry["exception"]
    assert entry["thing"].startswith("<object object")


def run_check(log_format: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LOG_FORMAT": log_format, "DJANGO_SETTINGS_MODULE": "dashboard.settings"}
    code = "import django, logging; django.setup(); logging.getLogger('probe').warning('hi')"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_log_format_json_configures_the_console_handler() -> None:
    result = run_check("json")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "probe" and entry["message"] == "hi"


def test_an_unknown_log_format_stops_the_start_up() -> None:
    result = run_check("xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be one of text, json, got 'xml'" in result.stderr
