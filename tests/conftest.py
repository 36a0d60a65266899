from __future__ import annotations

from django.conf import settings

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
