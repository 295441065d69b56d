"""The Python side of `gclab experiment pyperformance`: runs pyperformance's GC benchmarks (the bodies
in pyperformance_benchmarks.py) and measures, with gc.callbacks and gc.get_count(), what their
iterations do to the cycle collector. gclab's workloads (packages/bench/src/workloads/pyperformance/)
are measured the same way under gclab's model of the same CPython version
(packages/experiments/src/pyperformance/pyperformance-figures.ts).

Usage: python3 pyperformance_gc.py VERSION ITERATIONS NAME=SIZE...  (e.g. gc_collect=100 btree=2000)

Prints one JSON object: {"version": "3.11.7", "threshold": [...], "benchmarks": {NAME: FIGURES}}, where
FIGURES (or {"error": TEXT} when the benchmark cannot run in this interpreter) are:
- "tracked": objects tracked by the collector after the setup and a full collection, less those
  tracked before the setup (everything the interpreter itself made is frozen first, gc.freeze());
- "net": gc.get_count()[0] after one iteration's mutator part less before it, run with the collector
  disabled: the containers it allocated less those it freed, as CPython's count of generation 0
  counts them (allocations from the free lists of tuples, lists and dicts count for neither);
- "live": tracked objects after that mutator part less before it: what it left behind, reachable or
  cyclic garbage (free lists do not matter here);
- "explicit": per explicit gc.collect() of that same iteration, the objects it collected;
- "iterations": ITERATIONS iterations with the collector enabled, after one warm-up iteration; for
  each, "collections" and "collected" per generation [0, 1, 2] of the automatic collections, and
  "explicit" (collected per explicit collection).
"""

import gc
import json
import sys

import pyperformance_benchmarks as bm

# The callback stores ints only, into a list allocated beforehand: appending tuples to a list would
# allocate containers of its own (a tuple per collection, counted in generation 0 whenever the free
# list of tuples is empty), which would move the collections it measures.
LOG = [0] * 3 * 100_000
n_log = 0
explicit_now = 0


def callback(phase, info):
    global n_log
    if phase == "stop":
        i = n_log
        LOG[i] = info["generation"]
        LOG[i + 1] = info["collected"]
        LOG[i + 2] = explicit_now
        n_log = i + 3


def logged():
    """The collections logged since the last clear_log(): (generation, collected, explicit)."""
    return [(LOG[k], LOG[k + 1], LOG[k + 2]) for k in range(0, n_log, 3)]


def clear_log():
    global n_log
    n_log = 0


def explicit_collect():
    global explicit_now
    explicit_now = 1
    gc.collect()
    explicit_now = 0


def tracked():
    return sum(len(gc.get_objects(g)) for g in range(3))


class Benchmark:
    """One benchmark as steps: setup() -> state; pre explicit collections; body(state) -> kept;
    post explicit collections; drop(kept) (what the iteration releases at its end)."""

    def __init__(self, setup, body, pre, post):
        self.setup, self.body, self.pre, self.post = setup, body, pre, post


def gc_collect(size):
    def body(_):
        all_cycles = bm.create_gc_cycles(size, bm.LINKS)
        del all_cycles

    return Benchmark(lambda: None, body, 1, 1)


def gc_traversal(size):
    bm.N_LEVELS = size
    return Benchmark(lambda: bm.create_recursive_containers(bm.N_LEVELS), lambda _: None, 1, 1)


def btree(size):
    bm.NUM_NODES = size

    def body(records):
        bm.random.seed(bm.RANDOM_SEED)
        return bm.make_tree(bm.NUM_NODES, records)

    return Benchmark(lambda: list(bm.make_records(bm.NUM_NODES)), body, 0, 1)


def event_loop():
    """The event loop the async benchmarks run in, one for all their iterations, as pyperf's
    bench_async_func runs its loops in one loop (psf/pyperf pyperf/_runner.py at ab7fd04d: one
    `loop.run_until_complete(main())` whose main awaits the function `loops` times; the harness
    calls run_until_complete once an iteration, a root Task per iteration more): asyncio's own (a
    selector loop) where it can block,
    else (WebAssembly, whose WebLoop cannot run_until_complete) a BaseEventLoop that waits for its
    timers by sleeping; both run the callbacks and timers of asyncio's BaseEventLoop._run_once."""
    import asyncio
    import time

    loop = asyncio.new_event_loop()
    if hasattr(loop, "_selector"):
        return loop, "selector"
    loop.close()

    class Sleeper:
        def select(self, timeout):
            if timeout:
                time.sleep(timeout)
            return []

    class SleepingLoop(asyncio.BaseEventLoop):
        def __init__(self):
            super().__init__()
            self._selector = Sleeper()

        def _process_events(self, event_list):
            pass

        def _write_to_self(self):
            pass

        def run_until_complete(self, future):
            # pyodide's WebLoop counts as running for the whole session; step aside from it.
            outer = asyncio.events._get_running_loop()
            asyncio.events._set_running_loop(None)
            try:
                return super().run_until_complete(future)
            finally:
                asyncio.events._set_running_loop(outer)

    return SleepingLoop(), "sleeping"


LOOP = None


def async_tree(variant):
    def make(size):
        loop = LOOP[0]
        bm.NUM_RECURSE_LEVELS = size

        def body(tree):
            loop.run_until_complete(tree.run())

        return Benchmark(lambda: bm.ASYNC_TREES[variant](), body, 0, 0)

    return make


def deepcopy(size):
    def body(state):
        for _ in range(size):
            bm.deepcopy_iteration(*state)

    return Benchmark(bm.deepcopy_data, body, 0, 0)


BENCHMARKS = {
    "gc_collect": gc_collect,
    "gc_traversal": gc_traversal,
    "btree": btree,
    "async_tree_none": async_tree("none"),
    "async_tree_io": async_tree("io"),
    "async_tree_memoization": async_tree("memoization"),
    "async_tree_cpu_io_mixed": async_tree("cpu_io_mixed"),
    "deepcopy": deepcopy,
}


def iteration(b, state):
    for _ in range(b.pre):
        explicit_collect()
    kept = b.body(state)
    for _ in range(b.post):
        explicit_collect()
    del kept


def measure(b, iterations):
    explicit_collect()
    before = tracked()
    state = b.setup()
    explicit_collect()
    figures = {"tracked": tracked() - before}
    iteration(b, state)  # warm-up: imports, caches, first-call allocations
    # One iteration with the collector disabled: its net allocations and what its collections find.
    for _ in range(b.pre):
        explicit_collect()
    gc.disable()
    live = tracked()
    gc.get_count()  # so that the 3-tuple the next call returns comes from the free list, uncounted
    start = gc.get_count()[0]
    kept = b.body(state)
    figures["net"] = gc.get_count()[0] - start
    figures["live"] = tracked() - live
    clear_log()
    for _ in range(b.post):
        explicit_collect()
    figures["explicit"] = [c for _, c, _ in logged()]
    del kept
    gc.enable()
    runs = []
    for _ in range(iterations):
        clear_log()
        iteration(b, state)
        log = logged()
        collections, collected = [0, 0, 0], [0, 0, 0]
        for generation, n, explicit in log:
            if not explicit:
                collections[generation] += 1
                collected[generation] += n
        runs.append({
            "collections": collections,
            "collected": collected,
            "explicit": [n for _, n, explicit in log if explicit],
        })
    figures["iterations"] = runs
    del state
    return figures


def main():
    version = sys.argv[1]
    iterations = int(sys.argv[2])
    if "%d.%d" % sys.version_info[:2] != version:
        sys.exit(f"pyperformance_gc.py was asked for CPython {version}, this is {sys.version.split()[0]}")
    wanted = []
    for arg in sys.argv[3:]:
        name, _, size = arg.partition("=")
        if name not in BENCHMARKS:
            sys.exit(f"pyperformance_gc.py: unknown benchmark {name!r} (known: {', '.join(BENCHMARKS)})")
        wanted.append((name, int(size)))
    if any(name.startswith("async_tree") for name, _ in wanted):
        global LOOP
        LOOP = event_loop()
    gc.collect()
    gc.freeze()
    gc.callbacks.append(callback)
    out = {"version": sys.version.split()[0], "threshold": list(gc.get_threshold()), "benchmarks": {}}
    for name, size in wanted:
        try:
            out["benchmarks"][name] = measure(BENCHMARKS[name](size), iterations)
        except Exception as e:  # a benchmark this interpreter cannot run (asyncio in WebAssembly)
            gc.enable()
            out["benchmarks"][name] = {"error": f"{type(e).__name__}: {e}"}
    gc.callbacks.remove(callback)
    if LOOP is not None:
        out["event_loop"] = LOOP[1]
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
