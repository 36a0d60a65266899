"""Every Prometheus metric the dashboard exports, and the one-line helpers that feed them.

Each process (a daphne web process, `manage.py watch_rollouts`) counts in its own default
registry and serves it itself: web processes at `/metrics`, the watcher on its own port
(rollouts.metrics_server). prometheus-client's multiprocess mode is for workers forked from one
parent sharing a port, which is not how these processes run, so it is not used.

Label values come from small fixed sets (kinds, pages, actions, outcomes); anything else a
client or the cluster could send is counted as "other", so no request can grow the series.
Known label sets are created up front: a series that exists at 0 tells "nothing happened"
apart from "not exported".
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from rollouts.actions.params import ACTIONS
from rollouts.kinds import KINDS

OUTCOMES = ("ok", "noop", "refused", "error")
EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
PAGES = ("overview", "detail")
RENDER_PARTS = ("row", "detail", "status")
OTHER = "other"

WATCH_EVENTS = Counter("rollouts_watch_events", "Watch events received, by kind and type",
                       ["kind", "type"])
RELISTS = Counter("rollouts_relists", "Full lists of a kind (first sync and every re-list)",
                  ["kind"])
WATCH_ERRORS = Counter("rollouts_watch_errors",
                       "Failed list or watch requests, each followed by a back-off", ["kind"])
MIRROR_BATCH_SIZE = Histogram(
    "rollouts_mirror_batch_size", "Watch events and list items written per mirror transaction",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000))
MIRROR_COMMIT_SECONDS = Histogram(
    "rollouts_mirror_commit_seconds", "Time to write one mirror batch (one transaction)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
PUBLISH_LAG_SECONDS = Histogram(
    "rollouts_publish_lag_seconds",
    "From a change reaching the mirror to the publisher having sent it to the pages",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
RENDERS = Counter("rollouts_renders", "Fragments rendered by the live publisher, by part",
                  ["part"])
FRAMES_SENT = Counter("rollouts_frames_sent", "Websocket frames sent, by page", ["page"])
BYTES_SENT = Counter("rollouts_sent_bytes", "Websocket payload bytes sent, by page", ["page"])
SOCKETS = Gauge("rollouts_websockets_connected", "Open websockets, by page", ["page"])
ACTIONS_RUN = Counter("rollouts_actions", "Actions run, by verb and outcome",
                      ["action", "outcome"])
# 1 while this process's mirror runs (rollouts.runtime): without election that is the whole
# run, with it the leader's terms; the election module may set it too (on losing the lease).
LEADER = Gauge("rollouts_watcher_leader", "1 if this process's watcher leads (writes and "
               "publishes), else 0")


def _prepare() -> None:
    for kind in KINDS:
        RELISTS.labels(kind)
        WATCH_ERRORS.labels(kind)
        for event_type in EVENT_TYPES:
            WATCH_EVENTS.labels(kind, event_type)
    for part in RENDER_PARTS:
        RENDERS.labels(part)
    for page in PAGES:
        FRAMES_SENT.labels(page)
        BYTES_SENT.labels(page)
        SOCKETS.labels(page)
    for action in ACTIONS:
        for outcome in OUTCOMES:
            ACTIONS_RUN.labels(action, outcome)


_prepare()


def _known(value: str, allowed: Iterable[str]) -> str:
    return value if value in allowed else OTHER


def watch_event(kind: str, event_type: str) -> None:
    WATCH_EVENTS.labels(_known(kind, KINDS), _known(event_type, EVENT_TYPES)).inc()


def action_done(action: str, outcome: str) -> None:
    ACTIONS_RUN.labels(_known(action, ACTIONS), _known(outcome, OUTCOMES)).inc()


def set_leader(leading: bool) -> None:
    LEADER.set(1 if leading else 0)


class PublishLag:
    """When each rollout's oldest unpublished change reached the mirror, until it is published.

    The mirror notes the (namespace, name) keys of a committed batch with the time its first
    event arrived; the publisher reports the RolloutKeys a render pass has dealt with (sent, or
    nobody was watching). Bounded: a mirror without a live publisher must not grow it for ever.
    """

    def __init__(self, histogram: Histogram, limit: int = 20_000) -> None:
        self.histogram, self.limit = histogram, limit
        self._since: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def changed(self, cluster: str, keys: Iterable[tuple[str, str]], since: float) -> None:
        with self._lock:
            for namespace, name in keys:
                self._since.setdefault((cluster, namespace, name), since)
            while len(self._since) > self.limit:
                self._since.popitem(last=False)

    def published(self, keys: Iterable[Any]) -> None:
        """`keys`: RolloutKeys (anything with cluster, namespace and name)."""
        now = time.monotonic()
        with self._lock:
            lags = [now - since for key in keys
                    if (since := self._since.pop((key.cluster, key.namespace, key.name),
                                                 None)) is not None]
        for lag in lags:
            self.histogram.observe(lag)


publish_lag = PublishLag(PUBLISH_LAG_SECONDS)
