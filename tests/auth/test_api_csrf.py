"""Cookie sign-ins make the API a CSRF target: their POSTs need the token, bearer ones do not."""

from __future__ import annotations

from tests.auth.support import NAME, NS, sign_in
from tests.servers import Dashboard

PAUSE = f"/api/v1/rollouts/{NS}/{NAME}/pause"


def test_a_signed_in_post_without_the_csrf_token_is_refused(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    response = session.post(local.url + PAUSE, json={}, timeout=30)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["reason"] == "CsrfFailed"
    assert "X-CSRFToken" in error["message"]


def test_a_signed_in_post_with_a_wrong_csrf_token_is_refused(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    response = session.post(local.url + PAUSE, json={}, timeout=30,
                            headers={"X-CSRFToken": "x" * 32})
    assert response.status_code == 403
    assert response.json()["error"]["reason"] == "CsrfFailed"


def test_a_signed_in_post_with_the_csrf_token_goes_through(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    response = session.post(local.url + PAUSE, json={}, timeout=60,
                            headers={"X-CSRFToken": session.cookies["csrftoken"]})
    assert response.status_code == 200, response.text
