"""Every ActionRecord says who: user, groups, how they signed in, token name, address, source."""

from __future__ import annotations

import getpass

import requests

from tests.auth.support import NAME, NS, create_token, manage, post_json, records, sign_in
from tests.servers import Dashboard


def _by(record: dict) -> tuple:
    return (record["actor"], record["source"], record["by"]["method"], record["by"]["token"],
            record["by"]["address"])


def test_a_button_press_records_the_signed_in_user(local: Dashboard, audit_token: str) -> None:
    session, _ = sign_in(local, "alice")
    response = session.post(f"{local.url}/rollouts/{NS}/{NAME}/actions/pause", timeout=60,
                            data={"csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert response.status_code == 200, response.text
    assert _by(records(local, audit_token)[0]) == ("alice", "ui", "local", "", "127.0.0.1")


def test_an_api_call_with_a_session_records_the_user(local: Dashboard, audit_token: str
                                                     ) -> None:
    session, _ = sign_in(local, "carol")
    response = post_json(session, local, f"/api/v1/rollouts/{NS}/{NAME}/pause",
                         X_CSRFToken=session.cookies["csrftoken"])
    assert response.status_code == 200, response.text
    record = records(local, audit_token)[0]
    assert record["id"] == response.json()["record"]
    assert _by(record) == ("carol", "api", "local", "", "127.0.0.1")


def test_an_api_call_with_a_token_records_the_token(local: Dashboard, audit_token: str) -> None:
    token = create_token(local, "release-pipeline", "operator", NS)
    response = post_json(requests, local, f"/api/v1/rollouts/{NS}/{NAME}/pause",
                         Authorization=f"Bearer {token}")
    assert response.status_code == 200, response.text
    assert _by(records(local, audit_token)[0]) == (
        "token:release-pipeline", "api", "token", "release-pipeline", "127.0.0.1")


def test_a_cli_action_records_the_operating_system_user(local: Dashboard,
                                                         audit_token: str) -> None:
    manage(local, "rollouts", "pause", NAME, "-n", NS)
    assert _by(records(local, audit_token)[0]) == (getpass.getuser(), "cli", "cli", "", "")


def test_the_detail_page_says_who_acted_and_how(local: Dashboard, audit_token: str) -> None:
    token = create_token(local, "page-bot", "operator", NS)
    post_json(requests, local, f"/api/v1/rollouts/{NS}/{NAME}/pause",
              Authorization=f"Bearer {token}")
    session, _ = sign_in(local, "bob")
    page = session.get(f"{local.url}/rollouts/{NS}/{NAME}", timeout=30).text
    assert "token:page-bot · api <span class=\"how\">(token page-bot · 127.0.0.1)</span>" in page
