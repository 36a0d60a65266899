from __future__ import annotations

# simcluster-backed `cluster` and `gateway` fixtures, shared with the actions tests.
from tests.actions.conftest import cluster, gateway  # noqa: F401
