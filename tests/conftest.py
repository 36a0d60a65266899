from __future__ import annotations

from django.conf import settings

pytest_plugins = ["simcluster.testing"]

# Importing dashboard.asgi starts the embedded watcher unless this says otherwise. Tests run their
# own mirrors against their own simclusters, so none may run behind their backs. pytest-django
# has loaded the settings before this file (an environment variable set here would be too late);
# browser tests start daphne as a subprocess with an environment of their own.
settings.ROLLOUTS_WATCHER = "off"
