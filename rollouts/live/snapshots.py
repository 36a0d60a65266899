"""Rendering rows, detail fragments and the indicator from the mirror (sync: DB + templates).

The publisher renders through here after each change and the consumers build their connect
snapshots here, from the same read model (`rollouts.readmodel`) and the same fragments
(`rollouts.fragments`) the pages use, so a live update and a page load cannot drift.

Rendered rows are kept in the Django cache, stamped with the row's `changed_at` (which the
mirror moves whenever the info the row shows changes), so a reconnect storm costs one query and
cache reads instead of hundreds of renders. A stale or missing entry is simply rendered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from rollouts import fragments, readmodel
from rollouts.dom import dom_id
from rollouts.keys import RolloutKey
from rollouts.live.messages import RenderedRow
from rollouts.models import Rollout
from rollouts.readmodel import RowData


def _templates_digest() -> str:
    """Changes with the fragment templates, so no process serves a row from older ones."""
    digest = hashlib.sha256(Path(fragments.__file__).read_bytes())
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).glob("rollouts/_*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_PREFIX = f"live:{_templates_digest()}:row:"


def _cache_key(key: RolloutKey) -> str:
    # Hashed: memcached-safe whatever the names, and the cluster/namespace/name split is exact.
    return _PREFIX + hashlib.sha256(str(key).encode()).hexdigest()[:32]


def _stamp(row: RowData) -> str | None:
    return row.changed_at.isoformat() if row.changed_at is not None else None


def render_row(row: RowData) -> RenderedRow:
    return RenderedRow(row.key, dom_id("row", row.key), fragments.overview_row(row))


def remember_rows(rows: Iterable[tuple[RowData, RenderedRow]]) -> None:
    entries = {
        _cache_key(row.key): (_stamp(row), rendered.html)
        for row, rendered in rows if _stamp(row) is not None
    }
    if entries:
        cache.set_many(entries, timeout=None)


def cached_html(keys: Iterable[RolloutKey]) -> dict[RolloutKey, str]:
    """The last rendering cached for each of `keys` (however old): what pages that loaded
    since were most likely given."""
    by_cache_key = {_cache_key(key): key for key in keys}
    found = cache.get_many(list(by_cache_key))
    return {by_cache_key[k]: entry[1] for k, entry in found.items()
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str)}


def forget_rows(keys: Iterable[RolloutKey]) -> None:
    cache.delete_many([_cache_key(key) for key in keys])


def rendered_rows(rows: Sequence[RowData]) -> list[RenderedRow]:
    """`rows` rendered, from the cache where the entry is as new as the row."""
    cached = cache.get_many([_cache_key(row.key) for row in rows])
    out: list[RenderedRow] = []
    fresh: list[tuple[RowData, RenderedRow]] = []
    for row in rows:
        entry = cached.get(_cache_key(row.key))
        stamp = _stamp(row)
        if stamp is not None and isinstance(entry, tuple) and entry[0] == stamp:
            out.append(RenderedRow(row.key, dom_id("row", row.key), entry[1]))
            continue
        rendered = render_row(row)
        out.append(rendered)
        fresh.append((row, rendered))
    remember_rows(fresh)
    return out


def overview_rows(cluster: str, namespaces: Sequence[str] = ()) -> list[RenderedRow]:
    """Every row an overview page (of some namespaces, or all) starts from, in the read
    model's order (namespace, name).

    Only the rows whose cached HTML is older than the row are read in full (info JSON) and
    rendered: a reconnecting page of 300 unchanged rollouts costs one narrow query.
    """
    stamps = Rollout.objects.filter(cluster=cluster)
    if namespaces:
        stamps = stamps.filter(namespace__in=list(namespaces))
    listed = [(RolloutKey(cluster, ns, name), changed.isoformat() if changed else None)
              for ns, name, changed in stamps.order_by("namespace", "name")
              .values_list("namespace", "name", "changed_at")]
    cached = cache.get_many([_cache_key(key) for key, _ in listed])
    html: dict[RolloutKey, str] = {}
    for key, stamp in listed:
        entry = cached.get(_cache_key(key))
        if stamp is not None and isinstance(entry, tuple) and entry[0] == stamp:
            html[key] = entry[1]
    stale = [key for key, _ in listed if key not in html]
    for row in rendered_rows(list(readmodel.load_rows_for(stale).values())):
        html[row.key] = row.html
    # A row deleted between the two reads has no HTML: it is simply not in the snapshot.
    return [RenderedRow(key, dom_id("row", key), html[key]) for key, _ in listed if key in html]


def detail_parts(key: RolloutKey) -> dict[str, str]:
    """Every fragment of the rollout's detail page (dom id -> html); the gone notice if the
    rollout is not (or no longer) mirrored."""
    detail = readmodel.load_detail(key)
    if detail is None:
        # "Deleted" only for a rollout the dashboard has seen; never seen is "not found".
        return {dom_id("summary", key):
                fragments.detail_deleted(key, known=readmodel.ever_known(key))}
    return fragments.detail_fragments(detail)


def status_html(status: Any, cluster: str) -> str:
    """`#live-status` from a ClusterStatus row (None: no watcher has reported)."""
    return fragments.live_status(readmodel.cluster_status_data(status, cluster))


def current_status_html(cluster: str) -> str:
    return fragments.live_status(readmodel.load_cluster_status(cluster))
