"""Keeps the demo alive (ControllerOptions.change_every): now and then an "operator" acts.

Every ``change_every`` simulated seconds it promotes one rollout that has waited at an indefinite
pause for at least that long, and starts a new canary on one Healthy rollout whose image is an
``argoproj/rollouts-demo:<colour>`` (the next colour, as ``kubectl argo rollouts set image`` would).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from .objects import as_list, dig, parse_time
from .runtime import Runtime

log = logging.getLogger("simcluster.controllers")
DEMO_IMAGE = "argoproj/rollouts-demo:"


class Changer:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._next: datetime | None = None

    def tick(self) -> None:
        every = self.rt.options.change_every
        if not every or every <= 0:
            return
        now = self.rt.now()
        if self._next is None:
            self._next = now + timedelta(seconds=every)
            return
        if now < self._next:
            return
        self._next = now + timedelta(seconds=every)
        try:
            self._promote_one(now, every)
            self._change_one()
        except Exception:  # the demo ticker must never take the manager down
            log.exception("demo change ticker failed")

    def _rollouts(self) -> list[dict]:
        skip = self.rt.options.change_skip_namespaces
        return [ro for ro in self.rt.store.list("rollouts")
                if dig(ro, "metadata", "namespace") not in skip]

    def _promote_one(self, now: datetime, every: float) -> None:
        for ro in self._rollouts():
            for cond in as_list(dig(ro, "status", "pauseConditions")):
                started = parse_time(dig(cond, "startTime"))
                if started and (now - started).total_seconds() >= every:
                    body = {"status": {"pauseConditions": None}}
                    self.rt.store.patch("rollouts", ro["metadata"]["namespace"],
                                        ro["metadata"]["name"], body,
                                        "application/merge-patch+json", subresource="status")
                    return

    def _change_one(self) -> None:
        colours = self.rt.options.change_colors
        candidates = []
        for ro in self._rollouts():
            image = str(dig(ro, "spec", "template", "spec", "containers", 0, "image", default=""))
            tag = image.removeprefix(DEMO_IMAGE)
            if image.startswith(DEMO_IMAGE) and tag in colours and \
                    dig(ro, "status", "phase") == "Healthy":
                candidates.append((ro, colours[(colours.index(tag) + 1) % len(colours)]))
        if not candidates:
            return
        ro, colour = self.rt.rng.choice(candidates)

        def set_image(obj: dict) -> None:
            obj["spec"]["template"]["spec"]["containers"][0]["image"] = DEMO_IMAGE + colour

        self.rt.store.mutate("rollouts", ro["metadata"]["namespace"], ro["metadata"]["name"],
                             set_image)
        log.info("demo: %s/%s -> %s", ro["metadata"]["namespace"], ro["metadata"]["name"], colour)
