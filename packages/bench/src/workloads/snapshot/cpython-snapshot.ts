/**
 * Reads a CPython heap snapshot, gclab's own format written by
 * `packages/experiments/scripts/heap_snapshot.py` inside a real CPython, into a `HeapGraph`, streamed
 * a byte at a time (bounded memory whatever the file's size):
 *
 * ```
 * gclab-python-heap 1
 * # program: json-loads                      comment lines
 * objects N edges M types T
 * type NAME                                  T lines: type ids 0..T-1
 * TYPE SIZE ROOT REF REF ...                 N lines: object ids 0..N-1, REF an object id
 * ```
 *
 * An object's pointer fields are what `gc.get_referents()` returned for it; its size is
 * `sys.getsizeof`; types are named `module.qualname` (`builtins` left out), and classes of the same
 * name share a type; ROOT is 1 when its reference count exceeds the references found inside the graph
 * (gcmodule.c's `subtract_refs`: something outside the tracked graph refers to it).
 */
import { ByteSource, describeByte } from './byte-source.ts';
import { GraphBuilder, type HeapGraph } from './heap-graph.ts';
import { SnapshotSyntaxError } from './snapshot-error.ts';

/** The first line of a CPython heap snapshot. */
export const CPYTHON_SNAPSHOT_MAGIC = 'gclab-python-heap 1';

const NEWLINE = 10;
const SPACE = 0x20;

/** Reads the CPython heap snapshot `file`; throws `SnapshotSyntaxError` (`file:line:col`) when malformed. */
export function readCpythonSnapshot(file: string): HeapGraph {
  const src = new ByteSource(file);
  try {
    return readFrom(src);
  } finally {
    src.close();
  }
}

function readFrom(src: ByteSource): HeapGraph {
  const magic = readLine(src);
  if (magic !== CPYTHON_SNAPSHOT_MAGIC)
    throw new SnapshotSyntaxError(src.file, 1, 1, `expected '${CPYTHON_SNAPSHOT_MAGIC}' on the first line`);
  const comments: string[] = [];
  let header = '';
  let headerLine = 0;
  for (;;) {
    if (src.peek() < 0) throw src.error("the file ends before the 'objects N edges M types T' line");
    headerLine = src.line;
    const line = readLine(src);
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else {
      header = line;
      break;
    }
  }
  const m = /^objects (\d+) edges (\d+) types (\d+)$/.exec(header);
  if (m === null)
    throw new SnapshotSyntaxError(
      src.file,
      headerLine,
      1,
      `expected 'objects N edges M types T', got '${header}'`,
    );
  const objects = Number(m[1]);
  const edges = Number(m[2]);
  const types = Number(m[3]);
  const builder = new GraphBuilder(objects, edges);
  // Two classes may share a name: they share the census's type too.
  const typeOf = new Uint32Array(types);
  for (let t = 0; t < types; t++) {
    if (src.peek() < 0) throw src.error(`the file ends after ${t} of ${types} type lines`);
    const lineNo = src.line;
    const line = readLine(src);
    if (!line.startsWith('type '))
      throw new SnapshotSyntaxError(src.file, lineNo, 1, `expected 'type NAME' (type ${t} of ${types})`);
    typeOf[t] = builder.typeId(line.slice(5));
  }
  for (let i = 0; i < objects; i++) {
    if (src.peek() < 0) throw src.error(`the file ends after ${i} of ${objects} objects`);
    const type = readInt(src, 'a type id');
    if (type >= types)
      throw new SnapshotSyntaxError(src.file, src.line, 1, `type id ${type} out of range (${types} types)`);
    expectSpace(src);
    const size = readInt(src, 'a size');
    expectSpace(src);
    const root = readInt(src, 'a root flag (0 or 1)');
    if (root > 1) throw src.error(`root flag must be 0 or 1, got ${root}`);
    builder.addObject(size, typeOf[type]!);
    if (root === 1) builder.markRoot(i);
    for (;;) {
      const c = src.peek();
      if (c === NEWLINE) {
        src.advance();
        break;
      }
      if (c < 0) break;
      expectSpace(src);
      const column = src.column;
      const ref = readInt(src, 'an object id');
      if (ref >= objects)
        throw new SnapshotSyntaxError(
          src.file,
          src.line,
          column,
          `object id ${ref} out of range (${objects} objects)`,
        );
      builder.addEdge(ref);
    }
  }
  if (src.peek() >= 0) throw src.error(`more than the ${objects} objects the header announced`);
  if (builder.edgeCount !== edges)
    throw src.error(`the objects have ${builder.edgeCount} references, the header announced ${edges}`);
  return builder.finish('cpython', comments.join('; '));
}

function readLine(src: ByteSource): string {
  const bytes: number[] = [];
  for (;;) {
    const c = src.peek();
    if (c < 0) break;
    src.advance();
    if (c === NEWLINE) break;
    bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}

function readInt(src: ByteSource, what: string): number {
  return src.readUnsigned(what, 0xffff_ffff);
}

function expectSpace(src: ByteSource): void {
  const c = src.peek();
  if (c !== SPACE) throw src.error(`expected a space, found ${describeByte(c)}`);
  src.advance();
}
