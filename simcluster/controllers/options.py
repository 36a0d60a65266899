"""Knobs for the simulated controllers: timings, image health, the demo's "change" ticker."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class ControllerOptions:
    # Pod start-up, in simulated seconds from creation: scheduled, containers started, ready.
    schedule_delay: float = 0.5
    start_delay: float = 2.0
    ready_delay: float = 2.0
    # Images (or bare tags) whose analysis measurements fail. Changeable at runtime.
    unhealthy: set[str] = field(default_factory=lambda: {"bad", "fail", "crash"})
    # Tags whose pods never start (ImagePullBackOff) or keep crashing (CrashLoopBackOff).
    pull_error_tags: frozenset[str] = frozenset({"bad"})
    crash_tags: frozenset[str] = frozenset({"crash"})
    # Write v1 Events ("Scaled up replica set ...") like the real controllers do.
    events: bool = True
    # Demo liveliness: every N simulated seconds, start a new canary on one seeded rollout.
    change_every: float | None = None
    # Namespaces the ticker leaves alone: `make run` keeps the guide's my-demo for the user.
    change_skip_namespaces: frozenset[str] = frozenset()
    change_colors: tuple[str, ...] = ("blue", "yellow", "green", "purple", "orange", "red")
    random_seed: int | None = None
    node_names: tuple[str, ...] = ("sim-worker-1", "sim-worker-2")
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def set_image_health(self, image_or_tag: str, healthy: bool) -> None:
        """Mark an image ("repo:tag") or a bare tag healthy or unhealthy, from any thread."""
        with self._lock:
            if healthy:
                self.unhealthy.discard(image_or_tag)
            else:
                self.unhealthy.add(image_or_tag)

    def image_healthy(self, image: str) -> bool:
        with self._lock:
            unhealthy = set(self.unhealthy)
        return image not in unhealthy and image_tag(image) not in unhealthy

    def pull_fails(self, image: str) -> bool:
        return image_tag(image) in self.pull_error_tags

    def crashes(self, image: str) -> bool:
        return image_tag(image) in self.crash_tags


def image_tag(image: str) -> str:
    """The tag of "repo/name:tag" ("" when there is none; digests count as no tag)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else ""
