"""Every page carries the server's clock (milliseconds), which the browser's ages and
countdowns run on (static/js/times.js) instead of its own."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from tests.web.support import PAUSED_STEP3, store_guide

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/rollouts/my-demo/rollouts-demo"])
def test_a_page_carries_the_servers_clock_at_render_time(client: Client, path: str) -> None:
    store_guide(PAUSED_STEP3)
    before = time.time() * 1000
    html = client.get(path).text
    after = time.time() * 1000
    found = re.search(r'<meta name="server-now" content="(\d+)">', html)
    assert found, html[:400]
    assert before - 1 <= int(found.group(1)) <= after + 1
