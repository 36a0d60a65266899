"""The overview page serves rows from the rendered-row cache, and never a stale one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from rollouts.mirror_db import rollout_columns
from rollouts.models import Rollout
from tests.web.support import NOW, PAUSED_STEP1, guide, store

pytestmark = pytest.mark.django_db


def test_a_row_changed_since_the_last_page_load_is_served_changed(client: Client) -> None:
    row = store(guide(PAUSED_STEP1).objects())
    assert "<b>Paused</b>" in client.get("/").text  # rendered, and cached by changed_at

    info = {**row.info, "status": "Degraded", "message": "an aborted update"}
    Rollout.objects.filter(pk=row.pk).update(changed_at=NOW + timedelta(seconds=5),
                                             **rollout_columns(info))

    html = client.get("/").text
    assert "<b>Degraded</b>" in html and "an aborted update" in html
    assert "<b>Paused</b>" not in html


def test_rows_come_from_the_cache_while_they_have_not_changed(client: Client) -> None:
    row = store(guide(PAUSED_STEP1).objects())
    assert "a quiet message" not in client.get("/").text
    # The info moved on but changed_at did not (the mirror never does that): the page keeps
    # serving the cached rendering, which shows that the row was not rendered again.
    info = {**row.info, "message": "a quiet message"}
    Rollout.objects.filter(pk=row.pk).update(**rollout_columns(info))
    assert "a quiet message" not in client.get("/").text
