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
# No sign-in and full access unless a test says otherwise: the suite tests the dashboard, the
# tests under tests/auth/ test who may use it.
settings.ROLLOUTS_AUTH = "none"
settings.ROLLOUTS_ANONYMOUS_ROLE = "admin"


@pytest.fixture(autouse=True)
def _no_cached_rows_across_tests() -> Iterator[None]:
    """Pages serve rows from the rendered-row cache, keyed by the row's changed_at: fixtures
    reuse fixed times, so a row cached by one test must not be served to the next."""
    yield
    cache.clear()

# On PostgreSQL (DATABASE_URL), in-process tests touch the ORM from short-lived threads and
# event loops that never hand their connection back; psycopg's pool would count each as in use
# until none is left. Here each thread gets a plain connection; the tests that start real web
# and watcher processes (tests/production) run them with the pool.
settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
