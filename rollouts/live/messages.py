"""The channel-layer messages the publisher sends, and the websocket frames consumers build.

Messages carry finished HTML (rendered once by the publisher); consumers only choose between
forms and concatenate. Every frame is a run of top-level elements that htmx's ws extension
swaps out of band, one by one: a few rows, or a page's worth of fragments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.utils.safestring import mark_safe

from rollouts import fragments
from rollouts.keys import RolloutKey
from rollouts.live import patches
from rollouts.publish import (
    cluster_group,
    namespace_group,
    rollout_group,
    status_group,
    variant_group,
)

ROWS = "rollouts.rows"  # handled by consumers' `rollouts_rows`
DETAIL = "rollouts.detail"  # `rollouts_detail`
STATUS = "rollouts.status"  # `rollouts_status`

# Frames stay well below daphne's 1 MiB message cap and keep one frame's swap short.
FRAME_BYTES = 256 * 1024
# A page applies a frame in one task (static/js/live.js), so a burst (hundreds of rows changed
# at once) goes out as many small frames and the page stays responsive in between. (Should a
# frame ever be left to htmx's own out-of-band swap: its settle list makes a frame of k rows
# cost O(k²) events, which small frames keep linear too.)
ROWS_PER_FRAME = 8


@dataclass(frozen=True)
class RenderedRow:
    key: RolloutKey
    dom_id: str
    html: str  # the row's root element, id=dom_id, hx-swap-oob="true"
    # Only the cells that changed since the rendering `base` (a `patches.version`), for
    # pages that have that one; None: send `html`.
    patch: str | None = None
    base: str = ""
    variant: str = ""  # the permission set it was rendered for (rollouts.access.variants)


def updated_row(row: RenderedRow, sent: str | None) -> RenderedRow:
    """`row` with its patch for the pages that have `sent`, the rendering last sent for it."""
    if sent is None:
        return row
    return replace(row, patch=patches.row_patch(sent, row.html), base=patches.version(sent))


def insert_form(rows_html: str) -> str:
    """Rows appended to the list (htmx swaps the wrapper's children in at the end)."""
    # Our own rendered rows (a channel layer may hand them back as plain str): not escaped.
    return fragments.inserted_row(mark_safe(rows_html))


def list_form(rows_html: str) -> str:
    """Rows replacing the whole list: what a (re)connecting page starts from."""
    return fragments.row_list([rows_html])


# --- publisher side ---------------------------------------------------------------------


def rows_messages(rows: Iterable[RenderedRow], removed: Iterable[tuple[RolloutKey, str]],
                  variants: Iterable[str] = ()) -> list[tuple[str, dict[str, Any]]]:
    """One message per cluster group and per namespace group of each row's variant, each
    with only its rollouts; removals go to the groups of every variant in `variants`."""
    buckets: dict[tuple[str, str], tuple[list[list[str]], list[list[str]]]] = {}

    def add(key: RolloutKey, variant: str, index: int, item: list[str]) -> None:
        for group in (cluster_group(key.cluster), namespace_group(key.cluster, key.namespace)):
            buckets.setdefault((variant_group(group, variant), variant), ([], []))[index] \
                .append(item)

    for row in rows:
        add(row.key, row.variant, 0, [str(row.key), row.dom_id, row.html,
                                      patches.version(row.html), row.patch, row.base])
    variants = list(variants)
    for key, dom_id in removed:
        for variant in variants:
            add(key, variant, 1, [str(key), dom_id])
    return [(group, {"type": ROWS, "variant": variant, "rows": changed, "removed": gone})
            for (group, variant), (changed, gone) in buckets.items()]


def detail_message(key: RolloutKey, variant: str, fragments: dict[str, str]
                   ) -> tuple[str, dict[str, Any]]:
    """Changed fragments of one rollout's detail page (dom id -> html), for one variant."""
    return (variant_group(rollout_group(key), variant),
            {"type": DETAIL, "variant": variant, "fragments": fragments})


def status_message(cluster: str, html: str) -> tuple[str, dict[str, Any]]:
    return status_group(cluster), {"type": STATUS, "html": html}


# --- consumer side ----------------------------------------------------------------------


def chunked(parts: Iterable[str], limit: int = FRAME_BYTES,
            count: int | None = None) -> Iterator[list[str]]:
    """Consecutive runs of `parts` of at most `limit` characters (a longer part goes alone)
    and, if given, at most `count` parts."""
    run: list[str] = []
    size = 0
    for part in parts:
        if run and (size + len(part) > limit or (count is not None and len(run) >= count)):
            yield run
            run, size = [], 0
        run.append(part)
        size += len(part)
    if run:
        yield run


def rows_frames(message: dict[str, Any], known: dict[str, str]) -> list[str]:
    """Frames applying a rows message to a page that shows the rollouts in `known` (key ->
    version of the rendering it has).

    A row the page has is patched (its changed cells) when the patch was made from the very
    rendering the page has, else replaced whole; a new one is appended to the list, a
    removed one the page has is deleted; `known` is updated to match.
    """
    replaced: list[str] = []
    inserted: list[str] = []
    for key, _dom_id, html, version, patch, base in message.get("rows", ()):
        if key not in known:
            inserted.append(html)
        else:
            replaced.append(patch if patch and known[key] == base else html)
        known[key] = version
    deleted = []
    for key, dom_id in message.get("removed", ()):
        if key in known:
            del known[key]
            deleted.append(fragments.removed(dom_id))
    frames = ["".join(run) for run in chunked(replaced + deleted, count=ROWS_PER_FRAME)]
    # Appended rows travel in one wrapper element per frame, so they need no count limit.
    frames += [insert_form("".join(run)) for run in chunked(inserted)]
    return frames


def snapshot_frames(rows: list[tuple[str, str]], status_html: str) -> list[str]:
    """A page's full state: the live indicator, then every row (key, html) replacing the list."""
    runs = list(chunked(html for _, html in rows)) or [[]]
    frames = [status_html + list_form("".join(runs[0]))]
    frames += [insert_form("".join(run)) for run in runs[1:]]
    return frames
