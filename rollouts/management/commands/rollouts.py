"""`manage.py rollouts ...`: kubectl-argo-rollouts' get, list and actions against the cluster.

Reads go straight to the cluster through the gateway; actions go through the actions service,
so they print upstream's messages, are guarded like the UI's buttons and leave an ActionRecord.
Failures exit non-zero (CommandError) with the cluster's or the service's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rollouts.access.identity import cli_identity
from rollouts.actions import run_action
from rollouts.cli.parser import add_arguments, retry_names, split_assignment
from rollouts.cli.show import list_text, rollout_text
from rollouts.cli.watch import watch_rollout
from rollouts.errors import ClusterError
from rollouts.gateway import Gateway, get_gateway
from rollouts.keys import RolloutKey, check_name, check_namespace
from rollouts.kinds import ClusterConfig

CLEAR_SCREEN = "\033[H\033[2J\033[0;0H"


class Command(BaseCommand):
    help = "Inspect and act on Argo Rollouts, like `kubectl argo rollouts`."

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            gateway = get_gateway()
            # Checked here, before any request: a name like `..` would change the URL's meaning.
            namespace = check_namespace(options.get("namespace") or gateway.default_namespace)
            # Every name before the first is acted on: `abort good ../bad` sends nothing.
            for name in [options.get("name"), *(options.get("names") or ())]:
                if name is not None:
                    check_name(name)
            handler = getattr(self, f"_{options['command']}")
            handler(gateway, namespace, options)
        except ClusterError as exc:
            raise CommandError(exc.message or str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _color(self, options: dict[str, Any]) -> bool:
        if options.get("no_color"):
            return False
        return bool(options.get("force_color")) or self.stdout.isatty()

    # --- reads -------------------------------------------------------------------------------

    def _get(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        name, color = options["name"], self._color(options)
        # Read once first: an unknown rollout is an error, as upstream's get is.
        text = rollout_text(gateway, namespace, name, timezone.now(), color=color)
        if not options["watch"]:
            self.stdout.write(text, ending="")
            return
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(watch_rollout(ClusterConfig.from_settings(), namespace, name,
                                      self._frame, color=color,
                                      timeout=float(options["timeout_seconds"])))

    def _frame(self, text: str) -> None:
        if self.stdout.isatty():
            self.stdout.write(CLEAR_SCREEN + text, ending="")
        else:
            self.stdout.write(text)  # frames separated by a blank line when piped
        self.stdout.flush()

    def _list(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        scope = None if options["all_namespaces"] else namespace
        text = list_text(gateway, scope, timezone.now())
        if text:
            self.stdout.write(text, ending="")
        else:
            self.stderr.write("No resources found.")

    # --- actions -----------------------------------------------------------------------------

    def _act(self, gateway: Gateway, namespace: str, name: str, action: str,
             params: dict[str, Any]) -> None:
        key = RolloutKey(settings.ROLLOUTS_CLUSTER_NAME, namespace, name)
        # Whoever runs manage.py holds the kubeconfig already: recorded, not checked.
        who = cli_identity(getpass.getuser())
        result = run_action(gateway, key, action, params, source="cli", actor=who.name,
                            attribution=who.attribution())
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(result.message)

    def _promote(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        self._act(gateway, namespace, options["name"], "promote", {"full": options["full"]})

    def _abort(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        for name in options["names"]:
            self._act(gateway, namespace, name, "abort", {})

    def _pause(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        for name in options["names"]:
            self._act(gateway, namespace, name, "pause", {})

    def _retry(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        for name in retry_names(options["names"]):
            self._act(gateway, namespace, name, "retry", {})

    def _restart(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        params = {"in": options["delay"]} if options["delay"] else {}
        self._act(gateway, namespace, options["name"], "restart", params)

    def _undo(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        self._act(gateway, namespace, options["name"], "undo",
                  {"to_revision": options["to_revision"]})

    def _set(self, gateway: Gateway, namespace: str, options: dict[str, Any]) -> None:
        container, image = split_assignment(options["assignment"])
        self._act(gateway, namespace, options["name"], "set_image",
                  {"container": container, "image": image})
