"""ROLLOUTS_AUTH=proxy: identity headers believed from a trusted proxy, refused from anyone else.

daphne sees these requests come from 127.0.0.1: trusted with ROLLOUTS_TRUSTED_PROXIES=127.0.0.1/32,
not with 10.0.0.0/8.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from simcluster.cluster import SimCluster
from tests.auth.support import NAME, NS, manage, post_json, records, start
from tests.servers import Dashboard

ALICE = {"X-Forwarded-User": "alice", "X-Forwarded-Email": "alice@example.com",
         "X-Forwarded-Groups": "team-a, payments"}


@pytest.fixture(scope="module")
def trusted(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("proxy"), ROLLOUTS_AUTH="proxy",
                   ROLLOUTS_TRUSTED_PROXIES="127.0.0.1/32", ROLLOUTS_ACTION_COOLDOWN="0")
    manage(server, "access", "grant", "operator", "--group", "team-a", "--namespace", NS)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def untrusted(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("proxy"), ROLLOUTS_AUTH="proxy",
                   ROLLOUTS_TRUSTED_PROXIES="10.0.0.0/8", ROLLOUTS_ANONYMOUS_ROLE="viewer")
    yield server
    server.stop()


def test_the_trusted_proxys_user_and_groups_are_believed(trusted: Dashboard) -> None:
    page = requests.get(f"{trusted.url}/rollouts/{NS}/{NAME}", headers=ALICE, timeout=30).text
    assert '<span class="account-who" title="signed in (proxy)">alice</span>' in page
    assert f"operator in {NS}" in page  # through the group grant of team-a


def test_a_proxied_action_is_checked_and_attributed_with_the_groups(trusted: Dashboard) -> None:
    token = manage(trusted, "access", "token", "create", "audit", "--role", "admin").strip()
    session = requests.Session()
    session.get(f"{trusted.url}/rollouts/{NS}/{NAME}", headers=ALICE, timeout=30)
    forwarded = {**ALICE, "X-Forwarded-For": "203.0.113.7",
                 "X-CSRFToken": session.cookies["csrftoken"]}
    response = post_json(session, trusted, "/api/v1/rollouts/shop/anything/pause", **forwarded)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "alice cannot pause rollouts in shop"
    response = post_json(session, trusted, f"/api/v1/rollouts/{NS}/{NAME}/pause", **forwarded)
    assert response.status_code == 200, response.text
    (record,) = records(trusted, token, limit=1)
    assert (record["actor"], record["by"]["method"], record["by"]["groups"],
            record["by"]["address"]) == ("alice", "proxy", ["team-a", "payments"],
                                         "203.0.113.7")


def test_a_proxied_post_without_the_csrf_token_is_refused(trusted: Dashboard) -> None:
    response = post_json(requests, trusted, f"/api/v1/rollouts/{NS}/{NAME}/pause", **ALICE)
    assert response.status_code == 403
    assert response.json()["error"]["reason"] == "CsrfFailed"


def test_without_headers_the_proxy_mode_caller_is_anonymous(trusted: Dashboard) -> None:
    response = requests.get(f"{trusted.url}/api/v1/rollouts", timeout=30)
    assert response.status_code == 401


def test_identity_headers_from_an_untrusted_address_are_refused(untrusted: Dashboard) -> None:
    response = requests.get(f"{untrusted.url}/api/v1/rollouts", headers=ALICE, timeout=30)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": 403, "reason": "Forbidden",
        "message": "identity headers (X-Forwarded-User, X-Forwarded-Email, X-Forwarded-Groups) "
                   "are only accepted from the trusted proxies (ROLLOUTS_TRUSTED_PROXIES), not "
                   "from 127.0.0.1; sign in through the proxy"}
    page = requests.get(f"{untrusted.url}/", headers={"X-Forwarded-User": "admin"}, timeout=30)
    assert page.status_code == 403
    assert "only accepted from the trusted proxies" in page.text


def test_an_untrusted_caller_without_headers_is_plain_anonymous(untrusted: Dashboard) -> None:
    response = requests.get(f"{untrusted.url}/api/v1/rollouts", timeout=30)
    assert response.status_code == 200  # ROLLOUTS_ANONYMOUS_ROLE=viewer here


def _csrf_cookie(server: Dashboard, **headers: str) -> str:
    response = requests.get(f"{server.url}/signin", headers=headers, timeout=30)
    (cookie,) = [c for c in response.raw.headers.getlist("Set-Cookie")
                 if c.startswith("csrftoken=")]
    return cookie


def test_cookies_are_secure_when_the_trusted_proxy_says_https(trusted: Dashboard,
                                                              untrusted: Dashboard) -> None:
    assert "Secure" in _csrf_cookie(trusted, **{"X-Forwarded-Proto": "https"})
    assert "Secure" not in _csrf_cookie(trusted)
    assert "Secure" not in _csrf_cookie(untrusted, **{"X-Forwarded-Proto": "https"})
