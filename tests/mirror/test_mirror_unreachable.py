from __future__ import annotations

import asyncio
import socket

import pytest

from rollouts.kinds import ClusterConfig
from rollouts.mirror import Mirror
from rollouts.publish import RecordingPublisher
from rollouts.runtime import run_mirror
from tests.mirror.helpers import FAST, cluster_status, eventually, mirror_converges
from tests.mirror.objects import seed_rollout_tree

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_unreachable_cluster_is_reported_and_picked_up_when_it_comes(
    make_simcluster, tmp_path,
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: sim\n"
        f"clusters: [{{name: sim, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: sim, context: {cluster: sim, user: u}}]\n"
    )
    publisher = RecordingPublisher()
    mirror = Mirror("test", publisher, batch_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(
        stop, config=ClusterConfig(kubeconfig=str(kubeconfig), request_timeout=2.0),
        options=FAST, mirror=mirror))
    try:
        def it_says_unreachable():
            status = cluster_status()
            assert status is not None and status.state == "unreachable", status
            assert "Connect" in status.message or "connect" in status.message

        await eventually(it_says_unreachable)

        cluster = make_simcluster(port=port)  # the API server comes up
        seed_rollout_tree(cluster.store, "my-demo", "rollouts-demo")
        await mirror_converges(cluster)
        await eventually(lambda: cluster_status().state == "live")
    finally:
        stop.set()
        await task


async def test_a_broken_kubeconfig_is_reported_not_fatal(tmp_path):
    mirror = Mirror("test", RecordingPublisher(), batch_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(
        stop, config=ClusterConfig(kubeconfig=str(tmp_path / "missing")), options=FAST,
        mirror=mirror))
    try:
        def it_says_why():
            status = cluster_status()
            assert status is not None and status.state == "unreachable"
            assert "cannot use kubeconfig" in status.message

        await eventually(it_says_why)
        assert not task.done()  # it keeps trying: the file may appear (the demo writes it)
    finally:
        stop.set()
        await task
