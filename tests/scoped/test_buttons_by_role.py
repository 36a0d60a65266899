"""Buttons a person cannot use are not on the page at all (not disabled): a viewer sees none,
an operator no Rollback or Set image, an admin everything, each in the namespace at hand."""

from __future__ import annotations

import pytest

from rollouts.actions.availability import LABELS
from tests.scoped.support import ADMIN_ONLY, buttons, mirror_all, person

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = ("/", "/rollouts/my-demo/rollouts-demo")


@pytest.mark.parametrize("path", PAGES)
def test_a_viewer_gets_no_button_markup(path: str) -> None:
    mirror_all()
    html = person("vera").get(path).content.decode()
    assert buttons(html) == set()
    assert 'class="d-actions"' not in html


def test_an_operator_gets_no_rollback_or_set_image_on_the_detail_page() -> None:
    mirror_all()
    html = person("otto").get("/rollouts/my-demo/rollouts-demo").content.decode()
    assert buttons(html) & set(ADMIN_ONLY) == set()
    assert "promote" in buttons(html)


def test_an_operator_who_only_views_a_namespace_gets_no_buttons_there() -> None:
    mirror_all()
    client = person("otto")
    assert buttons(client.get("/rollouts/shop/cart").content.decode()) == set()
    overview = client.get("/?namespace=shop").content.decode()
    assert buttons(overview) == set()


def test_an_admin_gets_every_kind_of_button_on_the_detail_page() -> None:
    mirror_all()
    html = person("ada").get("/rollouts/my-demo/rollouts-demo").content.decode()
    # Pause and Resume share a place: a rollout that is not manually paused shows Pause.
    assert buttons(html) == set(LABELS) - {"resume"}


def test_a_viewer_opening_a_dialog_directly_is_refused() -> None:
    mirror_all()
    response = person("vera").get("/rollouts/my-demo/rollouts-demo/confirm/promote")
    assert response.status_code == 403
