"""A damaged or half-written row never breaks a page: it shows what it can."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rollouts import fragments
from rollouts.access.variants import UI_VERBS
from rollouts.keys import RolloutKey
from rollouts.models import Rollout
from rollouts.readmodel import DetailData, RowData
from tests.web.support import NOW

pytestmark = pytest.mark.django_db
KEY = RolloutKey("default", "odd", "broken")
GARBAGE: list[Any] = [
    {},
    {"status": 7, "message": ["x"], "strategy": None, "step": {}, "labels": "app=x",
     "replicasets": "rs", "revisions": [None, 3, "x"], "steps": [1, None],
     "traffic": "istio", "images": [None], "containers": {"a": "b"}},
    {"strategy": "Canary", "actual_weight": "20", "set_weight": True, "max_weight": 0,
     "replicasets": [{"pods": [None, {"ui_class": 5}], "tags": [1], "images": [None]}],
     "revisions": [{"revision": "2", "replicasets": [None]}],
     "analysis_runs": [{"metrics": [{"measurements": [None, {"phase": 3}]}]}],
     "experiments": [{"replicasets": [None], "analysis_runs": [None]}],
     "traffic": {"routes": [{"total_weight": "x"}], "applied": [], "warnings": [None, "w"]},
     "step_index": -1, "step_count": "9", "pause_conditions": [{"reason": None}]},
]


@pytest.mark.parametrize("info", GARBAGE)
def test_fragments_render_whatever_the_info_holds(info: Any) -> None:
    row = fragments.overview_row(RowData(KEY, info, NOW), UI_VERBS)
    assert 'id="row--default--odd--broken"' in row
    parts = fragments.detail_fragments(DetailData(KEY, info, NOW), UI_VERBS)
    assert len(parts) == len(fragments.DETAIL_PARTS)


@pytest.mark.parametrize("info", [*GARBAGE, "text", [1, 2], 42])
def test_both_pages_and_the_dialogs_serve_a_damaged_row(client: Client, info: Any) -> None:
    Rollout.objects.create(cluster="default", namespace="odd", name="broken", uid="u",
                           resource_version="1", raw={"metadata": "x"}, mirrored_at=NOW,
                           changed_at=NOW, info=info)
    assert client.get("/").status_code == 200
    assert client.get("/rollouts/odd/broken").status_code == 200
    assert client.get("/rollouts/odd/broken/confirm/promote").status_code == 200
    assert client.get("/rollouts/odd/broken/confirm/rollback?revision=x").status_code == 200
