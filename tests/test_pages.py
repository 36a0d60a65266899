from __future__ import annotations

import time

import pytest


@pytest.mark.django_db
def test_the_overview_says_no_cluster_rather_than_inventing_rollouts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No rollouts yet" in response.content


def test_the_health_check_answers_with_the_servers_clock(client):
    before = time.time() * 1000
    body = client.get("/healthz").json()
    assert body["ok"] is True
    assert before - 1 <= body["now_ms"] <= time.time() * 1000 + 1
