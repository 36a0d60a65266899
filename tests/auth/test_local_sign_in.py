"""Local accounts over HTTP against daphne: sign in, the header says who and what, sign out."""

from __future__ import annotations

import requests

from tests.auth.support import NS, add_user, csrf_token, sign_in
from tests.servers import Dashboard


def test_the_right_password_signs_in_and_the_header_shows_the_user_and_role(
        local: Dashboard) -> None:
    session, response = sign_in(local, "alice")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = session.get(f"{local.url}/rollouts/{NS}/rollouts-demo", timeout=30).text
    assert '<span class="account-who" title="signed in (local)">alice</span>' in page
    assert f'<span class="account-role" title="your role in {NS}">operator in {NS}' in page
    assert 'action="/signout"' in page


def test_the_session_cookie_is_http_only_and_same_site_lax(local: Dashboard) -> None:
    _, response = sign_in(local, "bob")
    (cookie,) = [c for c in response.raw.headers.getlist("Set-Cookie")
                 if c.startswith("sessionid=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=43200" in cookie  # ROLLOUTS_SESSION_HOURS' default of 12 hours
    assert "Secure" not in cookie  # plain http here, and ROLLOUTS_SECURE_COOKIES is off


def test_a_wrong_password_is_refused_on_the_sign_in_page(local: Dashboard) -> None:
    session, response = sign_in(local, "alice", password="not the password")
    assert response.status_code == 401
    assert "Wrong user name or password." in response.text
    assert "sessionid" not in session.cookies


def test_signing_out_ends_the_session(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    assert session.get(f"{local.url}/api/v1/rollouts", timeout=30).status_code == 200
    token = session.cookies["csrftoken"]
    response = session.post(f"{local.url}/signout", data={"csrfmiddlewaretoken": token},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert session.get(f"{local.url}/api/v1/rollouts", timeout=30).status_code == 401


def test_signing_out_takes_a_post_with_the_csrf_token(local: Dashboard) -> None:
    session, _ = sign_in(local, "alice")
    assert session.get(f"{local.url}/signout", timeout=30).status_code == 405
    assert session.post(f"{local.url}/signout", timeout=30).status_code == 403
    assert session.get(f"{local.url}/api/v1/rollouts", timeout=30).status_code == 200


def test_the_sign_in_page_says_nobody_is_signed_in_and_links_nowhere_else(
        local: Dashboard) -> None:
    session = requests.Session()
    csrf_token(session, local)
    page = session.get(f"{local.url}/signin", timeout=30).text
    assert 'not signed in</span>' in page
    assert 'href="/signin?' not in page


def test_a_page_sends_someone_who_may_see_nothing_to_sign_in(local: Dashboard) -> None:
    response = requests.get(f"{local.url}/rollouts/{NS}/rollouts-demo?tab=1", timeout=30,
                            allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == \
        f"/signin?next=%2Frollouts%2F{NS}%2Frollouts-demo%3Ftab%3D1"


def test_a_signed_in_user_without_any_grant_is_told_so(local: Dashboard) -> None:
    add_user(local, "nobody")
    session, _ = sign_in(local, "nobody")
    response = session.get(f"{local.url}/", timeout=30)
    assert response.status_code == 403
    assert "nobody may not see any rollouts: ask an admin for a grant" in response.text
    assert 'action="/signout"' in response.text
