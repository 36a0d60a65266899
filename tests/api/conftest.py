from __future__ import annotations

# The simcluster-backed fixtures of the actions tests, for the action endpoints.
from tests.actions.conftest import cluster, gateway  # noqa: F401
