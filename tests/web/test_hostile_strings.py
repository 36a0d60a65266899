"""Cluster data is text, never markup: payloads in labels, annotations, messages, images,
container and pod names come out escaped on both pages, in live fragments, dialogs and toasts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rollouts import fragments
from rollouts.access.variants import UI_VERBS
from rollouts.keys import RolloutKey
from rollouts.readmodel import load_detail, load_row
from tests.actions.objects import paused_at_step_1
from tests.actions.support import seed
from tests.info.support import load, stage_now
from tests.web.support import HTMX, PAUSED_STEP3, store

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
TEMPLATE = "{{ settings.SECRET_KEY }}{% debug %}"
JS_URL = "javascript:alert(3)"
QUOTE = "' onmouseover='alert(4)"
PAYLOADS = (SCRIPT, IMG, TEMPLATE, JS_URL, QUOTE)
# What must never appear in a response: the payloads' markup, live.
FORBIDDEN = ("<script>alert", "<img src=x", "onerror=alert(2)>", "' onmouseover='",
             'href="javascript:')
KEY = RolloutKey("default", "my-demo", "rollouts-demo")
URL = "/rollouts/my-demo/rollouts-demo"


@pytest.fixture
def hostile() -> None:
    bundle = load(PAUSED_STEP3)
    meta = bundle.rollout["metadata"]
    meta["labels"] = {"team": SCRIPT, "owner": IMG, "x": TEMPLATE}
    meta["annotations"] = {"note": " ".join(PAYLOADS), JS_URL: QUOTE}
    bundle.status["message"] = IMG + SCRIPT
    container = bundle.spec["template"]["spec"]["containers"][0]
    container["name"], container["image"] = QUOTE, "registry/" + IMG + ":" + SCRIPT
    for rs in bundle.lists["replicasets"]:
        rs["spec"]["template"]["spec"]["containers"][0]["image"] = JS_URL + SCRIPT
    for pod in bundle.lists["pods"]:
        pod["metadata"]["name"] += IMG
    store(bundle.objects(), stage_now(PAUSED_STEP3))


def assert_inert(html: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in html, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_overview_shows_the_payloads_as_text(client: Client, hostile: None) -> None:
    html = client.get("/").text
    assert_inert(html)
    assert "{{ settings.SECRET_KEY }}" in html  # shown, not evaluated


def test_the_detail_page_shows_the_payloads_as_text(client: Client, hostile: None) -> None:
    html = client.get(URL).text
    assert_inert(html)
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "{% debug %}" in html and "&#x27; onmouseover=&#x27;alert(4)" in html


def test_live_fragments_are_escaped_too(hostile: None) -> None:
    row = load_row(KEY)
    detail = load_detail(KEY)
    assert row is not None and detail is not None
    assert_inert(fragments.overview_row(row, UI_VERBS))
    assert_inert("".join(fragments.detail_fragments(detail, UI_VERBS).values()))


def test_dialogs_and_toasts_escape_what_they_echo(client: Client, hostile: None) -> None:
    dialog = client.get(URL + "/confirm/set-image", {"container": QUOTE}).text
    for bad in FORBIDDEN:
        assert bad not in dialog
    assert 'value="registry/&quot;&gt;&lt;img src=x onerror=alert(2)&gt;:&lt;script&gt;' in dialog


@pytest.mark.django_db(transaction=True)
def test_a_toast_escapes_an_error_that_quotes_the_input(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    response = client.post(URL + "/actions/set-image", {"container": SCRIPT, "image": "x:y"},
                           **HTMX)
    assert response.status_code == 422
    assert "invalid container name &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" \
        in response.text
    for bad in FORBIDDEN:
        assert bad not in response.text
