"""A manual gc.collect() after building many cycles: a reproducer after python/cpython#129210.

    python gc_collect.py [LOOPS] [CYCLES] [LINKS] [--disable]

Neil Schemenauer reported (https://github.com/python/cpython/issues/129210, "Performance regression
with cyclic GC vs 3.13") that his bm_gc_collect.py, pyperformance's gc_collect benchmark, took 20.8 s
on the main branch (3.14 alpha, incremental collector) against 3.3 s on 3.13, and that disabling the
automatic collector while the cycles are built removed the difference; Mark Shannon measured 3.9 s
against 4.7 s (fastest of 10) with the automatic collector disabled, and a bisection (duaneg) put the
slowdown on the incremental collector: ~3x with the collector enabled. This is our own code following
the benchmark's program: each loop collects, builds CYCLES rings of LINKS + 1 Node objects (a doubly
linked ring), drops them, and times one gc.collect() that frees them; --disable turns the automatic
collector off while the rings are built, as in the report's comparison. The default size (2 loops of
50,000 rings, 2.1 million objects) is where the difference shows; with 2,000 rings it is lost in
the noise.
"""
import gc
import sys
import time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
LOOPS = int(args[0]) if len(args) > 0 else 2
CYCLES = int(args[1]) if len(args) > 1 else 50_000
LINKS = int(args[2]) if len(args) > 2 else 20
DISABLE = "--disable" in sys.argv


class Node:
    def __init__(self):
        self.next = None
        self.prev = None

    def link_next(self, next):
        self.next = next
        self.next.prev = self


def create_cycle(node, n_links):
    current = node
    for _ in range(n_links):
        next_node = Node()
        current.link_next(next_node)
        current = next_node
    current.link_next(node)


def create_gc_cycles(n_cycles, n_links):
    cycles = []
    for _ in range(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


def benchmark_collection(loops, cycles, links):
    timed = 0.0
    for _ in range(loops):
        gc.collect()
        if DISABLE:
            gc.disable()
        all_cycles = create_gc_cycles(cycles, links)
        if DISABLE:
            gc.enable()
        del all_cycles
        t0 = time.perf_counter()
        collected = gc.collect()
        timed += time.perf_counter() - t0
        assert collected >= 0
    return timed


start = time.perf_counter()
timed = benchmark_collection(LOOPS, CYCLES, LINKS)
total = time.perf_counter() - start
print(f"loops {LOOPS}  rings {CYCLES:,} x {LINKS + 1} nodes  automatic gc {'off' if DISABLE else 'on'} while building")
print(f"timed gc.collect(): {timed:.3f} s   whole run: {total:.3f} s")
