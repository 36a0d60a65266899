"""What one bench/live.py run measured, whichever kind of client it used."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    latencies: list[float]  # seconds from a write to its marker at a client, one per pair seen
    missing: int  # (change, client) pairs never seen
    wire: list[int]  # bytes each client received during the run
    notes: list[str]  # lines only this kind of client can report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]
