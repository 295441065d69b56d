"""Cyclic garbage that outlives the young generation: the closest reproducer we can write for
faster-cpython/ideas#668.

    python old_cycles.py [DATA_SIZE] [ROUNDS]

faster-cpython/ideas#668 ("Investigation: Why do some benchmarks have significantly increased memory
usage with the new incremental GC?", https://github.com/faster-cpython/ideas/issues/668) measured
peak memory against a data size, incremental collector against the legacy generational one, e.g.
8: 187 MB vs 139 MB, 16: 244 vs 193, 32: 435 vs 270 (Michael Droettboom, 2024-03-28): growth stays
linear but steeper. The benchmark program of that thread is not in our corpora. This one follows the
linked-list program Mark Shannon posted on python/cpython#108038 (the first incremental collector)
to show garbage the young collections cannot free: a long-lived doubly linked list of
1,000 x DATA_SIZE nodes, then ROUNDS new lists of 500 x DATA_SIZE nodes, each pointing at the old
one and dropped when the next is made. Each dropped list is one cycle that outlived the young
collections run while it was built (from DATA_SIZE 4 on it is bigger than threshold0 itself), so it
waits for an old-generation collection or an increment. We cannot read the process's
memory in WebAssembly, so instead of megabytes it prints the most garbage objects outstanding at
once, exactly: LinkedList.__del__ counts the frees, garbage = made - freed - live, and garbage only
grows when a list is dropped (at a round boundary), so sampling there finds the peak.
"""
import sys

freed = 0


class LinkedList:
    def __init__(self, next=None, prev=None):
        self.next = next
        if next is not None:
            next.prev = self
        self.prev = prev
        if prev is not None:
            prev.next = self

    def __del__(self):
        global freed
        freed += 1


def make_ll(depth):
    head = LinkedList()
    for _ in range(depth):
        head = LinkedList(head, head.prev)
    return head


DATA_SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 8
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
OLD = 1_000 * DATA_SIZE
NEW = 500 * DATA_SIZE

head = make_ll(OLD)
made = OLD + 1
peak = 0
newhead = None
for _ in range(ROUNDS):
    newhead = make_ll(NEW)
    newhead.surprise = head
    made += NEW + 1
    garbage = made - freed - (OLD + 1) - (NEW + 1)
    if garbage > peak:
        peak = garbage
print(f"data size {DATA_SIZE}  rounds {ROUNDS}  list nodes {OLD:,} + {ROUNDS} x {NEW:,}")
print(f"max outstanding garbage objects: {peak:,}  ({peak / (NEW + 1):.1f} dropped lists)")
