"""The Dockerfile's final stage: slim Python 3.11, a non-root user, no build tools or test
packages, static files collected at build time, daphne as the command. (No Docker daemon runs
on the test machines, so the image itself is not built here.)"""

from __future__ import annotations

import re

from tests.deploy.support import ROOT

BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|build-essential|make|libpq-dev|python3-dev)\b")


def final_stage() -> list[str]:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    assert len(starts) == 2, "a build stage and a final stage"
    return [line for line in lines[starts[-1]:] if line and not line.startswith("#")]


def test_the_final_stage_is_slim_python_run_by_a_numeric_non_root_user() -> None:
    stage = final_stage()
    assert stage[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in stage if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert users[-1].split(":")[0].isdigit()  # runAsNonRoot can only check a number


def test_the_final_stage_installs_nothing_and_copies_the_virtualenv() -> None:
    text = "\n".join(final_stage())
    assert "pip install" not in text and "apt-get" not in text
    assert not BUILD_TOOLS.search(text)
    assert "COPY --from=build /opt/venv /opt/venv" in text
    assert "COPY tests" not in text


def test_static_files_are_collected_at_build_and_daphne_serves() -> None:
    text = "\n".join(final_stage())
    assert "manage.py collectstatic --noinput" in text
    assert "STATIC_ROOT=/app/staticfiles" in text
    assert text.splitlines()[-1].startswith('CMD ["daphne", "-b", "0.0.0.0"')


def test_the_build_stage_leaves_the_test_packages_out() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "sed '/^# Tests and lint/,$d'" in text
    requirements = (ROOT / "requirements.txt").read_text()
    runtime = requirements.split("# Tests and lint")[0]
    assert "pytest" not in runtime and "playwright" not in runtime
    assert "prometheus-client==" in runtime and "daphne==" in runtime
