"""The dialog without JavaScript: a page of its own whose form posts natively (CSRF token in the
form), answered with a 303 back to the page it came from, which shows the outcome once. `next`
never leads off the site. Inside a page's <dialog> (htmx) the confirm button waits for htmx."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rollouts.info import ClusterObjects
from rollouts.models import ActionRecord
from tests.actions.objects import paused_at_step_1
from tests.actions.support import MERGE, STATUS_PATH, seed, writes
from tests.web.support import HTMX, store

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/rollouts/my-demo/rollouts-demo"


def mirror(cluster: Any) -> None:
    stored = seed(cluster, paused_at_step_1())
    store(ClusterObjects(rollout=stored[0]))


def page_form(client: Client, action: str, query: str = "") -> tuple[str, dict[str, str]]:
    """The confirm page's form: where it posts and every field it sends."""
    html = client.get(f"{BASE}/confirm/{action}{query}").text
    form = re.search(r'<form class="confirm[^"]*" method="post" action="([^"]+)"', html)
    assert form, html
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return form.group(1), fields


def test_the_confirm_page_is_a_whole_page_whose_form_posts_with_its_own_csrf_token(
        client: Client, cluster: Any) -> None:
    mirror(cluster)
    response = client.get(f"{BASE}/confirm/promote")
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<!doctype html>")
    action, fields = page_form(client, "promote")
    assert action == f"{BASE}/actions/promote"
    assert fields["csrfmiddlewaretoken"] and fields["next"] == BASE
    assert re.search(r'<button type="submit"[^>]*>', response.text)
    assert "data-until-ready" not in response.text  # nothing would ever enable it
    assert f'<a class="btn" href="{BASE}">Cancel</a>' in response.text


def test_a_plain_post_is_redirected_back_and_its_page_shows_the_toast_once(
        cluster: Any) -> None:
    mirror(cluster)
    client = Client(enforce_csrf_checks=True)
    action, fields = page_form(client, "promote", "?next=/%3Fnamespace%3Dmy-demo")
    assert fields["next"] == "/?namespace=my-demo"
    response = client.post(action, fields)
    assert response.status_code == 303
    assert response["Location"] == "/?namespace=my-demo"
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})]
    assert ActionRecord.objects.get().outcome == "ok"
    landed = client.get(response["Location"]).text
    toasts = landed[landed.index('id="toasts"'):]
    assert 'class="toast toast--ok"' in toasts and "<b>Promote: sent</b>" in toasts
    assert "rollout &#x27;rollouts-demo&#x27; promoted" in toasts
    again = client.get(response["Location"]).text
    assert "Promote: sent" not in again


def test_a_refused_plain_post_lands_on_the_detail_page_with_a_warning(
        client: Client, cluster: Any, gateway: Any) -> None:
    mirror(cluster)
    action, fields = page_form(client, "promote")
    gateway.patch("rollouts", "my-demo", "rollouts-demo", {"status": {"currentStepIndex": 3}},
                  "merge", "status")
    cluster.clear_requests()
    response = client.post(action, fields, follow=True)
    assert response.redirect_chain == [(BASE, 303)]
    assert 'class="toast toast--warn"' in response.text and "Promote: not sent" in response.text
    assert writes(cluster) == []


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "/x\r\nSet-Cookie: a=b", "",
])
def test_a_next_that_would_leave_the_site_goes_back_to_the_rollout_instead(
        client: Client, cluster: Any, target: str) -> None:
    mirror(cluster)
    response = client.post(f"{BASE}/actions/pause", {"next": target})
    assert response.status_code == 303
    assert response["Location"] == BASE


def test_an_unknown_action_posted_plainly_says_so_on_the_page(client: Client, cluster: Any
                                                              ) -> None:
    mirror(cluster)
    response = client.post(f"{BASE}/actions/explode", {"next": "/"}, follow=True)
    assert response.redirect_chain == [("/", 303)]
    assert "toast--bad" in response.text and "no such action: explode" in response.text
    assert writes(cluster) == []


def test_in_a_pages_dialog_the_confirm_button_waits_for_htmx_to_wire_the_form(
        client: Client, cluster: Any) -> None:
    mirror(cluster)
    html = client.get(f"{BASE}/confirm/promote", **HTMX).text
    assert not html.lstrip().startswith("<!doctype")
    assert re.search(r'<button type="submit"[^>]* autofocus disabled data-until-ready>', html)
    assert 'method="post" action="/rollouts/my-demo/rollouts-demo/actions/promote"' in html
    assert 'data-close>Cancel</button>' in html


def test_a_very_long_outcome_is_shortened_rather_than_lost(client: Client, cluster: Any) -> None:
    mirror(cluster)
    action = "x" * 3000
    response = client.post(f"{BASE}/actions/{action}", {}, follow=True)
    assert response.redirect_chain == [(BASE, 303)]
    shown = re.search(r"<p>no such action: (x+)…</p>", response.text)
    assert shown and 900 < len(shown.group(1)) < 1000
