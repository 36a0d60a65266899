"""`manage.py watch_rollouts`: the mirror in its own process, publishing through the channel
layer (Redis, so the web processes hear it). SIGINT/SIGTERM stop it cleanly."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rollouts.metrics_server import watcher_endpoints
from rollouts.runtime import live_publisher, run_mirror


class Command(BaseCommand):
    help = "Mirror the cluster's rollouts into the database and publish every change."

    def handle(self, *args: Any, **options: Any) -> None:
        with watcher_endpoints(self.stdout):
            asyncio.run(self._run())

    async def _run(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        where = settings.KUBECONFIG or "the in-cluster service account"
        scope = ", ".join(settings.ROLLOUTS_NAMESPACES) or "all namespaces"
        self.stdout.write(
            f"watch_rollouts: mirroring cluster {settings.ROLLOUTS_CLUSTER_NAME} "
            f"({scope}) from {where}"
        )
        await run_mirror(stop, publisher=live_publisher())
        self.stdout.write("watch_rollouts: stopped")
