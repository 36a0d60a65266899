"""/readyz: 200 with every check when they pass, 503 naming the one that fails; a process
running the watcher also reports the cluster connection and leadership."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone

from rollouts import health
from rollouts.models import ClusterStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restore_checks() -> Iterator[None]:
    saved = dict(health._checks)
    yield
    health._checks.clear()
    health._checks.update(saved)


def test_readyz_is_200_when_the_database_and_the_channel_layer_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "channel_layer"}
    assert body["checks"]["database"] == {"ok": True, "detail": "sqlite"}
    assert body["checks"]["channel_layer"]["ok"] is True


def test_readyz_is_503_naming_a_failing_check(client: Client, restore_checks: None) -> None:
    def broken() -> bool:
        raise ConnectionError("redis is away")

    health.register_check("redis", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": False, "detail": "ConnectionError: redis is away"}
    assert checks["database"]["ok"] is True


def test_a_check_registered_again_replaces_the_first(client: Client, restore_checks: None,
                                                     settings) -> None:
    settings.ROLLOUTS_WATCHER = "embedded"
    ClusterStatus.objects.create(cluster=settings.ROLLOUTS_CLUSTER_NAME, state="live",
                                 updated_at=timezone.now())
    health.register_check("leadership", lambda: (False, "lost the lease"), watcher=True)
    checks = client.get("/readyz").json()["checks"]
    assert checks["leadership"] == {"ok": False, "detail": "lost the lease"}


def test_the_watcher_is_not_ready_until_the_cluster_is_live(client: Client, settings) -> None:
    settings.ROLLOUTS_WATCHER = "embedded"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cluster"] == {
        "ok": False, "detail": "unknown: no watcher has reported yet"}
    ClusterStatus.objects.create(cluster=settings.ROLLOUTS_CLUSTER_NAME, state="live",
                                 updated_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["leadership"]["ok"] is True


def test_probes_answer_whatever_the_host_header_says(client: Client) -> None:
    # The kubelet and Prometheus reach a pod by its IP, which ALLOWED_HOSTS does not list.
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path, HTTP_HOST="10.1.2.3:3100").status_code == 200
    assert client.get("/api/v1/rollouts", HTTP_HOST="10.1.2.3:3100").status_code == 400
