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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from rollouts import fragments, readmodel
from rollouts.access.variants import variant_id
from rollouts.dom import dom_id
from rollouts.keys import RolloutKey
from rollouts.live.messages import RenderedRow
from rollouts.models import Rollout
from rollouts.readmodel import RowData

Controls = frozenset[str]
# The controls a viewer has in a namespace (rollouts.access.variants.controls, bound).
ControlsOf = Callable[[str], Controls]


def _templates_digest() -> str:
    """Changes with the fragment templates, so no process serves a row from older ones."""
    digest = hashlib.sha256(Path(fragments.__file__).read_bytes())
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).glob("rollouts/_*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_PREFIX = f"live:{_templates_digest()}:row:"


def _cache_key(key: RolloutKey, variant: str) -> str:
    # Hashed: memcached-safe whatever the names, and the cluster/namespace/name split is exact.
    # One entry per permission set: the same row shows other buttons to other roles.
    return _PREFIX + variant + ":" + hashlib.sha256(str(key).encode()).hexdigest()[:32]


def _stamp(row: RowData) -> str | None:
    return row.changed_at.isoformat() if row.changed_at is not None else None


def render_row(row: RowData, controls: Controls) -> RenderedRow:
    return RenderedRow(row.key, dom_id("row", row.key), fragments.overview_row(row, controls),
                       variant=variant_id(controls))


def remember_rows(rows: Iterable[tuple[RowData, RenderedRow]]) -> None:
    entries = {
        _cache_key(row.key, rendered.variant): (_stamp(row), rendered.html)
        for row, rendered in rows if _stamp(row) is not None
    }
    if entries:
        cache.set_many(entries, timeout=None)


def cached_html(keys: Iterable[RolloutKey], variant: str) -> dict[RolloutKey, str]:
    """The last rendering of `variant` cached for each of `keys` (however old): what pages
    that loaded since were most likely given."""
    by_cache_key = {_cache_key(key, variant): key for key in keys}
    found = cache.get_many(list(by_cache_key))
    return {by_cache_key[k]: entry[1] for k, entry in found.items()
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str)}


def forget_rows(keys: Iterable[RolloutKey], variants: Iterable[str]) -> None:
    variants = list(variants)
    cache.delete_many([_cache_key(key, variant) for key in keys for variant in variants])


def rendered_rows(rows: Sequence[RowData], controls_of: ControlsOf) -> list[RenderedRow]:
    """`rows` rendered with the controls of their namespace, from the cache where the entry
    is as new as the row."""
    controls = {ns: controls_of(ns) for ns in {row.key.namespace for row in rows}}
    variants = {ns: variant_id(verbs) for ns, verbs in controls.items()}
    cached = cache.get_many([_cache_key(row.key, variants[row.key.namespace]) for row in rows])
    out: list[RenderedRow] = []
    fresh: list[tuple[RowData, RenderedRow]] = []
    for row in rows:
        variant = variants[row.key.namespace]
        entry = cached.get(_cache_key(row.key, variant))
        stamp = _stamp(row)
        if stamp is not None and isinstance(entry, tuple) and entry[0] == stamp:
            out.append(RenderedRow(row.key, dom_id("row", row.key), entry[1], variant=variant))
            continue
        rendered = render_row(row, controls[row.key.namespace])
        out.append(rendered)
        fresh.append((row, rendered))
    remember_rows(fresh)
    return out


def overview_rows(cluster: str, namespaces: Sequence[str], controls_of: ControlsOf,
                  globs: Sequence[str] | None = None) -> list[RenderedRow]:
    """Every row an overview page (of some namespaces, or all; only those matching `globs`,
    the viewer's, when given) starts from, in the read model's order (namespace, name), with
    the viewer's controls in each namespace.

    Only the rows whose cached HTML is older than the row are read in full (info JSON) and
    rendered: a reconnecting page of 300 unchanged rollouts costs one narrow query.
    """
    stamps = Rollout.objects.filter(cluster=cluster)
    if namespaces:
        stamps = stamps.filter(namespace__in=list(namespaces))
    stamps = readmodel.within(stamps, globs)
    listed = [(RolloutKey(cluster, ns, name), changed.isoformat() if changed else None)
              for ns, name, changed in stamps.order_by("namespace", "name")
              .values_list("namespace", "name", "changed_at")]
    variants = {ns: variant_id(controls_of(ns)) for ns in {key.namespace for key, _ in listed}}
    keys = {key: _cache_key(key, variants[key.namespace]) for key, _ in listed}
    cached = cache.get_many(list(keys.values()))
    html: dict[RolloutKey, str] = {}
    for key, stamp in listed:
        entry = cached.get(keys[key])
        if stamp is not None and isinstance(entry, tuple) and entry[0] == stamp:
            html[key] = entry[1]
    stale = [key for key, _ in listed if key not in html]
    for row in rendered_rows(list(readmodel.load_rows_for(stale).values()), controls_of):
        html[row.key] = row.html
    # A row deleted between the two reads has no HTML: it is simply not in the snapshot.
    return [RenderedRow(key, dom_id("row", key), html[key], variant=variants[key.namespace])
            for key, _ in listed if key in html]


def detail_parts(key: RolloutKey, controls: Controls) -> dict[str, str]:
    """Every fragment of the rollout's detail page (dom id -> html) with `controls`' buttons;
    the gone notice if the rollout is not (or no longer) mirrored."""
    detail = readmodel.load_detail(key)
    if detail is None:
        # "Deleted" only for a rollout the dashboard has seen; never seen is "not found".
        return {dom_id("summary", key):
                fragments.detail_deleted(key, known=readmodel.ever_known(key))}
    return fragments.detail_fragments(detail, controls)


def status_html(status: Any, cluster: str) -> str:
    """`#live-status` from a ClusterStatus row (None: no watcher has reported)."""
    return fragments.live_status(readmodel.cluster_status_data(status, cluster))


def current_status_html(cluster: str) -> str:
    return fragments.live_status(readmodel.load_cluster_status(cluster))
