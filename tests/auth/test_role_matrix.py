"""Role × action × namespace, through the JSON API (session and token) and the buttons' POSTs.

Each built-in role and a custom one from the policy file, granted in my-demo only: every verb the
role holds goes through to the actions service there (whatever the cluster then says), every
other verb, and everything in `shop`, is refused before anything is sent or recorded. (A button
of a rollout in a namespace its user may not see answers as for a missing rollout: 404.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from rollouts.access.policy import BUILTIN_ROLES
from rollouts.access.tokens import create_token
from rollouts.actions.availability import LABELS
from rollouts.models import AccessGrant, ActionRecord
from tests.actions.conftest import cluster  # noqa: F401
from tests.actions.objects import paused_at_step_1
from tests.actions.support import seed

pytestmark = pytest.mark.django_db(transaction=True)
ROLES = {**BUILTIN_ROLES, "release-manager": BUILTIN_ROLES["operator"] | {"set-image"}}
POLICY = "p, role:release-manager, role:operator\np, role:release-manager, set-image\n"
# API action, body → the verb it needs.
API_ACTIONS = [("promote", {}, "promote"), ("promote", {"full": True}, "promote-full"),
               ("abort", {}, "abort"), ("retry", {}, "retry"), ("pause", {}, "pause"),
               ("restart", {}, "restart"), ("undo", {"revision": 0}, "rollback"),
               ("set-image", {"container": "rollouts-demo", "image": "demo:red"}, "set-image")]
CASES = [(role, namespace) for role in ROLES for namespace in ("my-demo", "shop")]


@pytest.fixture
def world(cluster: Any, settings: Any, tmp_path: Path) -> Any:  # noqa: F811
    settings.ROLLOUTS_AUTH, settings.ROLLOUTS_ANONYMOUS_ROLE = "local", "none"
    settings.ROLLOUTS_ACTION_COOLDOWN = 0.0
    policy = tmp_path / "policy.csv"
    policy.write_text(POLICY, encoding="utf-8")
    settings.ROLLOUTS_POLICY_FILE = str(policy)
    seed(cluster, paused_at_step_1())
    return cluster


def _signed_in(role: str) -> Client:
    user = get_user_model().objects.create_user(f"{role}-user")
    AccessGrant.objects.create(role=role, subject_kind="user", subject=user.username,
                               namespace="my-demo", created_at=timezone.now())
    client = Client()
    client.force_login(user)
    return client


def _writes(sim: Any) -> list[Any]:
    return [r for r in sim.requests() if r["method"] != "GET"]


def _expect(response: Any, allowed: bool, sim: Any, records_before: int,
            refused: int = 403) -> None:
    """Allowed: the service ran (and recorded it). Refused: `refused`, nothing sent, nothing
    kept."""
    if allowed:
        assert response.status_code not in (401, 403, 404), response.content
        assert ActionRecord.objects.count() == records_before + 1
    else:
        assert response.status_code == refused, response.content
        assert ActionRecord.objects.count() == records_before
        assert _writes(sim) == []


def _try_the_api(client: Client, sim: Any, role: str, namespace: str) -> None:
    for action, body, verb in API_ACTIONS:
        sim.clear_requests()
        before = ActionRecord.objects.count()
        response = client.post(f"/api/v1/rollouts/{namespace}/rollouts-demo/{action}",
                               data=body, content_type="application/json")
        _expect(response, verb in ROLES[role] and namespace == "my-demo", sim, before)


@pytest.mark.parametrize(("role", "namespace"), CASES)
def test_through_the_api_with_a_session_a_role_does_exactly_its_verbs(
        world: Any, role: str, namespace: str) -> None:
    _try_the_api(_signed_in(role), world, role, namespace)


@pytest.mark.parametrize(("role", "namespace"), CASES)
def test_through_the_api_with_a_token_a_role_does_exactly_its_verbs(
        world: Any, role: str, namespace: str) -> None:
    _, secret = create_token(f"{role}-token", role, ["my-demo"])
    _try_the_api(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), world, role, namespace)


@pytest.mark.parametrize(("role", "namespace"), CASES)
def test_through_the_buttons_a_role_does_exactly_its_verbs(world: Any, role: str,
                                                           namespace: str) -> None:
    client = _signed_in(role)
    for verb in LABELS:
        world.clear_requests()
        allowed = verb in ROLES[role] and namespace == "my-demo"
        before = ActionRecord.objects.count()
        response = client.post(f"/rollouts/{namespace}/rollouts-demo/actions/{verb}",
                               {"revision": "1", "container": "rollouts-demo",
                                "image": "demo:red"})
        _expect(response, allowed, world, before, 404 if namespace == "shop" else 403)
