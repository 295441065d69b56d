"""The bodies of pyperformance's GC benchmarks, copied from their published sources (python/pyperformance,
pyperformance/data-files/benchmarks/bm_*/run_benchmark.py, at the commits named below) with only the
changes listed here. gclab's harness (pyperformance_gc.py) imports this module and runs each body
under gc.callbacks; gclab's workloads in packages/bench/src/workloads/pyperformance/ model the same
programs as heap operations.

Changes from the sources, all of them:
- `import pyperf` and the pyperf.Runner blocks (`if __name__ == "__main__":`) are left out, and so are
  the timed loops (`benchamark_collection`, `run_bench`, `run_once`, the `benchmark*` functions of
  bm_deepcopy): the harness runs the same steps between its own measurements (see each ITERATION note).
- Sizes that pyperformance fixes as module constants stay module constants here, with the source's
  value as the default, so the harness can scale them down (`NUM_NODES` of bm_btree,
  `NUM_RECURSE_LEVELS` of bm_async_tree, `N_LEVELS` of bm_gc_traversal).
- only bm_async_tree's gather variants are here; bm_btree keeps the methods its `--gc-only` path calls (the iteration,
  search and counting methods of BNode and BTree are left out); bm_deepcopy's data and loop body are
  wrapped in two functions (`deepcopy_data`, `deepcopy_iteration`) without the timer calls.
"""

import asyncio
import copy
import gc
import math
import random
import sys
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------------------
# bm_gc_collect/run_benchmark.py at d5c8e422864540ed2459ec4d43f7c7257e3387d1 (2022-12-03).
# ITERATION (benchamark_collection): gc.collect(); all_cycles = create_gc_cycles(CYCLES, LINKS);
# del all_cycles; gc.collect() (the timed collection).

CYCLES = 100
LINKS = 20


class Node:
    def __init__(self):
        self.next = None
        self.prev = None

    def link_next(self, next):
        self.next = next
        self.next.prev = self


def create_cycle(node, n_links):
    """Create a cycle of n_links nodes, starting with node."""

    if n_links == 0:
        return

    current = node
    for i in range(n_links):
        next_node = Node()
        current.link_next(next_node)
        current = next_node

    current.link_next(node)


def create_gc_cycles(n_cycles, n_links):
    """Create n_cycles cycles n_links+1 nodes each."""

    cycles = []
    for _ in range(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


# ---------------------------------------------------------------------------------------------------
# bm_gc_traversal/run_benchmark.py at d5c8e422864540ed2459ec4d43f7c7257e3387d1 (2022-12-03).
# SETUP: all_cycles = create_recursive_containers(N_LEVELS).
# ITERATION (benchamark_collection): gc.collect(); gc.collect() (the timed one, which collects 0).

N_LEVELS = 1000


def create_recursive_containers(n_levels):

    current_list = []
    for n in range(n_levels):
        new_list = [None] * n
        for index in range(n):
            new_list[index] = current_list
        current_list = new_list

    return current_list


# ---------------------------------------------------------------------------------------------------
# bm_btree/run_benchmark.py at cd861dc0d562f912934974a1aa268fcf544cac72 (2026-04-23), the `--gc-only`
# variant (benchmark btree_gc, bm_btree_gc_only.toml).
# SETUP (run_bench): records = list(make_records(NUM_NODES)).
# ITERATION (run_once with gc_only): random.seed(RANDOM_SEED); obj = make_tree(NUM_NODES, records);
# gc.collect() (the timed one); obj is dropped when run_once returns.

NUM_NODES = 200_000
RECREATE_FRACTION = 0.2
RANDOM_SEED = 0


class BNode:
    """
    Instance attributes:
      items: list
      nodes: [BNode]
    """

    __slots__ = ['items', 'nodes']

    minimum_degree = 16  # a.k.a. t

    def __init__(self):
        self.items = []
        self.nodes = None

    def is_leaf(self):
        return self.nodes is None

    def is_full(self):
        return len(self.items) == 2 * self.minimum_degree - 1

    def get_position(self, key):
        for position, item in enumerate(self.items):
            if item[0] >= key:
                return position
        return len(self.items)

    def insert_item(self, item):
        """(item:(key:anything, value:anything))"""
        assert not self.is_full()
        key = item[0]
        position = self.get_position(key)
        if position < len(self.items) and self.items[position][0] == key:
            self.items[position] = item
        elif self.is_leaf():
            self.items.insert(position, item)
        else:
            child = self.nodes[position]
            if child.is_full():
                self.split_child(position, child)
                if key == self.items[position][0]:
                    self.items[position] = item
                else:
                    if key > self.items[position][0]:
                        position += 1
                    self.nodes[position].insert_item(item)
            else:
                self.nodes[position].insert_item(item)

    def split_child(self, position, child):
        """(position:int, child:BNode)"""
        assert not self.is_full()
        assert not self.is_leaf()
        assert self.nodes[position] is child
        assert child.is_full()
        bigger = self.__class__()
        middle = self.minimum_degree - 1
        splitting_key = child.items[middle]
        bigger.items = child.items[middle + 1 :]
        child.items = child.items[:middle]
        assert len(bigger.items) == len(child.items)
        if not child.is_leaf():
            bigger.nodes = child.nodes[middle + 1 :]
            child.nodes = child.nodes[: middle + 1]
            assert len(bigger.nodes) == len(child.nodes)
        self.items.insert(position, splitting_key)
        self.nodes.insert(position + 1, bigger)

    def get_min_item(self):
        if self.is_leaf():
            return self.items[0]
        else:
            return self.nodes[0].get_min_item()

    def get_max_item(self):
        if self.is_leaf():
            return self.items[-1]
        else:
            return self.nodes[-1].get_max_item()

    def delete(self, key):
        """(key:anything)
        Delete the item with this key.
        This is intended to follow the description in 19.3 of
        'Introduction to Algorithms' by Cormen, Lieserson, and Rivest.
        """

        def is_big(node):
            # Precondition for recursively calling node.delete(key).
            return node and len(node.items) >= node.minimum_degree

        p = self.get_position(key)
        matches = p < len(self.items) and self.items[p][0] == key
        if self.is_leaf():
            if matches:
                # Case 1.
                del self.items[p]
            else:
                raise KeyError(key)
        else:
            node = self.nodes[p]
            lower_sibling = p > 0 and self.nodes[p - 1]
            upper_sibling = p < len(self.nodes) - 1 and self.nodes[p + 1]
            if matches:
                # Case 2.
                if is_big(node):
                    # Case 2a.
                    extreme = node.get_max_item()
                    node.delete(extreme[0])
                    self.items[p] = extreme
                elif is_big(upper_sibling):
                    # Case 2b.
                    extreme = upper_sibling.get_min_item()
                    upper_sibling.delete(extreme[0])
                    self.items[p] = extreme
                else:
                    # Case 2c.
                    extreme = upper_sibling.get_min_item()
                    upper_sibling.delete(extreme[0])
                    node.items = node.items + [extreme] + upper_sibling.items
                    if not node.is_leaf():
                        node.nodes = node.nodes + upper_sibling.nodes
                    del self.items[p]
                    del self.nodes[p + 1]
            else:
                if not is_big(node):
                    if is_big(lower_sibling):
                        # Case 3a1: Shift an item from lower_sibling.
                        node.items.insert(0, self.items[p - 1])
                        self.items[p - 1] = lower_sibling.items[-1]
                        del lower_sibling.items[-1]
                        if not node.is_leaf():
                            node.nodes.insert(0, lower_sibling.nodes[-1])
                            del lower_sibling.nodes[-1]
                    elif is_big(upper_sibling):
                        # Case 3a2: Shift an item from upper_sibling.
                        node.items.append(self.items[p])
                        self.items[p] = upper_sibling.items[0]
                        del upper_sibling.items[0]
                        if not node.is_leaf():
                            node.nodes.append(upper_sibling.nodes[0])
                            del upper_sibling.nodes[0]
                    elif lower_sibling:
                        # Case 3b1: Merge with lower_sibling
                        node.items = (
                            lower_sibling.items
                            + [self.items[p - 1]]
                            + node.items
                        )
                        if not node.is_leaf():
                            node.nodes = lower_sibling.nodes + node.nodes
                        del self.items[p - 1]
                        del self.nodes[p - 1]
                    else:
                        # Case 3b2: Merge with upper_sibling
                        node.items = (
                            node.items + [self.items[p]] + upper_sibling.items
                        )
                        if not node.is_leaf():
                            node.nodes = node.nodes + upper_sibling.nodes
                        del self.items[p]
                        del self.nodes[p + 1]
                assert is_big(node)
                node.delete(key)
            if not self.items:
                # This can happen when self is the root node.
                self.items = self.nodes[0].items
                self.nodes = self.nodes[0].nodes


class BTree:
    """
    Instance attributes:
      root: BNode
    """

    __slots__ = ['root']

    def __init__(self):
        self.root = BNode()

    def __setitem__(self, key, value):
        self.add(key, value)

    def __delitem__(self, key):
        self.root.delete(key)

    def add(self, key, value=True):
        """(key:anything, value:anything=True)
        Make self[key] == val.
        """
        if self.root.is_full():
            # replace and split.
            node = self.root.__class__()
            node.nodes = [self.root]
            node.split_child(0, node.nodes[0])
            self.root = node
        self.root.insert_item((key, value))


class Record:
    def __init__(self, a, b, c, d, e, f):
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.e = e
        self.f = f


def make_records(num_nodes):
    rnd = random.Random(RANDOM_SEED)
    for node_id in range(num_nodes):
        a = node_id
        b = f'node {node_id}'
        c = rnd.randbytes(node_id % 100)
        d = rnd.random()
        e = sys.intern(str(rnd.randint(0, 30)))
        f = rnd.choice([None, True, False])
        yield Record(a, b, c, d, e, f)


def make_tree(num_nodes, records):
    ids = list(range(num_nodes))
    # Create the tree with randomized key order.
    random.shuffle(ids)

    tree = BTree()
    for node_id in ids:
        tree[node_id] = records[node_id]

    if RECREATE_FRACTION > 0:
        # Re-create part of the tree.  This can cause objects in memory
        # to become more fragmented or shuffled since they are not allocated
        # in sequence.  Since we created nodes with keys in random order, we
        # can delete the lowest numbered ones and re-make those.
        remake_ids = range(int(num_nodes * RECREATE_FRACTION))
        for node_id in remake_ids:
            del tree[node_id]
        for node_id in remake_ids:
            tree[node_id] = records[node_id]

    return tree


# ---------------------------------------------------------------------------------------------------
# bm_async_tree/run_benchmark.py at 07298dac6a95e85d21c49813a7d78ca0e16617e7 (2024-10-15), the four
# gather variants none, io, memoization and cpu_io_mixed (not eager, not task groups).
# SETUP: async_tree = BENCHMARKS[variant]() (seeds the global random).
# ITERATION (runner.bench_async_func): loop.run_until_complete(async_tree.run()), every iteration in
# the same event loop (the harness's event_loop()).

NUM_RECURSE_LEVELS = 6
NUM_RECURSE_BRANCHES = 6
IO_SLEEP_TIME = 0.05
MEMOIZABLE_PERCENTAGE = 90
CPU_PROBABILITY = 0.5
FACTORIAL_N = 500


class AsyncTree:
    def __init__(self, use_task_groups=False):
        self.cache = {}
        self.use_task_groups = use_task_groups
        # set to deterministic random, so that the results are reproducible
        random.seed(RANDOM_SEED)

    async def mock_io_call(self):
        await asyncio.sleep(IO_SLEEP_TIME)

    async def workload_func(self):
        raise NotImplementedError(
            "To be implemented by each variant's derived class."
        )

    async def recurse_with_gather(self, recurse_level):
        if recurse_level == 0:
            await self.workload_func()
            return

        await asyncio.gather(
            *[self.recurse_with_gather(recurse_level - 1)
              for _ in range(NUM_RECURSE_BRANCHES)]
        )

    async def run(self):
        await self.recurse_with_gather(NUM_RECURSE_LEVELS)


class NoneAsyncTree(AsyncTree):
    async def workload_func(self):
        return


class IOAsyncTree(AsyncTree):
    async def workload_func(self):
        await self.mock_io_call()


class MemoizationAsyncTree(AsyncTree):
    async def workload_func(self):
        # deterministic random, seed set in AsyncTree.__init__()
        data = random.randint(1, 100)

        if data <= MEMOIZABLE_PERCENTAGE:
            if self.cache.get(data):
                return data

            self.cache[data] = True

        await self.mock_io_call()
        return data


class CpuIoMixedAsyncTree(MemoizationAsyncTree):
    async def workload_func(self):
        # deterministic random, seed set in AsyncTree.__init__()
        if random.random() < CPU_PROBABILITY:
            # mock cpu-bound call
            return math.factorial(FACTORIAL_N)
        else:
            return await MemoizationAsyncTree.workload_func(self)


ASYNC_TREES = {
    "none": NoneAsyncTree,
    "io": IOAsyncTree,
    "memoization": MemoizationAsyncTree,
    "cpu_io_mixed": CpuIoMixedAsyncTree,
}


# ---------------------------------------------------------------------------------------------------
# bm_deepcopy/run_benchmark.py at 259edeed995fdad44c4f35f0945d68ec933eb763 (2022-06-07), the
# `deepcopy` benchmark (`benchmark(n)`), its data and loop; the timer calls are left out.
# ITERATION: deepcopy_iteration(a, dc), the body of `for ii in range(n)` for one ii.


@dataclass
class A:
    string: str
    lst: list
    boolean: bool


def deepcopy_data():
    a = {
        'list': [1, 2, 3, 43],
        't': (1 ,2, 3),
        'str': 'hello',
        'subdict': {'a': True}
    }
    dc = A('hello', [1, 2, 3], True)
    return a, dc


def deepcopy_iteration(a, dc):
    for jj in range(30):
        _ = copy.deepcopy(a)
    for s in ['red', 'blue', 'green']:
        dc.string = s
        for kk in range(5):
            dc.lst[0] = kk
            for b in [True, False]:
                dc.boolean = b
                _ = copy.deepcopy(dc)
