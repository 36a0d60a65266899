"""`manage.py watch_rollouts`: the mirror in its own process, publishing through the channel
layer (Redis, so the web processes hear it). SIGINT/SIGTERM stop it cleanly.

With ROLLOUTS_LEADER_ELECTION (the default with ROLLOUTS_WATCHER=external) replicas elect one
leader through a Lease (rollouts.leader); only the leader mirrors and publishes."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rollouts.errors import ClusterConfigError
from rollouts.leader import Elector, LeaseConfig, lease_gateway, run_elected
from rollouts.metrics_server import watcher_endpoints
from rollouts.runtime import CONFIG_RETRY_SECONDS, live_publisher, mirror_from_settings, run_mirror

log = logging.getLogger(__name__)


async def lead(stop: asyncio.Event, may_write: Callable[[], bool]) -> None:
    """One term as leader: a fresh mirror and publisher, fenced by the lease."""
    publisher = live_publisher()
    mirror = mirror_from_settings(publisher)
    mirror.may_write = may_write
    try:
        await run_mirror(stop, mirror=mirror)
    finally:
        await publisher.aclose()


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
        if settings.ROLLOUTS_LEADER_ELECTION:
            await self._elected(stop)
        else:
            await run_mirror(stop, publisher=live_publisher())
        self.stdout.write("watch_rollouts: stopped")

    async def _elected(self, stop: asyncio.Event) -> None:
        config = LeaseConfig.from_settings()
        self.stdout.write(f"watch_rollouts: leader election as {config.identity} on lease "
                          f"{config.namespace}/{config.name}")
        while not stop.is_set():
            try:
                gateway = lease_gateway(config)
            except ClusterConfigError as exc:
                log.warning("%s; trying again in %.0fs", exc.message, CONFIG_RETRY_SECONDS)
                try:
                    await asyncio.wait_for(stop.wait(), CONFIG_RETRY_SECONDS)
                except TimeoutError:
                    continue
                return
            try:
                await run_elected(stop, Elector(config, gateway), lead)
            finally:
                gateway.close()
