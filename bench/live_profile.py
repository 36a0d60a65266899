"""Run a module (daphne) with cProfile on every thread; the merged stats go to a file at exit.

    python bench/live_profile.py OUT.prof -m daphne ...

cProfile only sees the thread that enabled it, and the dashboard's work happens on the
watcher's, the mirror's DB and the publisher's render threads: each thread gets a profiler,
timed by the thread's own CPU clock (so time spent waiting, or in other threads, is not
counted).
Read the result with `python -m pstats OUT.prof` (sort cumtime / tottime).
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import runpy
import sys
import threading
import time

_profiles: list[cProfile.Profile] = []
_thread_run = threading.Thread.run


def _profiled_run(self: threading.Thread) -> None:
    profile = cProfile.Profile(time.thread_time)
    _profiles.append(profile)
    profile.enable()
    try:
        _thread_run(self)
    finally:
        profile.disable()


def _dump(path: str) -> None:
    stats = None
    for profile in _profiles:
        try:
            stats = pstats.Stats(profile) if stats is None else stats.add(profile) or stats
        except TypeError:  # a profiler that never recorded anything
            continue
    if stats is not None:
        stats.dump_stats(path)


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__)
    threading.Thread.run = _profiled_run  # type: ignore[method-assign]
    main_profile = cProfile.Profile(time.thread_time)
    _profiles.append(main_profile)
    atexit.register(_dump, out)
    sys.argv = [module, *rest]
    main_profile.enable()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
