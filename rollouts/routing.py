"""Websocket routes (`dashboard.asgi` wraps them in rollouts.origins' same-origin check)."""

from __future__ import annotations

from django.urls import URLPattern, path

from rollouts.consumers import DetailConsumer, OverviewConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/overview", OverviewConsumer.as_asgi()),
    path("ws/rollouts/<str:namespace>/<str:name>", DetailConsumer.as_asgi()),
]
