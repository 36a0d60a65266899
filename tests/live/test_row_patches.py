"""A changed row reaches the pages that have it as its changed cells only, built once."""

from __future__ import annotations

import pytest

from rollouts.live.messages import RenderedRow, rows_frames, rows_messages, updated_row
from rollouts.live.patches import row_patch, split_row, version
from tests.e2e.live_frames import degraded, rendered
from tests.live.support import a_put_rollout, connect, elements, replaced_rows, row_id


def applied(old: str, patch: str) -> str:
    """What the browser makes of `old` with `patch` (static/js/morph.js's morphCells): a patch
    is a row start tag with only the cells it names, in order."""
    _, cells = split_row(old)  # type: ignore[misc]
    head, parts = split_row(patch)  # type: ignore[misc]
    spec = head.split('hx-swap-oob="cells:', 1)[1].split('"', 1)[0]
    for at, part in zip([int(i) for i in spec.split(",") if i], parts, strict=True):
        cells[at] = part
    return head.replace(f'hx-swap-oob="cells:{spec}"', 'hx-swap-oob="true"') + "".join(
        cells) + "</article>"


def test_a_new_message_travels_as_the_status_cell_and_the_new_attributes():
    before = rendered("app", message="first words")
    after = rendered("app", message="second words")
    patch = row_patch(before.html, after.html)
    assert patch is not None and 'hx-swap-oob="cells:0"' in patch
    assert "second words" in patch and "first words" not in patch
    assert 'class="name"' not in patch  # the unchanged name cell stays home
    assert len(patch) < len(after.html) / 2
    assert applied(before.html, patch) == after.html.strip()


def test_every_kind_of_change_rebuilds_the_new_row_exactly():
    renderings = [rendered("app"), degraded("app"), rendered("app", "guide-3-paused-step3.json"),
                  rendered("app", "bluegreen-paused.json"), rendered("app", age=400)]
    for old, new in zip(renderings, renderings[1:], strict=False):
        patch = row_patch(old.html, new.html)
        if patch is not None:
            assert applied(old.html, patch) == new.html.strip()


def test_something_that_is_not_a_row_gets_no_patch():
    row = rendered("app").html
    assert row_patch("<div>not a row</div>", row) is None
    assert row_patch(row, row.replace("</div></article>", "</article>")) is None


def message_for(row: RenderedRow, sent: str | None) -> dict:
    group, message = rows_messages([updated_row(row, sent)], [])[0]
    return message


def test_a_page_with_the_rendering_the_patch_was_made_from_gets_the_patch():
    before, after = rendered("app", message="one"), rendered("app", message="two")
    known = {str(before.key): version(before.html)}
    (frame,) = rows_frames(message_for(after, before.html), known)
    assert [e.oob for e in elements(frame)] == ["cells:0"]
    assert known[str(after.key)] == version(after.html)


def test_a_page_with_another_rendering_gets_the_whole_row():
    older, before, after = (rendered("app", message=m) for m in ("zero", "one", "two"))
    known = {str(before.key): version(older.html)}  # it never got "one"
    (frame,) = rows_frames(message_for(after, before.html), known)
    assert frame == after.html
    assert known[str(after.key)] == version(after.html)


@pytest.mark.django_db(transaction=True)
async def test_a_page_that_loaded_a_row_gets_even_its_first_change_as_a_patch(publisher):
    rollout = await a_put_rollout("my-demo", "rollouts-demo")
    page = await connect("/ws/overview")  # its snapshot rendered (and cached) the row
    try:
        await page.receive_from(timeout=5)
        for message in ("RolloutAborted: one", "RolloutAborted: two"):
            await a_put_rollout("my-demo", "rollouts-demo", phase="Degraded", message=message)
            await publisher.publish([rollout], [])
            (element,) = replaced_rows(await page.receive_from(timeout=5)).values()
            assert element.id == row_id(rollout)
            assert element.oob.startswith("cells:") and message in element.content
    finally:
        await page.disconnect()
