"""Writes a CPython heap snapshot in gclab's format (gclab-python-heap 1), after running a program.

Usage: python3 heap_snapshot.py PROGRAM OUT [SCALE]
(or under CPython 3.12-3.15 in WebAssembly: node run-pyodide.mjs VERSION heap_snapshot.py ..., with
OUT's directory in GCLAB_PYODIDE_MOUNTS)

PROGRAM is what runs before the snapshot, its result kept alive in a global:
  json-loads     json.loads of a generated document (SCALE records, default 20000)
  ast-parse      ast.parse of a large standard-library module, SCALE times (default 1): _pydecimal.py,
                 or inspect.py where there is no _pydecimal source (the WebAssembly interpreters)
  stdlib-import  an import of a wide slice of the standard library
  none           nothing: the interpreter's own heap
  FILE.py        a program of yours, run as __main__ (its globals are kept for the snapshot)

The snapshot holds every object reachable from gc.get_objects() through gc.get_referents()
(container objects the collector tracks, and the untracked objects they refer to: strings, ints,
...), each with its type name and sys.getsizeof. An object is a root when something outside the
snapshot's graph refers to it, found the way gcmodule.c's subtract_refs finds it: its reference
count minus the references from inside the graph is above zero (the references this script holds
itself are subtracted first, measured on an object only the script holds).

Format (text, one record a line, fields separated by one space):
  gclab-python-heap 1
  # comment lines (the program, the interpreter)
  objects N edges M types T
  type NAME                       T lines, type ids 0..T-1 in order
  TYPE SIZE ROOT REF REF ...      N lines, object ids 0..N-1 in order; REF are object ids
"""

import gc
import sys

RESULT = None


PARSED = None


def run_program(program, scale):
    global RESULT
    if program == "json-loads":
        import json

        records = scale if scale is not None else 20000
        doc = {
            "records": [
                {
                    "id": i,
                    "name": "item-%d" % i,
                    "tags": ["t%d" % (i % 7), "t%d" % (i % 11)],
                    "score": (i * 7919) % 1000 / 10.0,
                    "parent": {"id": i // 10, "kind": "group"},
                }
                for i in range(records)
            ]
        }
        text = json.dumps(doc)
        del doc
        RESULT = json.loads(text)
    elif program == "ast-parse":
        import ast
        import importlib.util

        global PARSED
        # Through the module's loader, not open(): the WebAssembly interpreters keep the standard
        # library in a zip archive, and ship no _pydecimal (they have the C decimal only); there the
        # largest module they do ship as source, inspect, is parsed. The snapshot names the module.
        source = None
        for PARSED in ("_pydecimal", "inspect"):
            spec = importlib.util.find_spec(PARSED)
            source = spec.loader.get_source(PARSED) if spec is not None else None
            if source is not None:
                break
        if source is None:
            sys.exit("heap_snapshot.py: ast-parse: neither _pydecimal nor inspect has its source here")
        path = spec.origin
        spec = None
        RESULT = [ast.parse(source, path) for _ in range(scale if scale is not None else 1)]
    elif program == "stdlib-import":
        import importlib

        names = [
            "argparse", "ast", "asyncio", "base64", "bisect", "calendar", "collections", "concurrent.futures",
            "configparser", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib",
            "email", "email.mime.text", "enum", "fractions", "functools", "gettext", "glob", "gzip", "hashlib",
            "heapq", "hmac", "html", "html.parser", "http", "http.client", "http.server", "imaplib", "inspect",
            "io", "ipaddress", "itertools", "json", "locale", "logging", "logging.handlers", "lzma", "mailbox",
            "mimetypes", "multiprocessing", "numbers", "operator", "optparse", "pathlib", "pickle", "pkgutil",
            "platform", "plistlib", "pprint", "queue", "random", "re", "secrets", "selectors", "shelve",
            "shlex", "shutil", "signal", "smtplib", "socket", "socketserver", "sqlite3", "ssl", "statistics",
            "string", "struct", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "timeit",
            "tokenize", "traceback", "typing", "unittest", "unittest.mock", "urllib.parse", "urllib.request",
            "uuid", "warnings", "weakref", "xml.dom.minidom", "xml.etree.ElementTree", "xmlrpc.client",
            "zipfile", "zoneinfo", "pydoc", "doctest", "difflib", "pdb", "cProfile", "trace", "turtle",
        ]
        loaded = []
        for name in names:
            try:
                loaded.append(importlib.import_module(name))
            except ImportError:
                pass
        RESULT = loaded
    elif program.endswith(".py"):
        import os
        import runpy

        # A program of the user's: run as __main__ with its own directory first on sys.path; its
        # globals stay alive (as a script's do until the interpreter exits) for the snapshot.
        if not os.path.isfile(program):
            sys.exit("heap_snapshot.py: no such program file: %s" % program)
        sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
        saved_argv = sys.argv
        sys.argv = [program]
        try:
            RESULT = runpy.run_path(program, run_name="__main__")
        finally:
            sys.argv = saved_argv
    elif program != "none":
        sys.exit(
            "heap_snapshot.py: unknown program %r (json-loads, ast-parse, stdlib-import, none, or FILE.py)" % program
        )


def count_at(objs, i):
    """sys.getrefcount of objs[i]: counts the list's reference, the local `o` and the argument."""
    o = objs[i]
    return sys.getrefcount(o)


def script_references():
    """References `count_at` itself sees to an object that only its list holds."""
    return count_at([object()], 0)


def snapshot(out_path, program):
    gc.collect()
    gc.disable()
    objs = gc.get_objects()
    index = {}
    for i in range(len(objs)):
        index[id(objs[i])] = i
    # Breadth-first closure through get_referents: untracked referents join the list as found.
    edges = []
    i = 0
    while i < len(objs):
        refs = []
        for r in gc.get_referents(objs[i]):
            j = index.get(id(r))
            if j is None:
                j = len(objs)
                index[id(r)] = j
                objs.append(r)
            refs.append(j)
        edges.append(refs)
        i += 1
    r = refs = None
    incoming = [0] * len(objs)
    for refs in edges:
        for j in refs:
            incoming[j] += 1
    held = script_references()
    types = {}
    type_names = []
    rows = []
    n_edges = 0
    for i in range(len(objs)):
        t = type(objs[i])
        tid = types.get(id(t))
        if tid is None:
            tid = len(type_names)
            types[id(t)] = tid
            name = t.__qualname__ if isinstance(t.__qualname__, str) else t.__name__
            module = t.__module__ if isinstance(t.__module__, str) else "builtins"
            type_names.append(name if module == "builtins" else "%s.%s" % (module, name))
        try:
            size = sys.getsizeof(objs[i])
        except TypeError:
            size = 0
        external = count_at(objs, i) - held - incoming[i]
        refs = edges[i]
        n_edges += len(refs)
        rows.append("%d %d %d%s%s\n" % (tid, size, 1 if external > 0 else 0, " " if refs else "", " ".join(map(str, refs))))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("gclab-python-heap 1\n")
        f.write("# program: %s\n" % (program if PARSED is None else "%s of %s.py" % (program, PARSED)))
        f.write("# python: %s %s\n" % (sys.implementation.name, sys.version.split()[0]))
        f.write("objects %d edges %d types %d\n" % (len(objs), n_edges, len(type_names)))
        for name in type_names:
            f.write("type %s\n" % name.replace("\n", " "))
        f.writelines(rows)
    gc.enable()
    return len(objs), n_edges


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    program, out_path = sys.argv[1], sys.argv[2]
    scale = int(sys.argv[3]) if len(sys.argv) == 4 else None
    run_program(program, scale)
    n, m = snapshot(out_path, program)
    print("objects %d edges %d" % (n, m))


if __name__ == "__main__":
    main()
