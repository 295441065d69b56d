"""CPython's side of the test_gc differential (packages/experiments/test/test-gc/test-gc.test.ts).

Each case is a test of Lib/test/test_gc.py (CPython 3.11.7) written operation for operation as the
trace packages/generational/test/test-gc/CASE.trace does; it prints the trace's output lines:
`finalize N` from a __del__ (N: the trace's `finalizer` operation), `callback N` from a weak
reference callback (N: the `weakref` operation), `deref live|null`, `collected N` (gc.collect()),
`count C0 C1 C2`, `garbage N`, `tracked B`, `finalized B`.

    python3 test_gc_cases.py CASE
    python3 test_gc_cases.py CASE1 CASE2 ...

With several cases (one interpreter start for all: the pyodide builds of 3.12-3.15 take seconds to
start), each case's lines follow a line `== CASE`; before each case whatever start-up or the case
before left is dropped (its globals, gc.garbage, the debug flags, gc enabled again, then a full
collection), with the output of that clean-up discarded. A case the interpreter cannot run prints `unavailable REASON` instead (the
pyodide builds of 3.12 and 3.13 have no _testcapi, so no legacy finalizer, tp_del).
"""
import gc
import io
import sys
import weakref

try:
    import _testcapi
except ImportError:
    _testcapi = None


class O:
    """An object with reference fields f0..f3 (a trace `new ROOT N object`)."""

    __slots__ = ("f0", "f1", "f2", "f3", "__weakref__")


class F(O):
    """An object with __del__ (`finalizer ROOT [resurrect g:NAME]`)."""

    __slots__ = ("fid", "into")

    def __init__(self, fid, into=None):
        self.fid = fid
        self.into = into

    def __del__(self):
        print(f"finalize {self.fid}")
        if self.into is not None:
            globals()[self.into] = self


if _testcapi is not None:

    @_testcapi.with_tp_del
    class L(O):
        """An object with a legacy finalizer, tp_del (`finalizer ROOT legacy`)."""

        __slots__ = ("fid",)

        def __init__(self, fid):
            self.fid = fid

        def __tp_del__(self):
            print(f"finalize {self.fid}")


CALLBACK_IDS = {}  # id(weak reference) -> its `weakref` operation number (ints: an untracked dict)


def callback(wr):
    print(f"callback {CALLBACK_IDS[id(wr)]}")


def ref(obj, op):
    """`weakref ROOT SRC callback` at operation `op`."""
    wr = weakref.ref(obj, callback)
    CALLBACK_IDS[id(wr)] = op
    return wr


def deref(wr):
    obj = wr()
    print("deref live" if obj is not None else "deref null")
    return obj


def collect(generation=2):
    print(f"collected {gc.collect(generation)}")


def count():
    print("count %d %d %d" % gc.get_count())


def lower(b):
    return "true" if b else "false"


def case_legacy_finalizer():
    global a, b, w, obj
    gc.disable()
    a = L(2)
    a.f0 = a
    w = weakref.ref(a)
    b = O()
    b.f0 = b
    collect()
    del a
    del b
    collect()
    print(f"garbage {len(gc.garbage)}")
    obj = deref(w)
    del obj.f0
    gc.garbage.clear()
    del obj
    deref(w)
    print(f"garbage {len(gc.garbage)}")


def case_saveall():
    global L_
    gc.disable()
    L_ = []
    L_.append(L_)
    gc.set_debug(gc.DEBUG_SAVEALL)
    del L_
    collect()
    gc.set_debug(0)
    print(f"garbage {len(gc.garbage)}")
    gc.garbage.clear()
    collect()
    print(f"garbage {len(gc.garbage)}")


def case_del():
    global a
    gc.set_threshold(1)
    gc.enable()
    a = F(3)
    del a
    gc.disable()
    gc.set_threshold(700, 10, 10)


def case_is_finalized():
    global three, lazarus, storage
    three = 3
    print(f"finalized {lower(gc.is_finalized(three))}")
    lazarus = F(3, "storage")
    print(f"finalized {lower(gc.is_finalized(lazarus))}")
    del lazarus
    collect()
    print(f"finalized {lower(gc.is_finalized(storage))}")
    print(f"tracked {lower(gc.is_tracked(storage))}")
    print(f"tracked {lower(gc.is_tracked(three))}")


def case_resurrection_only_happens_once_per_object():
    global laz, saved
    gc.disable()
    laz = F(2, "saved")
    laz.f0 = laz
    del laz
    collect()
    del saved
    collect()


def case_resurrection_is_transitive():
    global laz, cargo, c, saved
    gc.disable()
    laz = F(2, "saved")
    cargo = O()
    cargo.f0 = cargo
    laz.f0 = cargo
    cargo.f1 = laz
    del laz
    del cargo
    collect()
    c = saved.f0
    print(f"tracked {lower(gc.is_tracked(c))}")
    del c
    del saved
    collect()


def case_resurrection_does_not_block_cleanup_of_other_objects():
    global r0, z1, z2
    gc.disable()
    for _ in range(3):
        r0 = O()
        r0.f0 = r0
        del r0
    collect()
    r0 = F(12, "z1")
    r0.f0 = r0
    del r0
    collect()
    for _ in range(3):
        r0 = O()
        r0.f0 = r0
        del r0
    r0 = F(26, "z2")
    r0.f0 = r0
    del r0
    collect()
    del z1
    del z2
    collect()


def case_bug1055820b():
    global Cs, WRs, r0, r1
    gc.disable()
    Cs = [None, None]
    r0 = O()
    r0.f0 = r0
    Cs[0] = r0
    r0 = O()
    r0.f0 = r0
    Cs[1] = r0
    del r0
    WRs = [None, None]
    r0 = Cs[0]
    r1 = ref(r0, 11)
    WRs[0] = r1
    r0 = Cs[1]
    r1 = ref(r0, 14)
    WRs[1] = r1
    del r0
    del r1
    collect()
    del Cs
    collect()
    r0 = WRs[0]
    r1 = deref(r0)
    r0 = WRs[1]
    r1 = deref(r0)


def case_bug1055820c():
    global c0, c1, c2, c2wr, c0wr
    gc.disable()
    c0 = O()
    c0.f0 = c0
    collect()
    c1 = O()
    c1.f0 = c1
    c1.f1 = c0
    del c0.f0
    c2 = O()
    c2.f0 = c2
    c2wr = weakref.ref(c2)
    c0wr = ref(c0, 11)
    del c0
    del c1
    del c2
    collect(0)
    deref(c2wr)
    deref(c0wr)


def case_bug1055820d():
    global d0, c1, c2, c2wr
    gc.disable()
    d0 = F(3)
    d0.f0 = d0
    collect()
    c1 = O()
    c1.f0 = c1
    c1.f1 = d0
    del d0.f0
    c2 = O()
    c2.f0 = c2
    c2wr = weakref.ref(c2)
    del d0
    del c1
    del c2
    collect(0)
    deref(c2wr)


def case_boom():
    global a, b
    gc.disable()
    a = O()
    b = O()
    a.f0 = b
    b.f0 = a
    collect()
    print(f"garbage {len(gc.garbage)}")
    del a
    del b
    collect()
    print(f"garbage {len(gc.garbage)}")


def case_get_count():
    global x
    gc.disable()
    collect()
    count()
    x = []
    count()


def case_trash_weakref():
    """handle_weakrefs: a weak reference that is garbage itself is cleared without its callback."""
    global a, wa, wb, keep
    gc.disable()
    a = O()
    a.f0 = a
    wa = ref(a, 3)
    a.f1 = wa
    keep = O()
    wb = ref(keep, 6)
    a.f2 = wb
    del wa
    del wb
    del a
    collect()
    print(f"garbage {len(gc.garbage)}")


def case_tracking():
    """test_is_tracked: a dict is untracked until it holds a tracked object; tuples untracked by a collection."""
    global d, t, s, l
    gc.disable()
    s = "atomic" + str(len(sys.argv))
    d = {}
    print(f"tracked {lower(gc.is_tracked(d))}")
    d["k"] = s
    print(f"tracked {lower(gc.is_tracked(d))}")
    l = []
    print(f"tracked {lower(gc.is_tracked(l))}")
    d["j"] = l
    print(f"tracked {lower(gc.is_tracked(d))}")
    t = (s, s)
    print(f"tracked {lower(gc.is_tracked(t))}")
    collect()
    print(f"tracked {lower(gc.is_tracked(t))}")
    del d["j"]
    collect()
    print(f"tracked {lower(gc.is_tracked(d))}")


NEEDS_TESTCAPI = {"legacy_finalizer"}


def run_cases(names):
    """Runs each case in turn, printing `== CASE` and its lines; cleans up before each case."""
    base = set(globals())
    out = sys.stdout
    for name in names:
        # Before each case (the first too: start-up may leave cyclic garbage), output discarded.
        sys.stdout = io.StringIO()
        try:
            for key in [k for k in globals() if k not in base]:
                del globals()[key]
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
            gc.collect()
            gc.garbage.clear()
            CALLBACK_IDS.clear()
        finally:
            sys.stdout = out
        print(f"== {name}")
        if name in NEEDS_TESTCAPI and _testcapi is None:
            print("unavailable no _testcapi (tp_del)")
            continue
        globals()["case_" + name]()


if __name__ == "__main__":
    if len(sys.argv) == 2:
        globals()["case_" + sys.argv[1]]()
    else:
        run_cases(sys.argv[1:])
