"""Guessing passwords: five failures for one name from one address, then sign-in is refused."""

from __future__ import annotations

from tests.auth.support import add_user, sign_in
from tests.servers import Dashboard


def test_the_sixth_attempt_is_refused_even_with_the_right_password(local: Dashboard) -> None:
    add_user(local, "dave", ("viewer", "*"))
    for _ in range(5):
        _, response = sign_in(local, "dave", password="guess")
        assert response.status_code == 401
    session, response = sign_in(local, "dave")
    assert response.status_code == 429
    assert "Too many failed sign-ins for dave from 127.0.0.1: try again in 5 minutes." \
        in response.text
    assert "sessionid" not in session.cookies


def test_another_name_from_the_same_address_still_signs_in(local: Dashboard) -> None:
    add_user(local, "erin", ("viewer", "*"))
    for _ in range(5):
        sign_in(local, "mallory", password="guess")
    assert sign_in(local, "mallory")[1].status_code == 429
    _, response = sign_in(local, "erin")
    assert response.status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(local: Dashboard) -> None:
    add_user(local, "frank", ("viewer", "*"))
    for _ in range(4):
        sign_in(local, "frank", password="guess")
    assert sign_in(local, "frank")[1].status_code == 302
    for _ in range(4):
        sign_in(local, "frank", password="guess")
    assert sign_in(local, "frank")[1].status_code == 302
