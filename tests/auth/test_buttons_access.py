"""The buttons' endpoints refuse a verb the user does not hold, before anything is sent."""

from __future__ import annotations

import requests

from simcluster.cluster import SimCluster
from tests.auth.support import NAME, NS, record_ids, sign_in
from tests.servers import Dashboard

BUTTON = f"/rollouts/{NS}/{NAME}/actions/"


def _press(session: requests.Session, server: Dashboard, action: str) -> requests.Response:
    return session.post(server.url + BUTTON + action, timeout=60,
                        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]})


def test_a_viewer_pressing_promote_gets_403_and_nothing_is_sent_or_recorded(
        local: Dashboard, cluster: SimCluster, audit_token: str) -> None:
    before = record_ids(local, audit_token)
    cluster.clear_requests()
    session, _ = sign_in(local, "bob")
    response = _press(session, local, "promote")
    assert response.status_code == 403
    assert f"bob cannot promote rollouts in {NS}" in response.text
    assert [r for r in cluster.requests() if r["method"] != "GET"] == []
    assert record_ids(local, audit_token) == before


def test_an_operator_may_not_open_the_rollback_dialog(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    response = session.get(local.url + f"/rollouts/{NS}/{NAME}/confirm/rollback", timeout=30)
    assert response.status_code == 403
    assert f"alice cannot rollback rollouts in {NS}" in response.text


def test_anonymous_pressing_a_button_is_asked_to_sign_in(local: Dashboard) -> None:
    session = requests.Session()
    session.get(local.url + "/signin", timeout=30)
    response = _press(session, local, "abort")
    assert response.status_code == 401
    assert f"sign in (or send a bearer token) to abort rollouts in {NS}" in response.text
