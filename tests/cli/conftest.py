from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests.actions.conftest import cluster, gateway  # noqa: F401


class Run:
    """`manage.py rollouts ...` in-process, with its stdout and stderr captured."""

    def __init__(self) -> None:
        self.out, self.err = StringIO(), StringIO()

    def __call__(self, *args: str) -> str:
        self.out, self.err = StringIO(), StringIO()
        call_command("rollouts", *args, stdout=self.out, stderr=self.err)
        return self.out.getvalue()


@pytest.fixture
def rollouts_cli(cluster: Any) -> Run:  # noqa: F811
    return Run()
