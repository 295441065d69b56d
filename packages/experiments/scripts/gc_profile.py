"""gc_profile.py: runs a Python program as __main__ and records what CPython's cycle collector did.

    python gc_profile.py OUT.json CENSUS_EVERY PROGRAM [ARGS...]

Used by `gclab python` (packages/experiments/src/python-profile/) under every CPython it runs,
native 3.11 and 3.12-3.15 as WebAssembly (pyodide). Runs on 3.11+ with the standard library only.

The channel: the figures are one JSON object written to the file OUT.json, never to the program's
standard output or error, which stay the program's own (so nothing the program prints can be taken
for a figure). The harness prints nothing itself except a failing program's traceback, on stderr,
as `python PROGRAM` would.

Figures (all from `gc.callbacks`, installed before the program starts and removed after it ends):
- collections per generation (the `generation` of each 'stop'), objects collected and uncollectable;
  collections the program asked for with gc.collect() are also counted apart (`explicit`); `log`
  has one [generation, collected, uncollectable, explicit (0 or 1)] per collection, in order;
- pauses: time.perf_counter() at the end of the 'start' callback to the beginning of the 'stop'
  callback, so the harness's own work is not a pause; sum, max and count;
- the program's wall time (runpy.run_path, less the time spent in censuses);
- `leftAtEnd`: after the program, the callback is removed and one gc.collect() (a full collection,
  exact) counts the cyclic garbage the program left behind; it is not counted as a collection;
- cyclic garbage outstanding (see "Outstanding garbage" below).

Outstanding garbage. Let G(t) be the number of tracked objects that are unreachable at t (what a
full collection at t would find: collected + uncollectable). Between two collections G never
decreases (an unreachable object stays unreachable; reference counting cannot free it), so the
high-water mark of G is reached at the start of some collection, or at the end of the program.
- `foundPeak` (always, free): the most garbage one collection found. What a collection finds was
  all outstanding at its start, so this is a LOWER BOUND of the high-water mark, and EXACT at a
  collection that examines every generation (a full collection of 3.11-3.13 and 3.15; not 3.14's
  increments, which examine the young generation and a slice of the old).
- `peakAtLeast` (always, free): max(foundPeak, leftAtEnd). leftAtEnd is G at the end exactly, so
  this is the best lower bound the callbacks give.
- `censusPeak` (CENSUS_EVERY = N > 0): at the start of every N-th collection and at the end of the
  program, G is counted exactly by running CPython's own algorithm over gc.get_objects(): gc_refs
  = sys.getrefcount() less the references found by gc.get_referents() among tracked objects (the
  reference the census itself holds is calibrated per version: 3.14's borrowed stack references
  make it one less); objects with gc_refs > 0 are reachable from outside; reachability then
  propagates through gc.get_referents(). With N = 1 the peak of the censuses IS the high-water mark
  (exact); with N > 1 it is exact at the sampled moments and a lower bound of the peak. A census is
  O(heap) and allocates (then frees) its own lists, so it perturbs the timing (its time is taken out
  of the wall time and of the pauses) and may shift the collection schedule slightly (measured: one
  young collection fewer in 3.11 over 100,000 cycles of examples/python/report_cycles.py); with
  CENSUS_EVERY = 0 (the default of `gclab python`) no census runs and the run is undisturbed.
"""
import gc
import json
import os
import runpy
import sys
import time
import traceback

perf_counter = time.perf_counter


def census_holds():
    """References a census holds on an object while reading its count (1 + the loop's own)."""

    class Probe:
        pass

    objs = [Probe()]
    for o in objs:
        return sys.getrefcount(o) - 1


HELD = census_holds()


def census():
    """The number of tracked objects unreachable right now (CPython's update_refs/subtract_refs/
    move_unreachable, done in Python over gc.get_objects())."""
    objs = gc.get_objects()
    index = {}
    for i, o in enumerate(objs):
        index[id(o)] = i
    gc_refs = []
    for o in objs:
        # Less the census's own references: HELD, and the list objs (not itself in objs).
        gc_refs.append(sys.getrefcount(o) - HELD - 1)
    get = index.get
    for o in objs:
        for r in gc.get_referents(o):
            j = get(id(r))
            if j is not None:
                gc_refs[j] -= 1
    # After subtract_refs: gc_refs > 0 means referenced from outside the tracked objects (a frame,
    # a C global, an untracked container): a root. Immortal objects count huge, so they are roots.
    reached = bytearray(len(objs))
    stack = [i for i, n in enumerate(gc_refs) if n > 0]
    for i in stack:
        reached[i] = 1
    while stack:
        for r in gc.get_referents(objs[stack.pop()]):
            j = get(id(r))
            if j is not None and not reached[j]:
                reached[j] = 1
                stack.append(j)
    unreachable = len(objs) - sum(reached)
    del objs, index, gc_refs, reached
    return unreachable


def main(argv):
    out_path, census_every, program = argv[1], int(argv[2]), argv[3]
    program = os.path.abspath(program)
    by_generation = {}
    log = []
    figures = {
        "version": "%d.%d.%d" % sys.version_info[:3],
        "release": sys.version.split()[0],
        "threshold": list(gc.get_threshold()),
        "collections": by_generation,
        "log": log,
        "explicit": 0,
        "collected": 0,
        "uncollectable": 0,
        "pauseCount": 0,
        "pauseSum": 0.0,
        "pauseMax": 0.0,
        "foundPeak": 0,
        "censusEvery": census_every,
        "censusCount": 0,
        "censusPeak": None,
        "censusSeconds": 0.0,
        "censusLast": None,
    }
    state = {"t0": 0.0, "n": 0, "explicit": False}

    def take_census():
        c0 = perf_counter()
        g = census()
        figures["censusLast"] = g
        figures["censusCount"] += 1
        peak = figures["censusPeak"]
        figures["censusPeak"] = g if peak is None or g > peak else peak
        figures["censusSeconds"] += perf_counter() - c0

    def callback(phase, info):
        if phase == "start":
            state["n"] += 1
            if census_every > 0 and state["n"] % census_every == 0:
                take_census()
            state["t0"] = perf_counter()
            return
        pause = perf_counter() - state["t0"]
        figures["pauseCount"] += 1
        figures["pauseSum"] += pause
        if pause > figures["pauseMax"]:
            figures["pauseMax"] = pause
        g = str(info["generation"])
        by_generation[g] = by_generation.get(g, 0) + 1
        found = info["collected"] + info["uncollectable"]
        figures["collected"] += info["collected"]
        figures["uncollectable"] += info["uncollectable"]
        if found > figures["foundPeak"]:
            figures["foundPeak"] = found
        if state["explicit"]:
            figures["explicit"] += 1
        log.append([info["generation"], info["collected"], info["uncollectable"], int(state["explicit"])])

    real_collect = gc.collect

    def collect(*args, **kwargs):
        """gc.collect, counted as an explicit collection (see gc_profile.py)."""
        state["explicit"] = True
        try:
            return real_collect(*args, **kwargs)
        finally:
            state["explicit"] = False

    sys.argv = [program] + argv[4:]
    sys.path[0] = os.path.dirname(program)
    status, error, namespace = 0, None, None
    gc.collect = collect
    gc.callbacks.append(callback)
    start = perf_counter()
    try:
        # Keep the program's namespace while the end is measured: its functions and module dict
        # form cycles that would otherwise count as garbage the program left.
        namespace = runpy.run_path(program, run_name="__main__")
    except SystemExit as e:
        if e.code is None or e.code == 0:
            status = 0
        elif isinstance(e.code, int):
            status, error = e.code, "SystemExit: %d" % e.code
        else:
            print(e.code, file=sys.stderr)
            status, error = 1, "SystemExit: %s" % e.code
    except BaseException as e:
        # The traceback as `python PROGRAM` prints it: from the program's first frame on.
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != program:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb or e.__traceback__)
        status, error = 1, "".join(traceback.format_exception_only(type(e), e)).strip()
    figures["wallSeconds"] = perf_counter() - start - figures["censusSeconds"]
    if census_every > 0:
        take_census()  # at the end: censusLast, to compare with leftAtEnd
    if callback in gc.callbacks:
        gc.callbacks.remove(callback)
    gc.collect = real_collect
    sys.stdout.flush()
    sys.stderr.flush()
    figures["leftAtEnd"] = real_collect()
    figures["peakAtLeast"] = max(figures["foundPeak"], figures["leftAtEnd"])
    del namespace
    figures["status"] = status
    figures["error"] = error
    with open(out_path, "w") as f:
        json.dump(figures, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
