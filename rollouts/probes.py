"""`/readyz` and `/metrics` of a web process (`/healthz`, process alive, is in views.py).

Neither touches the session or the cluster: they answer quickly, and the same functions serve
the watcher's own port (rollouts.metrics_server). `probe_paths` answers the three before the
middleware that checks the Host header: the kubelet and Prometheus reach a pod by its IP, which
no ALLOWED_HOSTS lists, and before sign-in, which a probe cannot do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

from rollouts import health, views


def readiness_body(ok: bool, checks: dict[str, Any]) -> dict[str, Any]:
    return {"ok": ok, "checks": checks}


@require_GET
async def readyz(request: HttpRequest) -> JsonResponse:
    ok, checks = await health.run_checks()
    return JsonResponse(readiness_body(ok, checks), status=200 if ok else 503)


def metrics_text(accept: str) -> tuple[bytes, str]:
    """The registry in the format the scraper asked for (OpenMetrics or Prometheus text)."""
    encode, content_type = choose_encoder(accept)
    return encode(REGISTRY), content_type


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    body, content_type = metrics_text(request.headers.get("Accept", ""))
    return HttpResponse(body, content_type=content_type)


PROBES: dict[str, Callable[..., Any]] = {
    "/healthz": views.healthz, "/readyz": readyz, "/metrics": metrics,
}


@sync_and_async_middleware
def probe_paths(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Middleware: the probes' views, whatever the Host header says."""
    if iscoroutinefunction(get_response):
        async def serve_async(request: HttpRequest) -> HttpResponse:
            view = PROBES.get(request.path_info)
            if view is None:
                return await get_response(request)
            return await view(request) if iscoroutinefunction(view) else view(request)
        return serve_async

    def serve(request: HttpRequest) -> HttpResponse:
        view = PROBES.get(request.path_info)
        if view is None:
            return get_response(request)
        return async_to_sync(view)(request) if iscoroutinefunction(view) else view(request)
    return serve
