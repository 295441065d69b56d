#!/usr/bin/env python3
"""Measure CPython's obmalloc (pymalloc) for gclab's differential test.

Allocates COUNT blocks of SIZE request bytes (as `bytes` objects, whose request to PyObject_Malloc is
33 + len bytes and which are not GC-tracked), frees every other one, then frees the rest, and after
each phase reads sys._debugmallocstats() (printed by C code to file descriptor 2, captured here
through a temporary file). Prints one JSON object on stdout:

  {"python": "3.11.7", "size": 416, "count": 100000, "sizeClass": 25,
   "phases": [{"name": "baseline"|"allocated"|"freed-half"|"freed-all",
               "sizeClasses": [{"sizeClass", "size", "pools", "blocksInUse", "availBlocks"} x 32],
               "arenasAllocatedTotal", "arenasReclaimed", "arenasHighwater", "arenasAllocatedCurrent"}]}

Usage: python3 cpython-mallocstats.py [--count N] [--size BYTES]   (SIZE from 35 to 512)
"""
import argparse
import json
import os
import re
import sys
import tempfile

BYTES_HEADER = 33  # sys.getsizeof(b"") on 64-bit CPython: PyBytesObject_SIZE
ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
FIGURE = re.compile(r"^# (arenas [a-z ]+?)\s*=\s*([\d,]+)\s*$")
FIGURE_KEYS = {
    "arenas allocated total": "arenasAllocatedTotal",
    "arenas reclaimed": "arenasReclaimed",
    "arenas highwater mark": "arenasHighwater",
    "arenas allocated current": "arenasAllocatedCurrent",
}


def debug_malloc_stats():
    """Returns the text sys._debugmallocstats() writes to file descriptor 2."""
    sys.stderr.flush()
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(2)
        try:
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        return tmp.read().decode("ascii", "replace")


def parse(text, name):
    classes = [
        {"sizeClass": i, "size": 16 * (i + 1), "pools": 0, "blocksInUse": 0, "availBlocks": 0}
        for i in range(32)
    ]
    phase = {"name": name, "sizeClasses": classes}
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            i, size, pools, used, avail = (int(g) for g in m.groups())
            if i < 32 and size == 16 * (i + 1):
                classes[i].update(pools=pools, blocksInUse=used, availBlocks=avail)
            continue
        m = FIGURE.match(line)
        if m and m.group(1) in FIGURE_KEYS:
            phase[FIGURE_KEYS[m.group(1)]] = int(m.group(2).replace(",", ""))
    missing = [k for k in FIGURE_KEYS.values() if k not in phase]
    if missing:
        raise SystemExit(f"cpython-mallocstats: could not parse {missing} from sys._debugmallocstats()")
    return phase


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=416, help="request bytes, 35..512")
    args = parser.parse_args()
    if not 35 <= args.size <= 512:
        raise SystemExit("cpython-mallocstats: --size must be from 35 to 512")
    if args.count < 1:
        raise SystemExit("cpython-mallocstats: --count must be positive")
    length = args.size - BYTES_HEADER
    if sys.getsizeof(bytes(length)) != args.size:
        raise SystemExit("cpython-mallocstats: unexpected bytes object layout on this interpreter")

    keep = [None] * args.count  # one large allocation (malloc, not pymalloc), made before the baseline
    phases = [parse(debug_malloc_stats(), "baseline")]
    for i in range(args.count):
        keep[i] = bytes(length)
    phases.append(parse(debug_malloc_stats(), "allocated"))
    for i in range(0, args.count, 2):
        keep[i] = None
    phases.append(parse(debug_malloc_stats(), "freed-half"))
    for i in range(1, args.count, 2):
        keep[i] = None
    phases.append(parse(debug_malloc_stats(), "freed-all"))
    json.dump(
        {
            "python": "%d.%d.%d" % sys.version_info[:3],
            "size": args.size,
            "count": args.count,
            "sizeClass": (args.size - 1) >> 4,
            "phases": phases,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
