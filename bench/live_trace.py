"""Where the pages' renderer main threads spend their time: a Chromium trace, summarised.

`bench/live.py --trace FILE` records a trace (devtools.timeline categories, the ones the
DevTools performance panel shows) of every page for the measured run, saves it to FILE (open
it in chrome://tracing or the DevTools performance panel) and prints, per page on average,
the main thread's self time by event: the time spent in an event itself, not in the events
nested in it (so a forced layout inside a script counts as layout, not as script).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel",
              "v8.execute", "blink.user_timing", "loading"]
MAIN_THREAD = "CrRendererMain"
# Rows of the summary, most first; the rest are added up as "other".
SHOWN = 16


def _main_threads(events: list[dict[str, Any]]) -> set[tuple[int, int]]:
    return {(e["pid"], e["tid"]) for e in events
            if e.get("ph") == "M" and e.get("name") == "thread_name"
            and e.get("args", {}).get("name") == MAIN_THREAD}


def _self_times(events: list[dict[str, Any]]) -> dict[str, float]:
    """Self time (µs) by event name of one thread's complete events ("X"), which nest."""
    spans = sorted(((e["ts"], e["ts"] + e.get("dur", 0), e["name"]) for e in events),
                   key=lambda span: (span[0], -span[1]))
    totals: dict[str, float] = defaultdict(float)
    stack: list[list[Any]] = []  # [start, end, name, time in children]

    def close(until: float) -> None:
        while stack and stack[-1][1] <= until:
            start, end, name, children = stack.pop()
            totals[name] += max(0.0, end - start - children)

    for start, end, name in spans:
        close(start)
        if stack:
            stack[-1][3] += end - start
        stack.append([start, end, name, 0.0])
    close(float("inf"))
    return totals


def summarise(trace_path: Path, seconds: float, pages: int) -> list[str]:
    """Lines: per page, the main thread's busy share and its top events by self time.

    The `pages` busiest renderer main threads are the pages' (Chromium keeps a few idle
    renderers around too)."""
    data = json.loads(trace_path.read_text())
    events = data["traceEvents"] if isinstance(data, dict) else data
    threads = _main_threads(events)
    by_thread: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        where = (event.get("pid"), event.get("tid"))
        if event.get("ph") == "X" and where in threads:
            by_thread[where].append(event)
    if not by_thread:
        return ["trace: no renderer main thread found"]
    per_thread = sorted((_self_times(thread_events) for thread_events in by_thread.values()),
                        key=lambda times: -sum(times.values()))[:pages]
    totals: dict[str, float] = defaultdict(float)
    for times in per_thread:
        for name, micros in times.items():
            totals[name] += micros / len(per_thread)
    busy = sum(totals.values())
    lines = [f"trace of {len(per_thread)} pages: main thread busy {busy / 1e4 / seconds:.0f}% "
             f"of the run per page ({busy / 1e3:.0f} ms); self time by event, per page:"]
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    for name, micros in ranked[:SHOWN]:
        lines.append(f"    {name:<34} {micros / 1e3:8.0f} ms  {micros / busy * 100:5.1f}%")
    rest = sum(micros for _, micros in ranked[SHOWN:])
    lines.append(f"    {'other':<34} {rest / 1e3:8.0f} ms  {rest / busy * 100:5.1f}%")
    return lines
