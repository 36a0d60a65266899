"""A name no rollout can have is turned away at every entry point, before any request leaves.

Pages and dialogs answer 404, the buttons' posts 404 (a bad parameter: a 422 toast), the CLI
exits with the rule it broke, the detail websocket refuses the handshake. simcluster's logs of
reads and writes must stay empty throughout.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from simcluster.cluster import SimCluster
from tests.actions.objects import NAME, NAMESPACE, paused_at_step_1
from tests.actions.support import seed
from tests.live.support import HOST, ORIGIN
from tests.web.support import store

BAD = ["..", ".", "Rollouts-Demo", "rollouts-demo\n", "x\x00", "r" * 254, "dеmo", "a b"]


@pytest.fixture
def cluster(simcluster: SimCluster, settings: Any) -> SimCluster:
    settings.KUBECONFIG = str(simcluster.kubeconfig)
    settings.KUBE_CONTEXT = ""
    settings.ROLLOUTS_CLUSTER_NAME = "default"
    from rollouts.info import ClusterObjects

    (stored,) = seed(simcluster, paused_at_step_1())
    store(ClusterObjects(rollout=stored))
    simcluster.clear_requests()
    return simcluster


def nothing_sent(cluster: SimCluster) -> bool:
    return cluster.requests() == [] and cluster.read_requests() == []


def seg(text: str) -> str:
    return quote(text, safe="")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bad", BAD)
def test_pages_dialogs_and_buttons_answer_404_for_a_name_that_cannot_exist(
        client: Client, cluster: SimCluster, bad: str) -> None:
    for path in (f"/rollouts/{seg(bad)}/{NAME}", f"/rollouts/{NAMESPACE}/{seg(bad)}",
                 f"/rollouts/{seg(bad)}/{NAME}/confirm/promote"):
        assert client.get(path).status_code == 404, path
    for action in ("promote", "abort", "set-image"):
        response = client.post(f"/rollouts/{NAMESPACE}/{seg(bad)}/actions/{action}",
                               {"container": NAME, "image": "argoproj/rollouts-demo:red"})
        assert response.status_code == 404
    assert nothing_sent(cluster)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("form", "problem"), [
    ({"container": NAME, "image": "argoproj/rollouts-demo:red\x00"}, "U+0000"),
    ({"container": NAME, "image": "x" * 100_000}, "at most 1024 characters"),
    ({"container": NAME, "image": "argoproj/rollouts-demo:\x1b[31mred"}, "U+001B"),
    ({"container": "../" + NAME, "image": "argoproj/rollouts-demo:red"},
     "invalid container name"),
])
def test_the_set_image_dialog_refuses_a_bad_reference_with_a_toast(
        client: Client, cluster: SimCluster, form: dict, problem: str) -> None:
    response = client.post(f"/rollouts/{NAMESPACE}/{NAME}/actions/set-image", form,
                           HTTP_HX_REQUEST="true")  # the dialog's htmx post
    assert response.status_code == 422
    assert "toast--warn" in response.text and problem in response.text
    assert nothing_sent(cluster)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("args", [
    ["get", "rollout", ".."],
    ["get", "rollout", "r" * 10_000],
    ["-n", "..", "get", "rollout", NAME],
    ["list", "rollouts", "-n", "Default"],
    ["promote", "-n", "my-demo\n", NAME],
    ["abort", NAME, "../../secrets"],
    ["restart", NAME, "--in", "99999999999h"],
    ["restart", NAME, "--in", "1e308"],
    ["undo", NAME, "--to-revision", "99999999999999999999999"],
    ["set", "image", NAME, f"{NAME}=argoproj/rollouts-demo:red\x00"],
    ["set", "image", NAME, f"{NAME}={'x' * 100_000}"],
    ["set", "image", NAME, "Web=argoproj/rollouts-demo:red"],
])
def test_the_cli_exits_with_the_rule_before_sending_anything(
        cluster: SimCluster, args: list[str]) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("rollouts", *args)
    assert "invalid" in str(caught.value) or "must be" in str(caught.value) \
        or "at most" in str(caught.value)
    assert nothing_sent(cluster)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bad", BAD[:4] + ["r" * 254])
async def test_the_detail_websocket_refuses_a_name_that_cannot_exist(
        cluster: SimCluster, bad: str) -> None:
    from channels.testing import WebsocketCommunicator

    from dashboard.asgi import application

    # Percent-encoded as a browser sends it (urlparse would silently drop a raw newline).
    socket = WebsocketCommunicator(application, f"/ws/rollouts/{NAMESPACE}/{seg(bad)}",
                                   headers=[HOST, ORIGIN])
    connected, _ = await socket.connect(timeout=5)
    assert not connected
    await socket.disconnect()
    good = WebsocketCommunicator(application, f"/ws/rollouts/{NAMESPACE}/{NAME}",
                                 headers=[HOST, ORIGIN])
    assert (await good.connect(timeout=5))[0]
    await good.disconnect()
    assert nothing_sent(cluster)
