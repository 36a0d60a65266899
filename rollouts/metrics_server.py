"""The watcher process's own HTTP port: `/metrics`, `/healthz` and `/readyz`.

`manage.py watch_rollouts` serves no Django views, so a small threaded server from the standard
library answers the scrapes and the kubelet's probes. It binds ROLLOUTS_METRICS_HOST
(127.0.0.1 unless configured: in a pod it must be 0.0.0.0 for the kubelet and Prometheus to
reach it) on ROLLOUTS_METRICS_PORT (0: no server).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.conf import settings

from rollouts import health
from rollouts.probes import metrics_text, readiness_body

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            body, content_type = metrics_text(self.headers.get("Accept", ""))
            self._answer(200, content_type, body)
        elif path == "/healthz":
            self._json(200, {"ok": True, "now_ms": int(time.time() * 1000)})
        elif path == "/readyz":
            ok, checks = asyncio.run(health.run_checks())
            self._json(200 if ok else 503, readiness_body(ok, checks))
        else:
            self._json(404, {"ok": False, "error": "not found"})

    def _json(self, status: int, body: dict) -> None:
        self._answer(status, "application/json", json.dumps(body).encode())

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("metrics port: " + format, *args)  # scrapes every few seconds: not INFO


def start_metrics_server(host: str, port: int) -> ThreadingHTTPServer | None:
    """Serve on a daemon thread; None when `port` is 0 or cannot be bound.

    A busy port is logged as an error, not fatal: mirroring matters more than its metrics, and
    in a pod the failing probes make it visible anyway (locally, several watchers on one machine
    need a ROLLOUTS_METRICS_PORT each).
    """
    if port == 0:
        return None
    try:
        server = ThreadingHTTPServer((host, port), _Handler)
    except OSError as exc:
        log.error("watcher metrics and probes unavailable: cannot listen on %s:%d (%s)",
                  host, port, exc)
        return None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="rollouts-metrics", daemon=True).start()
    log.info("watcher metrics and probes on http://%s:%d/metrics", host, server.server_port)
    return server


@contextmanager
def watcher_endpoints(stdout: Any) -> Iterator[None]:
    """For `watch_rollouts`: readiness includes the watcher's checks, and the port is served
    (from the settings) while the block runs; `stdout` hears where."""
    health.serve_as_watcher()
    server = start_metrics_server(settings.ROLLOUTS_METRICS_HOST, settings.ROLLOUTS_METRICS_PORT)
    if server is not None:
        host, port = server.server_address[:2]
        stdout.write(f"watch_rollouts: metrics and probes on http://{host}:{port}/")
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
