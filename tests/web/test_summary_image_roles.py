"""The detail summary's images, each with its role: stable, canary, and the images of old or
aborted revisions still being scaled down."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.info.support import load, stage_now
from tests.web.support import BEFORE_SCALE_DOWN, PAUSED_STEP3, store

pytestmark = pytest.mark.django_db
URL = "/rollouts/my-demo/rollouts-demo"


def summary_images(client: Client, fixture: str, **status: object) -> list[tuple[str, list[str]]]:
    bundle = load(fixture)
    bundle.status.update(status)
    store(bundle.objects(), stage_now(fixture))
    html = client.get(URL).text
    images = html[html.index('<dd class="images">'):]
    images = images[:images.index("</dd>")]
    return [(image, re.findall(r'<span class="tag tag--[\w-]+"[^>]*>([^<]+)</span>', tags))
            for image, tags in re.findall(
                r'<span class="image"><span class="mono">([^<]+)</span>(.*?)</span>(?=<span '
                r'class="image">|$)', images)]


def test_an_old_revision_still_running_is_tagged_previous(client: Client) -> None:
    assert summary_images(client, BEFORE_SCALE_DOWN) == [
        ("argoproj/rollouts-demo:blue", ["previous"]),
        ("argoproj/rollouts-demo:yellow", ["stable"]),
    ]


def test_an_aborted_updates_canary_is_tagged_canary_and_aborted(client: Client) -> None:
    assert summary_images(client, PAUSED_STEP3, abort=True, currentStepIndex=0) == [
        ("argoproj/rollouts-demo:blue", ["stable"]),
        ("argoproj/rollouts-demo:yellow", ["canary", "aborted"]),
    ]
