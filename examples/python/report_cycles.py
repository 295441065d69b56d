"""How much cyclic garbage waits to be collected: a reproducer after python/cpython#142001.

    python report_cycles.py [CYCLES] [LIVE]

Neil Schemenauer's gc_report_cycles.py (attached to https://github.com/python/cpython/pull/142001,
"Revert GC changes to work_to_do logic") creates many reference cycles and counts how many have not
been collected yet; at the end it prints the largest number of garbage objects outstanding at once.
He reported a maximum below 100 with 3.13 (generational collector), about 2,000 with 3.14.0 and
10,000 with the 3.14 branch of the time (the incremental collector after gh-140262). This program
is our own code following that description (the attachment itself is not in our corpora): each
cycle is two Node objects pointing at each other; Node.__del__ counts the frees, so the outstanding
garbage after each new cycle is made - freed (in objects), and its largest value is printed.
LIVE objects are kept alive in a list first, so the old generation is not empty (default 10,000).
"""
import sys

CYCLES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
LIVE = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000

freed = 0


class Node:
    __slots__ = ("other", "__weakref__")

    def __del__(self):
        global freed
        freed += 1


def main():
    live = [[i] for i in range(LIVE)]
    made = 0
    peak = 0
    for _ in range(CYCLES):
        a = Node()
        b = Node()
        a.other = b
        b.other = a
        del a, b
        made += 2
        outstanding = made - freed
        if outstanding > peak:
            peak = outstanding
    print(f"cycles {CYCLES:,}  live {len(live):,}  objects made {made:,}  freed {freed:,}")
    print(f"max outstanding garbage objects: {peak:,}")


main()
