"""Shared by the live tests: mirror rows from the guide's fixtures, sockets, and frame parsing."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from rollouts.dom import dom_id
from rollouts.info import build_rollout_info
from rollouts.keys import RolloutKey
from rollouts.mirror_db import rollout_columns
from rollouts.models import ClusterStatus, Rollout, RolloutEvent
from tests.info.support import load, stage_now

CLUSTER = "default"  # settings.ROLLOUTS_CLUSTER_NAME in tests
ORIGIN = (b"origin", b"http://localhost")
# The origin check compares the Origin with the Host the browser sent (port included).
HOST = (b"host", b"localhost")
PAUSED = "guide-2-paused-step1.json"
HEALTHY = "guide-1-healthy.json"


def key(namespace: str, name: str) -> RolloutKey:
    return RolloutKey(CLUSTER, namespace, name)


def guide_info(fixture: str, namespace: str, name: str, **status: Any) -> tuple[dict, dict]:
    """The info dict the mirror would store for a guide fixture posed as `namespace/name`,
    with `status` fields (e.g. phase, message) overriding the Rollout's."""
    bundle = load(fixture)
    rollout = copy.deepcopy(bundle.rollout)
    rollout["metadata"].update(name=name, namespace=namespace)
    rollout.setdefault("status", {}).update(status)
    bundle.rollout = rollout
    info = build_rollout_info(bundle.objects(), stage_now(fixture)).to_dict()
    return rollout, info


def put_rollout(namespace: str, name: str, fixture: str = PAUSED, *,
                changed_at: datetime | None = None, **status: Any) -> RolloutKey:
    """Write the row as the mirror would (raw object, info, columns, a new changed_at)."""
    return write_row(*guide_info(fixture, namespace, name, **status), changed_at=changed_at)


def write_row(raw: dict, info: dict, *, changed_at: datetime | None = None) -> RolloutKey:
    namespace, name = raw["metadata"]["namespace"], raw["metadata"]["name"]
    now = timezone.now()
    Rollout.objects.update_or_create(
        cluster=CLUSTER, namespace=namespace, name=name,
        defaults={"uid": raw["metadata"]["uid"],
                  "resource_version": raw["metadata"]["resourceVersion"], "raw": raw,
                  "mirrored_at": now, "changed_at": changed_at or now, **rollout_columns(info)},
    )
    return key(namespace, name)


def delete_rollout(namespace: str, name: str) -> None:
    Rollout.objects.filter(cluster=CLUSTER, namespace=namespace, name=name).delete()


def add_event(rollout: RolloutKey, message: str, kind: str = "paused") -> None:
    RolloutEvent.objects.create(cluster=rollout.cluster, namespace=rollout.namespace,
                                name=rollout.name, at=timezone.now(), kind=kind,
                                message=message)


def cluster_status(state: str, message: str = "") -> ClusterStatus:
    status, _ = ClusterStatus.objects.update_or_create(
        cluster=CLUSTER, defaults={"state": state, "message": message,
                                   "kinds": {"rollouts": {"state": "synced", "message": ""}},
                                   "updated_at": datetime.now(UTC) - timedelta(seconds=1)})
    return status


a_put_rollout = database_sync_to_async(put_rollout)
a_write_row = database_sync_to_async(write_row)
a_changed_at = database_sync_to_async(
    lambda rollout: Rollout.objects.get(cluster=rollout.cluster, namespace=rollout.namespace,
                                        name=rollout.name).changed_at)
a_delete_rollout = database_sync_to_async(delete_rollout)
a_add_event = database_sync_to_async(add_event)
a_cluster_status = database_sync_to_async(cluster_status)


# --- frames ----------------------------------------------------------------------------


@dataclass
class Element:
    """A top-level element of a frame: what htmx's ws extension swaps out of band."""

    tag: str
    id: str | None
    oob: str | None
    ids: list[str] = field(default_factory=list)  # ids inside it
    text: list[str] = field(default_factory=list)

    @property
    def content(self) -> str:
        return " ".join(" ".join(self.text).split())


class _Splitter(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth == 0:
            self.elements.append(Element(tag, values.get("id"), values.get("hx-swap-oob")))
        elif values.get("id"):
            self.elements[-1].ids.append(values["id"] or "")
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth > 0 and self.elements:
            self.elements[-1].text.append(data)


def elements(frame: str) -> list[Element]:
    splitter = _Splitter()
    splitter.feed(frame)
    splitter.close()
    return splitter.elements


def row_id(rollout: RolloutKey) -> str:
    return dom_id("row", rollout)


def replaced_rows(frame: str) -> dict[str, Element]:
    """Rows replaced whole or patched in place (only their changed cells)."""
    return {e.id: e for e in elements(frame) if e.id and e.id.startswith("row--")
            and (e.oob == "true" or (e.oob or "").startswith("cells:"))}


def inserted_rows(frame: str) -> list[str]:
    return [i for e in elements(frame) if e.oob == "beforeend:#rollout-list"
            for i in e.ids if i.startswith("row--")]


def deleted_ids(frame: str) -> list[str]:
    return [e.id for e in elements(frame) if e.oob == "delete" and e.id]


def snapshot_rows(frame: str) -> list[str]:
    return [i for e in elements(frame) if e.id == "rollout-list" and e.oob == "true"
            for i in e.ids if i.startswith("row--")]


def by_id(frame: str) -> dict[str, Element]:
    return {e.id: e for e in elements(frame) if e.id}


# --- sockets ---------------------------------------------------------------------------


async def connect(path: str, origin: tuple[bytes, bytes] = ORIGIN) -> WebsocketCommunicator:
    from dashboard.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=[HOST, origin])
    connected, _ = await communicator.connect(timeout=5)
    assert connected, f"{path} refused the connection"
    return communicator


async def frames_until(communicator: WebsocketCommunicator, predicate: Any,
                       timeout: float = 5.0) -> list[str]:
    """Frames received until one satisfies `predicate` (which must happen)."""
    got: list[str] = []
    while True:
        frame = await communicator.receive_from(timeout=timeout)
        got.append(frame)
        if predicate(frame):
            return got
