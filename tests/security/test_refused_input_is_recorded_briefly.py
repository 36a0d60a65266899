"""A refused action is still recorded, but a huge parameter is kept as its quoted start only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rollouts.actions.records import PARAMS_MAX
from rollouts.models import ActionRecord
from tests.actions.conftest import cluster  # noqa: F401
from tests.actions.objects import paused_at_step_1
from tests.actions.support import seed

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_100000_character_image_leaves_a_short_record(client: Client,
                                                                cluster: Any) -> None:  # noqa: F811
    seed(cluster, paused_at_step_1())
    response = client.post("/api/v1/rollouts/my-demo/rollouts-demo/set-image",
                           {"container": "rollouts-demo", "image": "x" * 100_000},
                           content_type="application/json")
    assert response.status_code == 422
    assert "at most 1024 characters" in response.json()["error"]["message"]
    record = ActionRecord.objects.get(pk=response.json()["record"])
    assert record.outcome == "refused"
    assert len(json.dumps(record.params)) < PARAMS_MAX
    assert record.params["size"] > 100_000 and record.params["raw"].startswith("{'container'")
    assert cluster.requests() == [] and cluster.read_requests() == []
