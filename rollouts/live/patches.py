"""A changed overview row as only the cells that changed: what most live frames carry.

A row is `<article …>` and its cells (top-level `<div>`s, rollouts/_row.html). When a row a
page has changes, the page needs the new root attributes and the cells that differ, not the
whole row: `row_patch` builds that element once per change (the publisher's render), and
each consumer sends it only to pages whose row is the one it was computed from (`version`).
The browser applies it in place (static/js/live.js, morph.js: `hx-swap-oob="cells:0,6"`).
"""

from __future__ import annotations

import hashlib
import re

_DIV = re.compile(r"<(/?)div\b")
_OOB = ' hx-swap-oob="true"'
_END = "</article>"


def version(html: str) -> str:
    """A short fingerprint of a rendered row: which rendering a page has."""
    return hashlib.blake2b(html.encode(), digest_size=8).hexdigest()


def split_row(html: str) -> tuple[str, list[str]] | None:
    """(root start tag, cells) of a rendered row; None for anything else."""
    html = html.strip()  # the template's final newline
    if not html.startswith("<article ") or not html.endswith(_END):
        return None
    # Attribute values are escaped, so the first ">" ends the start tag.
    head_end = html.index(">") + 1
    body = html[head_end:-len(_END)]
    cells: list[str] = []
    depth, start = 0, 0
    for match in _DIV.finditer(body):
        if not match.group(1):
            if depth == 0:
                start = match.start()
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            cells.append(body[start:match.end() + 1])
        elif depth < 0:
            return None
    if depth or "".join(cells) != body:
        return None
    return html[:head_end], cells


def row_patch(old: str, new: str) -> str | None:
    """The element that turns row `old` into `new` on a page, if smaller than `new`."""
    before, after = split_row(old), split_row(new)
    if before is None or after is None or len(before[1]) != len(after[1]):
        return None
    head, cells = after
    if head.count(_OOB) != 1:
        return None
    changed = [i for i, (a, b) in enumerate(zip(before[1], cells, strict=True)) if a != b]
    spec = ",".join(map(str, changed))
    patch = (head.replace(_OOB, f' hx-swap-oob="cells:{spec}"')
             + "".join(cells[i] for i in changed) + _END)
    return patch if len(patch) < len(new) else None
