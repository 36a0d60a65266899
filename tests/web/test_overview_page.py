"""The overview page as served: every rollout, filters and sorting from the URL, counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from rollouts.models import ClusterStatus
from tests.web.support import HEALTHY, PAUSED_STEP1, PAUSED_STEP3, guide, store

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 7, 17, 12, 0, tzinfo=UTC)


def add(fixture: str, name: str, namespace: str = "my-demo", minutes: int = 0,
        labels: dict[str, str] | None = None, **status: object) -> None:
    bundle = guide(fixture, name=name, namespace=namespace, labels=labels)
    bundle.status.update(status)
    store(bundle.objects(), changed_at=T0 + timedelta(minutes=minutes))


@pytest.fixture
def fleet() -> None:
    add(PAUSED_STEP1, "alpha", "team-a", minutes=5, labels={"app": "alpha", "tier": "web"})
    add(HEALTHY, "bravo", "team-a", minutes=1, labels={"app": "bravo"})
    add(PAUSED_STEP3, "charlie", "team-b", minutes=3, labels={"app": "charlie", "tier": "db"})
    add(PAUSED_STEP1, "delta", "team-b", minutes=2, abort=True, pauseConditions=None,
        controllerPause=None, currentStepIndex=0, phase="Degraded",
        message="RolloutAborted: Rollout aborted update to revision 2")


def names(response) -> list[str]:
    return re.findall(r'<article id="row--[^"]+"[^>]* data-name="([^"]+)"', response.text)


def count(response, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', response.text)
    assert match, name
    return int(match.group(1))


def test_every_rollout_of_every_namespace_is_listed_by_name(client: Client, fleet: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert names(response) == ["alpha", "bravo", "charlie", "delta"]
    assert '<span id="shown-count">4</span> of <span id="total-count">4</span>' in response.text


def test_a_row_shows_status_step_weights_replicasets_and_actions(
        client: Client, fleet: None) -> None:
    html = client.get("/?q=%22alpha%22").text
    assert "<b>Paused</b>" in html
    assert '<span class="stepno">1/9</span>' in html
    assert '<span class="wtext">80/20</span>' in html
    assert 'class="wbar-mark pl-80"' in html  # the SetWeight marker
    assert '<span class="tag tag--canary">canary</span>' in html
    assert "rollouts-demo:yellow" in html and "rollouts-demo:blue" in html
    assert html.count('class="pod pod--success"') == 5
    assert 'data-act="promote"' in html and 'data-act="restart"' in html
    assert '<small class="msg"' not in html  # "CanaryPauseStep" is hidden, like upstream


def test_a_fully_promoted_rollout_reads_all_stable(client: Client, fleet: None) -> None:
    html = client.get("/?q=%22bravo%22").text
    assert '<span class="wtext">stable</span>' in html
    assert 'role="img" title="fully promoted: all traffic to stable"' in html


def test_the_namespace_filter_lists_only_that_namespace(client: Client, fleet: None) -> None:
    response = client.get("/?namespace=team-b")
    assert names(response) == ["charlie", "delta"]
    assert 'ws-connect="/ws/overview?namespace=team-b"' in response.text
    assert '<option value="team-b" selected>' in response.text


def test_several_namespaces_can_be_asked_for_at_once(client: Client, fleet: None) -> None:
    assert names(client.get("/?namespace=team-b,team-a")) == ["alpha", "bravo", "charlie",
                                                               "delta"]


def test_status_chips_filter_and_count(client: Client, fleet: None) -> None:
    response = client.get("/?status=Paused")
    assert names(response) == ["alpha", "charlie"]
    assert (count(response, "Paused"), count(response, "Healthy"),
            count(response, "Degraded"), count(response, "attention")) == (2, 1, 1, 1)
    assert 'data-chip="Paused" aria-pressed="true"' in response.text
    assert names(client.get("/?status=paused,degraded")) == ["alpha", "charlie", "delta"]


def test_needs_attention_shows_the_degraded_one(client: Client, fleet: None) -> None:
    assert names(client.get("/?attention=1")) == ["delta"]


@pytest.mark.parametrize(("query", "expected"), [
    ("l", ["alpha", "charlie", "delta"]),
    ("!l", ["bravo"]),
    ('"bravo"', ["bravo"]),
    ("tier:db", ["charlie"]),
    ('app:"alph"', []),
    ("app:alph,bravo", ["alpha", "bravo"]),
])
def test_search_uses_upstreams_syntax(client: Client, fleet: None, query: str,
                                      expected: list[str]) -> None:
    assert names(client.get("/", {"q": query})) == expected


def test_chip_counts_follow_the_search(client: Client, fleet: None) -> None:
    response = client.get("/", {"q": "tier:"})
    assert count(response, "Paused") == 2 and count(response, "Healthy") == 0


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["alpha", "bravo", "charlie", "delta"]),
    ("-name", ["delta", "charlie", "bravo", "alpha"]),
    ("namespace", ["alpha", "bravo", "charlie", "delta"]),
    ("status", ["delta", "alpha", "charlie", "bravo"]),
    ("step", ["delta", "alpha", "charlie", "bravo"]),
    ("-changed", ["alpha", "charlie", "delta", "bravo"]),
    ("nonsense", ["alpha", "bravo", "charlie", "delta"]),
])
def test_sorting_comes_from_the_url(client: Client, fleet: None, sort: str,
                                    expected: list[str]) -> None:
    assert names(client.get("/", {"sort": sort})) == expected


def test_links_keep_the_other_filters(client: Client, fleet: None) -> None:
    html = client.get("/?namespace=team-a&q=al&sort=-changed").text
    assert 'href="?namespace=team-a&amp;q=al&amp;status=Degraded&amp;sort=-changed"' in html
    assert 'href="?namespace=team-a&amp;q=al&amp;sort=changed"' in html  # flips direction


def test_no_rollouts_says_so(client: Client) -> None:
    html = client.get("/").text
    assert 'id="empty-state" class="empty">' in html
    assert "No rollouts yet" in html


def test_filters_that_match_nothing_say_so(client: Client, fleet: None) -> None:
    html = client.get("/?q=zzz").text
    assert 'id="empty-state" class="empty">' in html
    assert '<span data-empty="filtered">' in html


def test_the_live_indicator_reflects_the_watcher(client: Client) -> None:
    assert "Waiting for the watcher" in client.get("/").text
    ClusterStatus.objects.create(cluster="default", state="live", message="",
                                 updated_at=T0)
    assert '<span class="live-text">Live</span>' in client.get("/").text
