"""`set image … :bad` at real speed (simcluster at speed 1, its default pod timings): the canary
pod's init container completes, its app container waits in ErrImagePull then ImagePullBackOff,
and within 30 s the cause is in the detail summary's websocket frame, the page and the API."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.conf import settings
from django.test import AsyncClient

from rollouts.dom import dom_id
from rollouts.live import LivePublisher
from rollouts.mirror import Mirror
from rollouts.publish import GroupSender
from rollouts.runtime import run_mirror
from simcluster.controllers import ControllerOptions
from tests.live.support import by_id, connect, frames_until, key
from tests.mirror.helpers import FAST, config_for
from tests.simcluster.ctrl_support import Kube, istio_canary, namespace, setup, wait_phase

pytestmark = pytest.mark.django_db(transaction=True)
NS, NAME, BAD = "my-demo", "rollouts-demo", "argoproj/rollouts-demo:bad"
CAUSE = f"canary not available: 1 pod ImagePullBackOff (rollouts-demo: {BAD})"


def _app_waiting(kube: Kube) -> list[tuple[str, str, str]]:
    """(pod, reason, message) of every rollouts-demo container that waits."""
    found = []
    for pod in kube.pods(NS):
        for status in pod.status.container_statuses or []:
            waiting = status.state.waiting if status.name == NAME else None
            if waiting is not None:
                found.append((pod.metadata.name, waiting.reason, waiting.message or ""))
    return found


def _reasons_seen_after_set_image(kube: Kube) -> dict[str, tuple[str, str]]:
    """Set the bad image, then poll the new pod until it has been in both states (the first
    lasts 2 s: a poll every 0.1 s cannot miss it)."""
    kube.set_image(NS, NAME, BAD)
    seen: dict[str, tuple[str, str]] = {}
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline and not {"ErrImagePull", "ImagePullBackOff"} <= set(seen):
        for pod, reason, message in _app_waiting(kube):
            seen.setdefault(reason, (pod, message))
        time.sleep(0.1)
    return seen


async def test_a_bad_image_reaches_the_pod_the_summary_frame_the_page_and_the_api(
        make_simcluster):
    cluster = make_simcluster(controllers=True, speed=1.0,
                              controller_options=ControllerOptions(random_seed=7))
    setup(cluster, [namespace(NS, istio=True),
                    *istio_canary(NS, NAME, [{"setWeight": 20}, {"pause": {}}], replicas=2)])
    kube = Kube(cluster)
    publisher = LivePublisher(GroupSender(), min_interval=0.05)
    mirror = Mirror(settings.ROLLOUTS_CLUSTER_NAME, publisher, batch_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(stop, config=config_for(cluster), options=FAST,
                                          mirror=mirror))
    page = None
    try:
        await asyncio.to_thread(wait_phase, kube, NS, NAME, "Healthy", timeout=20)
        page = await connect(f"/ws/rollouts/{NS}/{NAME}")
        await page.receive_from(timeout=5)
        started = time.monotonic()
        seen = await asyncio.to_thread(_reasons_seen_after_set_image, kube)
        # The app container waited while istio-init ran, then failed to pull, then backed off.
        assert set(seen) == {"PodInitializing", "ErrImagePull", "ImagePullBackOff"}
        assert seen["ErrImagePull"][1].startswith(
            'rpc error: code = NotFound desc = failed to pull and unpack image '
            '"docker.io/argoproj/rollouts-demo:bad": ')
        assert seen["ImagePullBackOff"][1] == f'Back-off pulling image "{BAD}"'
        pod = await asyncio.to_thread(kube.core.read_namespaced_pod, seen["ErrImagePull"][0], NS)
        assert pod.status.phase == "Pending"
        assert pod.status.init_container_statuses[0].state.terminated.reason == "Completed"
        ready = next(c for c in pod.status.conditions if c.type == "Ready")
        assert (ready.status, ready.reason) == ("False", "ContainersNotReady")

        summary_id = dom_id("summary", key(NS, NAME))
        await frames_until(page, lambda frame: CAUSE in getattr(
            by_id(frame).get(summary_id), "content", ""), timeout=30)
        assert time.monotonic() - started < 30
        client = AsyncClient()
        detail = await client.get(f"/api/v1/rollouts/{NS}/{NAME}")
        assert detail.json()["info"]["stuck"] == CAUSE
        html = (await client.get(f"/rollouts/{NS}/{NAME}")).text
        assert f"<b>Why it is stuck:</b> {CAUSE}" in html
    finally:
        if page is not None:
            await page.disconnect()
        stop.set()
        await asyncio.wait_for(task, 15)
        await publisher.aclose()
        kube.close()
