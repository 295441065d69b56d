/**
 * Small heap snapshots written for the reader tests: a V8 `.heapsnapshot` and a CPython heap
 * snapshot of the same shape (a root object A referring to B and C, B and C referring to each other,
 * C to a string D; V8's synthetic root and "(GC roots)" above A, and a weak edge that is not a field).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `text` to a fresh file named `name`; returns its path. */
export function writeFixture(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gclab-snapshot-')), name);
  writeFileSync(file, text);
  return file;
}

const NODE_FIELDS = 7;

/** The V8 fixture: nodes root, (GC roots), A, B, C, D. */
export function v8Fixture(): string {
  const meta = {
    node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
    node_types: [
      ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'],
      'string',
      'number',
      'number',
      'number',
      'number',
      'number',
    ],
    edge_fields: ['type', 'name_or_index', 'to_node'],
    edge_types: [
      ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'],
      'string_or_number',
      'node',
    ],
  };
  // type, name, id, self_size, edge_count, trace_node_id, detachedness
  const nodes = [
    [9, 0, 1, 0, 1, 0, 0], // synthetic root -> (GC roots)
    [9, 1, 3, 0, 1, 0, 0], // (GC roots) -> A
    [3, 2, 5, 32, 3, 0, 0], // A: Thing -> B, C, weak -> D
    [3, 3, 7, 24, 1, 0, 0], // B: Pair -> C
    [3, 3, 9, 24, 2, 0, 0], // C: Pair -> B, D
    [2, 4, 11, 20, 0, 0, 0], // D: a string
  ];
  const at = (n: number): number => n * NODE_FIELDS;
  const edges = [
    [4, 1, at(1)],
    [4, 1, at(2)],
    [2, 5, at(3)],
    [2, 6, at(4)],
    [6, 7, at(5)],
    [2, 5, at(4)],
    [2, 5, at(3)],
    [2, 6, at(5)],
  ];
  return (
    `{"snapshot":{"meta":${JSON.stringify(meta)},"node_count":6,"edge_count":8,"trace_function_count":0},\n` +
    `"nodes":[${nodes.map((n) => n.join(',')).join('\n,')}],\n` +
    `"edges":[${edges.map((e) => e.join(',')).join('\n,')}],\n` +
    '"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],\n' +
    '"strings":["","(GC roots)","Thing","Pair","hello \\"world\\"","b","c","weak"]}\n'
  );
}

/** The CPython fixture: A (root) -> B, C; B <-> C; C -> D. */
export const CPYTHON_FIXTURE = [
  'gclab-python-heap 1',
  '# program: fixture',
  'objects 4 edges 5 types 3',
  'type Thing',
  'type list',
  'type str',
  '0 56 1 1 2',
  '1 72 0 2',
  '1 72 0 1 3',
  '2 53 0',
  '',
].join('\n');
