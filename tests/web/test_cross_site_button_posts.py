"""A button's POST from another site's page is refused (403) before the CSRF check and before
anything reaches the cluster; from the dashboard's own page it goes through."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rollouts.models import ActionRecord
from tests.actions.objects import paused_at_step_1
from tests.actions.support import MERGE, STATUS_PATH, seed, writes

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/rollouts/my-demo/rollouts-demo/actions/abort"


@pytest.mark.parametrize("origin", ["http://evil.example", "http://testserver:8080"])
def test_it_refuses_a_button_post_from_another_origin(
        client: Client, cluster: Any, origin: str) -> None:
    seed(cluster, paused_at_step_1())
    response = client.post(URL, {}, HTTP_ORIGIN=origin)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert f"cross-site request refused: '{origin}'" in response.text
    assert writes(cluster) == [] and not ActionRecord.objects.exists()


def test_it_accepts_a_button_post_from_its_own_page(client: Client, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    response = client.post(URL, {}, HTTP_ORIGIN="http://testserver", HTTP_HX_REQUEST="true",
                           HTTP_REFERER="http://testserver/rollouts/my-demo/rollouts-demo")
    assert response.status_code == 200, response.content
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}})]
