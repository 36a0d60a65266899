from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache

pytest_plugins = ["simcluster.testing"]

# Importing dashboard.asgi starts the embedded watcher unless this says otherwise. Tests run their
# own mirrors against their own simclusters, so none may run behind their backs. pytest-django
# has loaded the settings before this file (an environment variable set here would be too late);
# browser tests start daphne as a subprocess with an environment of their own.
settings.ROLLOUTS_WATCHER = "off"


@pytest.fixture(autouse=True)
def _no_cached_rows_across_tests() -> Iterator[None]:
    """Pages serve rows from the rendered-row cache, keyed by the row's changed_at: fixtures
    reuse fixed times, so a row cached by one test must not be served to the next."""
    yield
    cache.clear()
