"""Python's cycle collector, tuned for a process that ends when its one command does.

A command imports large libraries (pandas, Ibis, matplotlib) and builds many long-lived
objects but few reference cycles. With the default thresholds the collector walks the
young objects every 700 allocations, and the interpreter walks every object once more
when it exits: on the overlay of a 1M-event log that is about a fifth of the run.
"""

from __future__ import annotations

__all__ = ["YOUNG_THRESHOLD", "collect_rarely", "skip_final_collection"]

import gc

YOUNG_THRESHOLD = 100_000
"""Allocations between collections of the youngest objects (Python's default is 700)."""


def collect_rarely() -> None:
    """Collect the youngest objects every ``YOUNG_THRESHOLD`` allocations; older ones as before."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)


def skip_final_collection() -> None:
    """Leave the objects alive now out of every later collection, the one at exit included.

    Call it when the process is about to end: the system takes the memory back anyway.
    Exit hooks (``atexit``) still run, so open resources are closed as before.
    """
    gc.freeze()
