from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_overview_says_no_cluster_rather_than_inventing_rollouts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No rollouts yet" in response.content


def test_the_health_check_answers(client):
    response = client.get("/healthz")
    assert response.json() == {"ok": True}
