"""Live frames made by the server's own code, delivered to an open page through its socket.

Rows are rendered from the guide's fixtures with `rollouts.fragments` and framed with the
consumers' `rows_frames` (the exact messages a page gets), then handed to the page's real
WebSocket object as a `message` event: htmx's ws extension takes them from there, as it takes
every frame from the server. The page looks at a namespace the demo cluster does not have, so
its socket brings nothing else but the first (empty) snapshot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Page

from rollouts.access.variants import UI_VERBS, variant_id
from rollouts.dom import dom_id
from rollouts.info import build_rollout_info
from rollouts.keys import RolloutKey
from rollouts.live.messages import RenderedRow, rows_frames, rows_messages, updated_row
from rollouts.live.snapshots import render_row
from rollouts.publish import namespace_group, variant_group
from rollouts.readmodel import RowData
from tests.e2e.support import open_live
from tests.info.support import SCENARIO_NOW, load, stage_now

SANDBOX = "e2e-sandbox"
HEALTHY = "guide-1-healthy.json"
PAUSED = "guide-2-paused-step1.json"

DELIVER = """(frame) => {
  const socket = document.querySelector("[ws-connect]")["htmx-internal-data"].webSocket.socket;
  socket.dispatchEvent(new MessageEvent("message", {data: frame}));
}"""


def key(name: str) -> RolloutKey:
    return RolloutKey("default", SANDBOX, name)


def rendered(name: str, fixture: str = HEALTHY, *, age: float = 5.0,
             labels: dict[str, str] | None = None, **status: Any) -> RenderedRow:
    """The row of `fixture` posed as SANDBOX/name (with `status` fields changed), last
    changed `age` seconds ago."""
    bundle = load(fixture)
    meta = bundle.rollout["metadata"]
    meta.update(name=name, namespace=SANDBOX)
    if labels is not None:
        meta["labels"] = labels
    bundle.status.update(status)
    now = stage_now(fixture) if fixture.startswith("guide-") else SCENARIO_NOW
    info = build_rollout_info(bundle.objects(), now).to_dict()
    changed = datetime.now(UTC) - timedelta(seconds=age)
    return render_row(RowData(key(name), info, changed), UI_VERBS)


def degraded(name: str) -> RenderedRow:
    return rendered(name, PAUSED, phase="Degraded", abort=True,
                    message="RolloutAborted: Rollout aborted update to revision 2")


class LivePage:
    """An overview page of SANDBOX and what the server-side consumer knows it has."""

    def __init__(self, page: Page, query: str = "") -> None:
        self.page = page
        self.known: dict[str, str] = {}
        self.sent: dict[RolloutKey, str] = {}  # what the publisher last sent, per row
        open_live(page, f"/?namespace={SANDBOX}" + (f"&{query}" if query else ""))

    def send(self, *rows: RenderedRow, removed: tuple[str, ...] = ()) -> None:
        """As the publisher sends: a row sent before goes with its patch (changed cells)."""
        gone = [(key(name), dom_id("row", key(name))) for name in removed]
        rows = tuple(updated_row(row, self.sent.get(row.key)) for row in rows)
        self.sent.update({row.key: row.html for row in rows})
        for name in removed:
            self.sent.pop(key(name), None)
        variant = variant_id(UI_VERBS)
        for group, message in rows_messages(rows, gone, [variant]):
            if group != variant_group(namespace_group("default", SANDBOX), variant):
                continue  # the same rows, for the pages of all namespaces
            for frame in rows_frames(message, self.known):
                self.page.evaluate(DELIVER, frame)

    def names(self, visible_only: bool = True) -> list[str]:
        selector = "#rollout-list > .row" + (":visible" if visible_only else "")
        return self.page.locator(selector).evaluate_all("rows => rows.map(r => r.dataset.name)")

    def count(self, chip: str) -> str:
        return self.page.locator(f'[data-count="{chip}"]').inner_text()
