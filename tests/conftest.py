from __future__ import annotations

from django.conf import settings

pytest_plugins = ["simcluster.testing"]

# Importing dashboard.asgi starts the embedded watcher unless this says otherwise. Tests run their
# own mirrors against their own simclusters, so none may run behind their backs. pytest-django
# has loaded the settings before this file (an environment variable set here would be too late);
# browser tests start daphne as a subprocess with an environment of their own.
settings.ROLLOUTS_WATCHER = "off"

# On PostgreSQL (DATABASE_URL), in-process tests touch the ORM from short-lived threads and
# event loops that never hand their connection back; psycopg's pool would count each as in use
# until none is left. Here each thread gets a plain connection; the tests that start real web
# and watcher processes (tests/production) run them with the pool.
settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
