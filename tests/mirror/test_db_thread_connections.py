"""The mirror's and the publisher's worker threads keep their database connection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from rollouts.dbthread import drop_broken_connections
from rollouts.models import Rollout

pytestmark = pytest.mark.django_db(transaction=True)


def _task() -> object:
    drop_broken_connections()
    Rollout.objects.count()
    return connection.connection


def test_a_worker_thread_reuses_its_connection_from_task_to_task():
    with ThreadPoolExecutor(max_workers=1) as thread:
        first, second = thread.submit(_task).result(), thread.submit(_task).result()
        thread.submit(lambda: connection.close()).result()  # resolved on that thread
    assert first is second
