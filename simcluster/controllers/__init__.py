"""Simulated Argo Rollouts, Istio, ReplicaSet and kubelet controllers acting on the store.

`ControllerManager(store, clock, options=...)` runs them as one asyncio task (`await run()`);
`pause()`/`resume()` stop and restart all reconciling, `kick()` re-evaluates timers after the
clock was advanced. `ControllerOptions` holds the knobs (pod start-up delays, image health, the
demo's change ticker); `options.set_image_health("argoproj/rollouts-demo:red", False)` changes
analysis outcomes at runtime.
"""

from __future__ import annotations

from .manager import ControllerManager
from .options import ControllerOptions

__all__ = ["ControllerManager", "ControllerOptions"]
