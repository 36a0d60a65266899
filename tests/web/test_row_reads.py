"""The overview's row reads (page, publisher, snapshots) fetch what a row shows, not the raw
Rollout object the mirror also keeps (by far the biggest column)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollouts import readmodel
from tests.web.support import HEALTHY, PAUSED_STEP1, key_of, store_guide

pytestmark = pytest.mark.django_db


def test_row_reads_leave_the_raw_object_in_the_database() -> None:
    first = key_of(store_guide(PAUSED_STEP1))
    second = key_of(store_guide(HEALTHY, name="other"))
    with CaptureQueriesContext(connection) as queries:
        rows = readmodel.load_rows()
        one = readmodel.load_row(first)
        some = readmodel.load_rows_for([first, second])
    assert [row.key for row in rows] == [second, first]
    assert one is not None and one.info["step"] == "1/9"
    assert set(some) == {first, second} and some[second].info["status"] == "Healthy"
    selects = [q["sql"] for q in queries.captured_queries]
    assert len(selects) == 3
    assert all('"raw"' not in sql and '"info"' in sql for sql in selects)
