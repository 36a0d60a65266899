"""The overview, its counts, its namespace menu and the detail pages show only what the person
may see; a rollout outside their scope is answered exactly as one that does not exist."""

from __future__ import annotations

import re

import pytest

from tests.live.support import add_event
from tests.scoped.support import PEOPLE, ROLLOUTS, SEES, mirror_all, person, rollout_key

pytestmark = pytest.mark.django_db(transaction=True)
VISIBLE = [name for name in PEOPLE if name != "nobody"]


def _row_namespaces(html: str) -> set[str]:
    return set(re.findall(r'id="row--default--([a-z0-9-]+)--', html))


def _alike(page: str, name: str) -> str:
    """The page with the rollout's name, the CSP nonce, the CSRF token and the clock taken
    out."""
    page = re.sub(r'nonce="[^"]*"', "", page.replace(name, "X"))
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r"\d{10,}", "N", page)


def _menu(html: str) -> set[str]:
    menu = html.split('<option value="">All namespaces</option>', 1)[1].split("</select>")[0]
    return set(re.findall(r'<option value="([a-z0-9-]+)"', menu))


@pytest.mark.parametrize("name", VISIBLE)
def test_the_overview_lists_only_rollouts_of_namespaces_the_person_may_view(name: str) -> None:
    mirror_all()
    html = person(name).get("/").content.decode()
    assert _row_namespaces(html) == SEES[name]
    for namespace in set(ROLLOUTS) - SEES[name]:
        assert ROLLOUTS[namespace] not in html


@pytest.mark.parametrize("name", VISIBLE)
def test_the_namespace_menu_offers_only_the_persons_namespaces(name: str) -> None:
    mirror_all()
    assert _menu(person(name).get("/").content.decode()) == SEES[name]


@pytest.mark.parametrize("name", VISIBLE)
def test_status_counts_count_only_visible_rollouts(name: str) -> None:
    mirror_all()  # every mirrored rollout is Paused
    html = person(name).get("/").content.decode()
    assert re.search(r'data-count="Paused"[^>]*>\s*' + str(len(SEES[name])) + r"\b", html)


def test_a_search_never_finds_a_rollout_outside_the_scope() -> None:
    mirror_all()
    html = person("vera").get("/?q=vault").content.decode()
    assert _row_namespaces(html) == set()
    assert "vault" not in html.split('id="rollout-list"', 1)[1]


def test_asking_the_overview_for_a_namespace_outside_the_scope_shows_nothing_of_it() -> None:
    mirror_all()
    html = person("vera").get("/?namespace=secret").content.decode()
    assert _row_namespaces(html) == set()


@pytest.mark.parametrize("name", VISIBLE)
def test_a_detail_page_outside_the_scope_is_the_same_404_as_a_missing_rollout(
        name: str) -> None:
    mirror_all()
    add_event(rollout_key("secret"), "a secret event")
    client = person(name)
    hidden = client.get("/rollouts/secret/vault")
    missing = client.get("/rollouts/secret/no-such-rollout")
    assert hidden.status_code == missing.status_code == 404
    body = hidden.content.decode()
    assert "a secret event" not in body
    assert _alike(body, "vault") == _alike(missing.content.decode(), "no-such-rollout")


def test_a_detail_page_inside_the_scope_is_shown() -> None:
    mirror_all()
    response = person("otto").get("/rollouts/shop/cart")
    assert response.status_code == 200


def test_a_dialog_of_a_rollout_outside_the_scope_is_the_same_404_as_a_missing_rollout() -> None:
    mirror_all()
    client = person("otto")
    hidden = client.get("/rollouts/secret/vault/confirm/promote")
    missing = client.get("/rollouts/secret/no-such-rollout/confirm/promote")
    assert hidden.status_code == missing.status_code == 404
    assert (_alike(hidden.content.decode(), "vault")
            == _alike(missing.content.decode(), "no-such-rollout"))
