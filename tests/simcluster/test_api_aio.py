"""The asyncio official client (`kubernetes.aio`) against the simulator."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from kubernetes.aio import client, config, watch

from tests.simcluster import manifests
from tests.simcluster.conftest import NAMESPACE

GROUP, VERSION = "argoproj.io", "v1alpha1"


@pytest.fixture
async def aio_api(sim):
    api = await config.new_client_from_config(str(sim.kubeconfig))
    yield api
    await api.close()


async def test_create_returns_the_object_and_list_carries_the_resource_version(sim, aio_api):
    custom = client.CustomObjectsApi(aio_api)
    created = await custom.create_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts",
                                                           manifests.rollout(NAMESPACE))
    assert created["metadata"]["generation"] == 1
    listed = await custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "rollouts")
    assert listed["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


async def test_list_then_watch_sees_changes_after_the_list(sim, aio_api):
    core = client.CoreV1Api(aio_api)
    sim.store.create("pods", manifests.pod(NAMESPACE, "aaaaa"))
    listed = await core.list_namespaced_pod(NAMESPACE)
    sim.store.mutate("pods", NAMESPACE, f"rollouts-demo-{manifests.POD_HASH}-aaaaa",
                     lambda pod: pod["status"].update(phase="Failed"))
    w = watch.Watch()
    async with w:
        async for event in w.stream(core.list_namespaced_pod, NAMESPACE, timeout_seconds=5,
                                    resource_version=listed.metadata.resource_version):
            assert event["type"] == "MODIFIED"
            assert event["object"].status.phase == "Failed"
            w.stop()
    assert w.resource_version == str(sim.store.resource_version)


async def test_bookmarks_reach_the_async_watch(sim, aio_api):
    custom = client.CustomObjectsApi(aio_api)
    w = watch.Watch()
    async with w:
        async for event in w.stream(custom.list_namespaced_custom_object, GROUP, VERSION,
                                    NAMESPACE, "rollouts", allow_watch_bookmarks=True,
                                    resource_version=str(sim.store.resource_version),
                                    timeout_seconds=5):
            assert event["type"] == "BOOKMARK"
            w.stop()


async def test_a_410_raises_api_exception(sim, aio_api):
    core = client.CoreV1Api(aio_api)
    old = str(sim.store.resource_version)
    sim.store.create("configmaps", {"metadata": {"name": "c", "namespace": NAMESPACE}})
    sim.compact()
    with pytest.raises(client.ApiException) as caught:
        async with watch.Watch() as w:
            async for _ in w.stream(core.list_namespaced_pod, NAMESPACE, resource_version=old,
                                    timeout_seconds=5):
                pass
    assert caught.value.status == 410


async def test_an_abrupt_drop_surfaces_as_an_aiohttp_payload_error(sim, aio_api):
    core = client.CoreV1Api(aio_api)

    async def drop_soon() -> None:
        while not sim.watch_requests():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        await asyncio.to_thread(sim.drop_watches, True)

    dropper = asyncio.create_task(drop_soon())
    with pytest.raises(aiohttp.ClientPayloadError):
        async with watch.Watch() as w:
            async for _ in w.stream(core.list_namespaced_pod, NAMESPACE,
                                    resource_version=str(sim.store.resource_version)):
                pass
    await dropper


async def test_errors_surface_as_api_exception_with_the_status(sim, aio_api):
    custom = client.CustomObjectsApi(aio_api)
    with pytest.raises(client.ApiException) as caught:
        await custom.patch_namespaced_custom_object(
            GROUP, VERSION, NAMESPACE, "rollouts", "ghost", {"spec": {"paused": True}})
    assert caught.value.status == 404
