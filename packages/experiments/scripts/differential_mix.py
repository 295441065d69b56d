"""The differential mix on a real CPython: the Python side of gclab's differential tests.

Usage: python3 differential_mix.py SEED STEPS [LONG_LIVED [VERSION]]

VERSION (default 3.11) is the CPython `major.minor` the caller expects to be running. From 3.12 on a
collection no longer runs inside the allocation that crosses threshold 0: the allocation schedules it
and the eval breaker runs it, at the RESUME of `Node.__init__`, right after the allocation. gclab's
trace has a `safepoint` after each `new` for it (runMix's `safepoints` option), so with VERSION >= 3.12
the operation indexes count those safepoints and a collection is logged at the safepoint's index.
`R[i] = N()` is then four operations, `new t; safepoint; set R[i] t; del t`: the collection runs
inside the call, before the store releases what R[i] held.

Performs the seeded mix of packages/experiments/src/differential-mix/differential-mix.ts (same
MT19937 words, same decoding, same operations) on __slots__ instances with one reference field,
after gc.freeze(), and records every collection through gc.callbacks into a preallocated list. Prints one line per
collection, `OPINDEX GENERATION COLLECTED UNCOLLECTABLE` (OPINDEX = the index of the gclab trace
operation during which the collection ran), then `count C0 C1 C2` (gc.get_count() at the end), and
on stderr `seconds S`, the wall time of the operations alone, and `frozen N`, gc.get_freeze_count()
after gc.freeze() (the interpreter's tracked objects and the script's: 3.14's heap_size counts them).

Noise-proofing (each is needed for the counts to be exact):
- inside the loop only Node instances are allocated: lists, dicts, tuples and bound methods would
  be containers too, and some come from free lists that bypass count0;
- the log is preallocated and the callback stores ints only;
- everything the script needs exists before gc.freeze(), and the first collection is the explicit
  gc.collect() of op 0, which gclab's trace starts with; with the callback registered it leaves
  count0 at 1 (the 'stop' info dict after a full collection), as gclab models.
"""

import array
import gc
import random
import sys
import time


class Node:
    __slots__ = ("ref",)

    def __init__(self):
        self.ref = None


WEIGHTS = (40, 30, 25, 35, 15, 30, 15, 10, 25, 15, 16)
KIND_OF = bytes(k for k, w in enumerate(WEIGHTS) for _ in range(w))
assert len(KIND_OF) == 256

cur = 0  # gclab op index of the operation running now (read by the callback)
n_log = 0
LOG = None


def callback(phase, info):
    global n_log
    if phase == "stop":
        i = n_log
        LOG[i] = cur
        LOG[i + 1] = info["generation"]
        LOG[i + 2] = info["collected"]
        LOG[i + 3] = info["uncollectable"]
        n_log = i + 4


def run(words, steps, long_lived, R, sp):
    """Runs the mix; returns (gc.get_count() at the end, seconds spent, log entries of the mix).

    sp is 1 when each allocation is followed by a safepoint operation (VERSION >= 3.12), else 0.
    """
    global cur
    N = Node
    kinds = KIND_OF
    t = a = b = H = None
    # Operations of each step kind, and the offset of the second allocation of a two-object step.
    # With safepoints, keep is `new t; safepoint; set R[i] t; del t`: the collection runs in
    # __init__, before the store releases R[i]'s old object.
    keep, temporary, chain = 1 + 3 * sp, 2 + sp, 4 + sp
    cycle_kept, self_kept, cyclic, self_garbage = 7 + 2 * sp, 4 + sp, 6 + 2 * sp, 3 + sp
    second = 1 + sp
    started = time.perf_counter()
    cur = 0
    gc.collect()  # op 0: `gc`
    base = 1
    for _ in range(long_lived):
        cur = base + sp
        t = N()
        t.ref = H
        H = t
        t = None
        base += chain
    for s in range(steps):
        w = words[s]
        i = (w >> 8) & 63
        j = (w >> 14) & 63
        k = kinds[w & 255]
        if k == 0:  # keep
            cur = base + sp
            R[i] = N()
            base += keep
        elif k == 1:  # temporary
            cur = base + sp
            N()
            base += temporary
        elif k == 2:  # drop
            R[i] = None
            base += 1
        elif k == 3:  # link
            if R[i] is not None:
                R[i].ref = R[j]
                base += 1
        elif k == 4:  # copy
            R[i] = R[j]
            base += 1
        elif k == 5:  # chain
            cur = base + sp
            t = N()
            t.ref = R[i]
            R[i] = t
            t = None
            base += chain
        elif k == 6:  # cycle kept
            cur = base + sp
            a = N()
            cur = base + second + sp
            b = N()
            a.ref = b
            b.ref = a
            R[i] = a
            a = None
            b = None
            base += cycle_kept
        elif k == 7:  # self-cycle kept
            cur = base + sp
            t = N()
            t.ref = t
            R[i] = t
            t = None
            base += self_kept
        elif k == 8:  # cyclic garbage
            cur = base + sp
            a = N()
            cur = base + second + sp
            b = N()
            a.ref = b
            b.ref = a
            a = None
            b = None
            base += cyclic
        elif k == 9:  # self-cycle garbage
            cur = base + sp
            t = N()
            t.ref = t
            t = None
            base += self_garbage
        else:  # load
            if R[i] is not None:
                R[j] = R[i].ref
                base += 1
    elapsed = time.perf_counter() - started
    # Read the counts and the log length before anything else runs: building the tuples returned
    # here allocates containers that may trigger one more collection, which is not part of the mix
    # (and H's chain is released when this frame ends).
    logged = n_log
    count = gc.get_count()
    # Release the long-lived chain link by link: freed recursively when this frame ends, 200,000
    # objects overflow the WebAssembly stack of the pyodide builds.
    while H is not None:
        t = H.ref
        H.ref = None
        H = t
    return count, elapsed, logged


def main():
    global LOG
    seed = int(sys.argv[1])
    steps = int(sys.argv[2])
    long_lived = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    version = tuple(int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "3.11").split("."))
    if sys.version_info[:2] != version:
        sys.exit(f"differential_mix.py was asked for CPython {version}, this is {sys.version.split()[0]}")
    sp = 1 if version >= (3, 12) else 0
    words = array.array("I", random.Random(seed).randbytes(4 * steps))
    if sys.byteorder != "little":
        words.byteswap()
    # At most one collection per 700 net container allocations (plus the explicit one).
    LOG = [0] * (4 * ((2 * steps + long_lived) // 700 + 16))
    roots = [None] * 64
    gc.callbacks.append(callback)
    gc.freeze()
    frozen = gc.get_freeze_count()
    count, elapsed, logged = run(words, steps, long_lived, roots, sp)
    gc.callbacks.remove(callback)
    out = [f"{LOG[k]} {LOG[k + 1]} {LOG[k + 2]} {LOG[k + 3]}" for k in range(0, logged, 4)]
    out.append(f"count {count[0]} {count[1]} {count[2]}")
    sys.stdout.write("\n".join(out) + "\n")
    sys.stderr.write(f"seconds {elapsed:.6f}\nfrozen {frozen}\n")


if __name__ == "__main__":
    main()
