"""The fragments the pages are built from and the live updates carry (rollouts/fragments.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from rollouts import fragments
from rollouts.access.variants import UI_VERBS
from rollouts.dom import dom_id
from rollouts.keys import RolloutKey
from rollouts.readmodel import ActionData, ClusterStatusData, DetailData, EventData, RowData
from tests.web.support import BEFORE_SCALE_DOWN, PAUSED_STEP1, PAUSED_STEP3, info

KEY = RolloutKey("default", "my-demo", "rollouts-demo")
AT = datetime(2025, 7, 17, 17, 15, tzinfo=UTC)
ROOT = re.compile(r'^<(\w+) id="([^"]+)"[^>]*hx-swap-oob="true"')


def root_of(html: str) -> tuple[str, str]:
    match = ROOT.match(html.strip())
    assert match, html[:200]
    return match.group(1), match.group(2)


def detail(fixture: str = PAUSED_STEP3) -> DetailData:
    return DetailData(
        KEY, info(fixture), AT,
        events=(EventData(AT, "paused", "paused at step 3/9 (Pause: 1m)", 2, 3),),
        actions=(ActionData(AT, "anonymous", "ui", "promote", {"full": True}, "ok",
                            "rollout 'rollouts-demo' promoted", 12),),
    )


def test_an_overview_row_is_one_element_with_its_id_and_an_explicit_oob_swap() -> None:
    html = fragments.overview_row(RowData(KEY, info(PAUSED_STEP1), AT), UI_VERBS)
    assert root_of(html) == ("article", dom_id("row", KEY))
    assert html.strip().endswith("</article>")
    assert 'data-status="Paused"' in html and 'data-name="rollouts-demo"' in html


def test_a_row_stays_small_on_the_wire() -> None:
    html = fragments.overview_row(RowData(KEY, info(BEFORE_SCALE_DOWN), AT), UI_VERBS)
    assert len(html.encode()) < 4096


def test_a_row_does_not_change_while_only_time_passes() -> None:
    # Ages are <time> elements the browser ticks, so an unchanged rollout renders the same.
    row = RowData(KEY, info(PAUSED_STEP3), AT)
    assert fragments.overview_row(row, UI_VERBS) == fragments.overview_row(row, UI_VERBS)
    assert '<time datetime="2025-07-17T17:15:00Z" data-age' in fragments.overview_row(row, UI_VERBS)


def test_a_new_row_is_appended_to_the_list_and_a_removed_one_deleted() -> None:
    row = fragments.overview_row(RowData(KEY, info(PAUSED_STEP1), AT), UI_VERBS)
    inserted = fragments.inserted_row(row)
    assert inserted.startswith('<div hx-swap-oob="beforeend:#rollout-list">')
    assert row in inserted
    assert fragments.removed(dom_id("row", KEY)) == (
        f'<div id="{dom_id("row", KEY)}" hx-swap-oob="delete"></div>')


def test_the_row_list_wraps_rows_in_the_list_element() -> None:
    rows = [fragments.overview_row(RowData(KEY, info(PAUSED_STEP1), AT), UI_VERBS)]
    html = fragments.row_list(rows)
    assert root_of(html) == ("div", "rollout-list")
    assert rows[0] in html


def test_every_detail_fragment_has_its_id_and_an_oob_swap() -> None:
    parts = fragments.detail_fragments(detail(), UI_VERBS)
    assert list(parts) == [dom_id(part, KEY) for part in fragments.DETAIL_PARTS]
    for element_id, html in parts.items():
        assert root_of(html)[1] == element_id


def test_the_deleted_notice_replaces_the_summary() -> None:
    html = fragments.detail_deleted(KEY)
    assert root_of(html) == ("section", dom_id("summary", KEY))
    assert "This rollout was deleted" in html and "data-act" not in html


@pytest.mark.parametrize(("state", "text"), [
    ("live", "Live"), ("reconnecting", "Reconnecting…"), ("connecting", "Connecting…"),
    ("unreachable", "Cluster unreachable"), ("unknown", "Waiting for the watcher"),
    ("<b>odd</b>", "Waiting for the watcher"),
])
def test_the_live_indicator_says_its_state_in_words(state: str, text: str) -> None:
    html = fragments.live_status(ClusterStatusData("default", state, "why"))
    assert root_of(html) == ("div", "live-status")
    assert f'<span class="live-text">{text}</span>' in html
    assert "<b>" not in html


def test_the_live_indicator_names_missing_kinds() -> None:
    status = ClusterStatusData("default", "live", "", {"rollouts": "synced",
                                                      "virtualservices": "missing"})
    assert "no virtualservices" in fragments.live_status(status)


def test_action_records_alone_render_for_a_button_response() -> None:
    html = fragments.action_records(KEY, detail().actions)
    assert root_of(html) == ("section", dom_id("actions", KEY))
    assert "promote" in html and "full=true" in html and "outcome--ok" in html
