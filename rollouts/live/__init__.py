"""Live updates: fragments rendered once per change and fanned out to websocket consumers.

`LivePublisher` (the mirror's publisher) renders each changed rollout's overview row and detail
fragments once, skips what did not change, coalesces bursts and sends the HTML to Channels
groups; `rollouts.consumers` picks from those messages what each page needs and sends a full
snapshot whenever a page (re)connects.
"""

from __future__ import annotations

from rollouts.live.publisher import LivePublisher

__all__ = ["LivePublisher"]
