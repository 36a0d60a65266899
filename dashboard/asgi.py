"""ASGI entry point: HTTP through Django, websockets through Channels.

With `ROLLOUTS_WATCHER=embedded` (the default) importing this module starts the watcher on its
own thread (daphne has no lifespan hook to do it later); the wrapper remembers daphne's loop so
the watcher's publisher can hand messages to the consumers living on it.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
# Django must be set up before anything imports models (consumers, routing).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from rollouts.metrics_asgi import count_websockets  # noqa: E402
from rollouts.origins import SameOriginWebsocket  # noqa: E402
from rollouts.root_path import under_root_path  # noqa: E402
from rollouts.routing import websocket_urlpatterns  # noqa: E402
from rollouts.runtime import capture_consumer_loop, start_embedded_watcher  # noqa: E402

application = capture_consumer_loop(under_root_path(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            # Not channels' AllowedHostsOriginValidator: it ignores the port and the scheme. The
            # session and its user in the scope: rollouts.access.identity_for_scope.
            "websocket": count_websockets(SameOriginWebsocket(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
        }
    )
))

start_embedded_watcher()
