"""GET /api/v1/rollouts... from the mirror: filters, search, one rollout, timeline, actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rollouts.actions import expect_from_rollout
from rollouts.models import ActionRecord, ClusterStatus, RolloutEvent
from tests.api.support import NOW, degraded, healthy, mirrored, variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet() -> None:
    mirrored(variant("rollouts-demo"))  # Paused at step 1
    mirrored(healthy("cart", "shop", app="cart", team="checkout"))
    mirrored(healthy("cart-eu", "shop", app="cart", team="checkout-eu"))
    mirrored(degraded("search", "shop"))
    mirrored(healthy("elsewhere", "other"), cluster="another-cluster")


def _names(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/rollouts{query}")
    assert response.status_code == 200, response.content
    return [f"{r['namespace']}/{r['name']}" for r in response.json()["rollouts"]]


def test_it_lists_this_clusters_rollouts_by_namespace_and_name(client: Client,
                                                               fleet: None) -> None:
    assert _names(client) == ["my-demo/rollouts-demo", "shop/cart", "shop/cart-eu",
                              "shop/search"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?namespace=shop", ["shop/cart", "shop/cart-eu", "shop/search"]),
        ("?namespace=my-demo,nowhere", ["my-demo/rollouts-demo"]),
        ("?status=paused", ["my-demo/rollouts-demo"]),
        ("?status=Healthy,Degraded", ["shop/cart", "shop/cart-eu", "shop/search"]),
        ("?attention=true", ["shop/search"]),
        ("?selector=team%3Dcheckout", ["my-demo/rollouts-demo", "shop/cart"]),
        ("?selector=app%3Dcart,team!%3Dcheckout", ["shop/cart-eu"]),
        ("?search=cart", ["shop/cart", "shop/cart-eu"]),
        ("?search=%22cart%22", ["shop/cart"]),
        ("?search=!cart", ["my-demo/rollouts-demo", "shop/search"]),
        ("?search=team:eu,search", ["shop/cart-eu", "shop/search"]),
        ("?namespace=shop&search=cart&status=Healthy&selector=team", ["shop/cart",
                                                                      "shop/cart-eu"]),
    ],
)
def test_filters_narrow_the_list(client: Client, fleet: None, query: str,
                                 names: list[str]) -> None:
    assert _names(client, query) == names


def test_each_item_carries_the_columns(client: Client, fleet: None) -> None:
    (item,) = client.get("/api/v1/rollouts?namespace=my-demo").json()["rollouts"]
    assert item["phase"] == "Paused" and item["message"] == "CanaryPauseStep"
    assert (item["step"], item["stepCount"], item["setWeight"]) == (1, 9, 20)
    assert item["labels"] == {"app": "rollouts-demo", "team": "checkout"}
    assert item["images"] == []  # no ReplicaSets in this mirror
    assert item["resourceVersion"] == "106554"


@pytest.mark.parametrize(
    ("query", "problem"),
    [("?status=Aborted", "unknown status 'aborted'"),
     ("?selector=app%3D%3D%3Dx", "invalid label value")],
)
def test_bad_filters_are_a_422_with_a_json_body(client: Client, query: str,
                                                problem: str) -> None:
    response = client.get(f"/api/v1/rollouts{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == (422, "Invalid")
    assert problem in error["message"]


def test_one_rollout_is_its_info_and_the_cluster_state(client: Client, fleet: None) -> None:
    ClusterStatus.objects.create(cluster="default", state="live", kinds={"rollouts": "synced"},
                                 updated_at=NOW)
    body = client.get("/api/v1/rollouts/my-demo/rollouts-demo").json()
    assert body["info"]["status"] == "Paused"
    assert body["info"]["step"] == "1/9"
    assert body["cluster"]["state"] == "live"
    assert body["expect"] == expect_from_rollout(variant("rollouts-demo")).to_dict()
    assert body["expect"]["step"] == 1


def test_an_unknown_rollout_is_a_404_with_a_json_body(client: Client) -> None:
    for suffix in ("", "/timeline", "/actions"):
        response = client.get(f"/api/v1/rollouts/my-demo/nope{suffix}")
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": 404, "reason": "NotFound",
            "message": "rollout 'nope' not found in namespace 'my-demo'",
        }


def _event(name: str, minute: int, kind: str, message: str, step: int | None = None) -> None:
    RolloutEvent.objects.create(cluster="default", namespace="my-demo", name=name,
                                at=NOW.replace(minute=minute), kind=kind, message=message,
                                revision=2, step_index=step)


def test_the_timeline_lists_the_newest_events_oldest_first(client: Client, fleet: None) -> None:
    _event("rollouts-demo", 1, "update-started", "update to revision 2 started")
    _event("rollouts-demo", 2, "step-entered", "step 0/9 setWeight: 20", 0)
    _event("rollouts-demo", 3, "paused", "paused: CanaryPauseStep", 1)
    _event("other", 4, "created", "not this one")
    events = client.get("/api/v1/rollouts/my-demo/rollouts-demo/timeline?limit=2").json()["events"]
    assert [(e["kind"], e["step"]) for e in events] == [("step-entered", 0), ("paused", 1)]


def test_a_deleted_rollouts_timeline_is_still_served(client: Client) -> None:
    _event("gone", 1, "deleted", "rollout deleted")
    assert client.get("/api/v1/rollouts/my-demo/gone/timeline").json()["events"][0]["kind"] == (
        "deleted")


def test_a_bad_limit_is_a_422(client: Client, fleet: None) -> None:
    assert client.get("/api/v1/rollouts/my-demo/rollouts-demo/timeline?limit=0").status_code == 422


def test_the_action_records_are_listed_newest_first(client: Client, fleet: None) -> None:
    for minute, outcome in ((1, "ok"), (2, "refused")):
        ActionRecord.objects.create(
            cluster="default", namespace="my-demo", name="rollouts-demo", action="promote",
            outcome=outcome, at=NOW.replace(minute=minute), message=outcome,
        )
    records = client.get("/api/v1/rollouts/my-demo/rollouts-demo/actions").json()["actions"]
    assert [r["outcome"] for r in records] == ["refused", "ok"]
    assert set(records[0]) >= {"actor", "source", "params", "seen", "requests", "durationMs"}


def test_reads_reject_other_methods(client: Client) -> None:
    assert client.post("/api/v1/rollouts").status_code == 405
    assert client.delete("/api/v1/rollouts/my-demo/rollouts-demo").status_code == 405


def test_settings_choose_the_cluster(client: Client, fleet: None, settings: Any) -> None:
    settings.ROLLOUTS_CLUSTER_NAME = "another-cluster"
    assert _names(client) == ["other/elsewhere"]
