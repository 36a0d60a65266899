"""A literal env value in a Rollout's pod template (DB_PASSWORD=…) reaches no reader.

The Rollout is created in simcluster through the official client, the real mirror watches it
over HTTP, and then every way the dashboard can show or keep it is searched for the value: the
pages and dialogs, every JSON API answer, the websocket frames of both live pages, the CLI's
`get`, a set-image action's response and record, and every row of every database table.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.db import connection
from django.test import AsyncClient
from kubernetes import client as k8s

from rollouts.info.redact import LAST_APPLIED
from rollouts.live import LivePublisher
from rollouts.mirror import Mirror
from rollouts.models import ActionRecord, Pod, Rollout
from rollouts.publish import GroupSender
from rollouts.runtime import run_mirror
from tests.live.support import connect, frames_until
from tests.mirror.helpers import FAST, config_for, eventually

pytestmark = pytest.mark.django_db(transaction=True)

NS, NAME = "payments", "checkout"
SECRET = "hunter2-Zq8vX3"  # nothing else in the dashboard could produce this string
BASE = f"/rollouts/{NS}/{NAME}"
API = f"/api/v1/rollouts/{NS}/{NAME}"


def manifest() -> dict[str, Any]:
    env = [{"name": "DB_PASSWORD", "value": SECRET},
           {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}}]
    rollout = {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": NAME, "namespace": NS},
        "spec": {
            "replicas": 2, "selector": {"matchLabels": {"app": NAME}},
            "strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}]}},
            "template": {"metadata": {"labels": {"app": NAME}}, "spec": {
                "containers": [{"name": "web", "image": "argoproj/rollouts-demo:blue",
                                "env": env}],
                "initContainers": [{"name": "migrate", "image": "argoproj/rollouts-demo:blue",
                                    "env": [{"name": "MIGRATE_TOKEN", "value": SECRET}]}]}},
        },
    }
    # As `kubectl apply` leaves it: a whole copy of the manifest, env values included.
    applied = copy.deepcopy(rollout)
    rollout["metadata"]["annotations"] = {LAST_APPLIED: json.dumps(applied)}
    return rollout


def create(kube: k8s.ApiClient) -> None:
    k8s.CoreV1Api(kube).create_namespace({"apiVersion": "v1", "kind": "Namespace",
                                          "metadata": {"name": NS}})
    k8s.CustomObjectsApi(kube).create_namespaced_custom_object(
        "argoproj.io", "v1alpha1", NS, "rollouts", manifest())


def pods_mirrored() -> bool:
    pods = list(Pod.objects.filter(namespace=NS).values_list("raw", flat=True))
    return len(pods) >= 2 and all(p["spec"]["containers"][0]["env"] for p in pods)


def database_dump() -> str:
    """Every row of every table, as text."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def cli_get() -> str:
    out = io.StringIO()
    call_command("rollouts", "get", "rollout", NAME, "-n", NS, "--no-color", stdout=out)
    return out.getvalue()


async def read_everything(http: AsyncClient) -> dict[str, str]:
    """Every page, dialog and API answer that concerns the rollout, by URL."""
    urls = ["/", f"/?namespace={NS}", BASE, f"{BASE}/confirm/set-image?container=web",
            f"{BASE}/confirm/set-image?container=migrate", f"{BASE}/confirm/rollback?revision=1",
            f"{BASE}/confirm/promote", f"{BASE}/confirm/restart", "/api/v1/rollouts",
            f"/api/v1/rollouts?namespace={NS}", API, f"{API}/timeline", f"{API}/actions"]
    return {url: (await http.get(url)).content.decode() for url in urls}


async def test_a_literal_env_value_reaches_no_page_answer_frame_record_or_table(
        sim: Any, kube: k8s.ApiClient) -> None:
    await asyncio.to_thread(create, kube)
    publisher = LivePublisher(GroupSender(), min_interval=0.05)
    mirror = Mirror("default", publisher, batch_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(run_mirror(stop, config=config_for(sim), options=FAST,
                                          mirror=mirror))
    sockets = []
    try:
        await eventually(lambda: Rollout.objects.filter(namespace=NS, name=NAME).exists())
        await eventually(pods_mirrored)  # the pod tree is mirrored: only values were dropped
        sockets = [await connect("/ws/overview"), await connect(f"/ws/rollouts/{NS}/{NAME}")]
        frames = [await socket.receive_from(timeout=5) for socket in sockets]
        http = AsyncClient()
        answers = await read_everything(http)
        assert all(SECRET not in text for text in answers.values()), [
            url for url, text in answers.items() if SECRET in text]
        assert "DB_PASSWORD" in answers[BASE] and "value hidden" in answers[BASE]
        assert "secret api/token" in answers[BASE]

        response = await http.post(f"{API}/set-image", {"container": "web",
                                   "image": "argoproj/rollouts-demo:yellow"},
                                   content_type="application/json")
        assert response.status_code == 200, response.content
        assert SECRET not in response.content.decode()
        # The change reaches the open detail page, frames and all.
        frames += await frames_until(sockets[1], lambda f: "rollouts-demo:yellow" in f,
                                     timeout=10)
        record = await ActionRecord.objects.aget(pk=response.json()["record"])
        put = next(r for r in record.requests if r["method"] == "PUT")
        assert {"list": "containers", "container": "web",
                "image": "argoproj/rollouts-demo:yellow"} in put["summary"]["images"]
        answers = await read_everything(http)
        assert all(SECRET not in text for text in answers.values())
        assert all(SECRET not in frame for frame in frames)
        assert SECRET not in await sync_to_async(cli_get)()
        dump = await sync_to_async(database_dump)()
        assert SECRET not in dump and "DB_PASSWORD" in dump
    finally:
        for socket in sockets:
            await socket.disconnect()
        stop.set()
        await asyncio.wait_for(task, 15)
        await publisher.aclose()
    # The cluster still has its value: the PUT was built from the live object, not the mirror.
    live = await asyncio.to_thread(k8s.CustomObjectsApi(kube).get_namespaced_custom_object,
                                   "argoproj.io", "v1alpha1", NS, "rollouts", NAME)
    assert live["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == SECRET
