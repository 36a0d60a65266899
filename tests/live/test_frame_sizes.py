from __future__ import annotations

import pytest

from rollouts.live.messages import FRAME_BYTES, ROWS_PER_FRAME, chunked, snapshot_frames
from tests.live.support import (
    a_put_rollout,
    by_id,
    connect,
    inserted_rows,
    replaced_rows,
    row_id,
    snapshot_rows,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_many_replaced_rows_go_out_in_frames_of_a_few_rows(publisher):
    rollouts = [await a_put_rollout("my-demo", f"app-{n:02d}") for n in range(12)]
    page = await connect("/ws/overview")
    try:
        await page.receive_from(timeout=5)
        for n in range(12):
            await a_put_rollout("my-demo", f"app-{n:02d}", phase="Degraded",
                                message=f"RolloutAborted: {n}")
        await publisher.publish(rollouts, [])
        frames = [await page.receive_from(timeout=5), await page.receive_from(timeout=5)]
        assert [len(replaced_rows(frame)) for frame in frames] == [ROWS_PER_FRAME,
                                                                   12 - ROWS_PER_FRAME]
        sent = sorted(dom_id for frame in frames for dom_id in replaced_rows(frame))
        assert sent == [row_id(r) for r in rollouts]
        assert publisher.stats.passes == 1
    finally:
        await page.disconnect()


def test_chunks_respect_both_the_byte_and_the_count_limit():
    assert list(chunked(["a"] * 5, count=2)) == [["a", "a"], ["a", "a"], ["a"]]
    assert list(chunked(["ab", "cd", "e"], limit=4)) == [["ab", "cd"], ["e"]]
    big = "x" * (FRAME_BYTES + 1)
    assert list(chunked(["a", big, "b"])) == [["a"], [big], ["b"]]
    assert list(chunked([])) == []


def test_a_snapshot_too_big_for_one_frame_replaces_the_list_then_appends_to_it():
    row = '<article id="row--default--ns--app-{n}" hx-swap-oob="true">{pad}</article>'
    rows = [(f"default/ns/app-{n}", row.format(n=n, pad="x" * 10_000)) for n in range(60)]
    frames = snapshot_frames(rows, '<div id="live-status" hx-swap-oob="true"></div>')
    assert len(frames) == 3
    assert all(len(frame) <= FRAME_BYTES + 11_000 for frame in frames)
    first = by_id(frames[0])
    assert first["rollout-list"].oob == "true" and "live-status" in first
    assert all(inserted_rows(frame) for frame in frames[1:])
    shown = snapshot_rows(frames[0]) + [i for frame in frames[1:] for i in inserted_rows(frame)]
    assert shown == [f"row--default--ns--app-{n}" for n in range(60)]
