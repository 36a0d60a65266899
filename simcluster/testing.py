"""pytest plugin: a started SimCluster per test, reached through a real kubeconfig.

Enable with `pytest_plugins = ["simcluster.testing"]` in the root conftest. Fixtures:

* `simcluster` — function-scoped, controllers off, seed "empty", bookmarks every 0.2 s.
* `make_simcluster(**kwargs)` — the same defaults, overridable (e.g. `controllers=True`,
  `seeds=("demo",)`, `max_watch_seconds=1`); every cluster it makes is stopped after the test.

Each yielded cluster has `.kubeconfig`, the path of a kubeconfig for it in the test's tmp dir.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simcluster.cluster import SimCluster

TEST_DEFAULTS: dict[str, Any] = {
    "seeds": ("empty",),
    "controllers": False,
    "bookmark_interval": 0.2,
    "max_watch_seconds": 60.0,
}


@pytest.fixture
def make_simcluster(tmp_path: Path) -> Iterator[Callable[..., SimCluster]]:
    started: list[SimCluster] = []

    def make(**kwargs: Any) -> SimCluster:
        cluster = SimCluster(**{**TEST_DEFAULTS, **kwargs})
        cluster.start()
        started.append(cluster)
        cluster.kubeconfig = cluster.write_kubeconfig(tmp_path / f"kubeconfig-{len(started)}")
        return cluster

    yield make
    for cluster in reversed(started):
        cluster.stop()


@pytest.fixture
def simcluster(make_simcluster: Callable[..., SimCluster]) -> SimCluster:
    return make_simcluster()
