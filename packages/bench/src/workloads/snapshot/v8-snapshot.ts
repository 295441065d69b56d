/**
 * Reads a V8 heap snapshot (`.heapsnapshot`, as `v8.writeHeapSnapshot()`, `node --heapsnapshot-signal`
 * and Chrome DevTools write it) into a `HeapGraph`, streamed: a small JSON tokenizer walks the top
 * level object once, parses `snapshot` (the meta: small) whole, and reads the flat `nodes`, `edges`
 * and `strings` arrays number by number and string by string, so a 500 MB snapshot is never one
 * string. Other top-level members (`trace_tree`, `samples`, `locations`...) are skipped.
 *
 * The format (Chrome DevTools' HeapSnapshot and V8's heap-snapshot-generator.cc): `nodes` holds
 * `node_fields.length` numbers per node (`type`, `name`, `id`, `self_size`, `edge_count`, ...);
 * `edges` holds `edge_fields.length` numbers per edge (`type`, `name_or_index`, `to_node`), the
 * edges of node 0 first, then node 1's, each node owning `edge_count` of them; `to_node` is the
 * target's offset in `nodes` (node number times the node field count); `type` indexes
 * `node_types[0]` or `edge_types[0]`, `name` indexes `strings`.
 *
 * As a heap: synthetic nodes (the root, "(GC roots)", "(Handle scope)" and the other root
 * categories) are not objects; the objects they refer to are the roots. `weak` edges do not keep
 * their target alive and `shortcut` edges (the root's edges to global objects) repeat paths that
 * exist otherwise, so neither is a pointer field. An object's type is its constructor or internal
 * name for `object`, `native`, `hidden` and `array` nodes, else the node type (`string`, `closure`,
 * `code`...). V8 writes the members in the order `snapshot`, `nodes`, `edges`, ..., `strings`; the
 * reader requires that order.
 */
import { ByteSource, describeByte } from './byte-source.ts';
import { GraphBuilder, type HeapGraph } from './heap-graph.ts';
import { SnapshotSyntaxError } from './snapshot-error.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Node types whose `name` is the object's type in a census (constructor or internal name). */
const NAMED_NODE_TYPES = new Set(['object', 'native', 'hidden', 'array']);
/** Edge types that are not pointer fields of the heap. */
const SKIPPED_EDGE_TYPES = new Set(['weak', 'shortcut']);
/** Longest type name kept (longer names are cut). */
const MAX_NAME_BYTES = 120;

/** The fields of `snapshot.meta` the reader uses. */
interface Meta {
  nodeFields: number;
  edgeFields: number;
  nodeType: number;
  nodeName: number;
  nodeSize: number;
  nodeEdgeCount: number;
  edgeType: number;
  edgeToNode: number;
  nodeTypes: string[];
  edgeTypes: string[];
  nodeCount: number;
  edgeCount: number;
}

/** Reads the V8 heap snapshot `file`; throws `SnapshotSyntaxError` (`file:line:col`) when malformed. */
export function readV8Snapshot(file: string): HeapGraph {
  const src = new ByteSource(file);
  try {
    return new V8Reader(src).read();
  } finally {
    src.close();
  }
}

class V8Reader {
  private meta: Meta | null = null;
  /** Per node: type, name index, size, edge count (read from `nodes`). */
  private nodeType = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeSize = new Uint32Array(0);
  private nodeEdges = new Uint32Array(0);
  private nodes = 0;
  private builder: GraphBuilder | null = null;
  private edgesRead = false;
  private names: Map<number, string> | null = null;

  constructor(private readonly src: ByteSource) {}

  read(): HeapGraph {
    const src = this.src;
    this.skipSpace();
    this.expect(OPEN_BRACE, "'{' opening the snapshot");
    this.skipSpace();
    if (src.peek() !== CLOSE_BRACE) {
      for (;;) {
        this.skipSpace();
        const key = this.readString(Number.POSITIVE_INFINITY);
        this.skipSpace();
        this.expect(COLON, `':' after "${key}"`);
        this.skipSpace();
        this.member(key);
        this.skipSpace();
        const c = src.peek();
        if (c === COMMA) {
          src.advance();
          continue;
        }
        if (c === CLOSE_BRACE) break;
        throw src.error(`expected ',' or '}' after the value of "${key}", found ${describeByte(c)}`);
      }
    }
    src.advance();
    this.skipSpace();
    if (src.peek() !== -1) throw src.error(`unexpected ${describeByte(src.peek())} after the snapshot`);
    return this.finish();
  }

  private member(key: string): void {
    const src = this.src;
    switch (key) {
      case 'snapshot': {
        const line = src.line;
        const column = src.column;
        const text = this.captureValue();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          throw new SnapshotSyntaxError(
            src.file,
            line,
            column,
            `"snapshot" is not valid JSON: ${(error as Error).message}`,
          );
        }
        this.meta = readMeta(parsed, (reason) => src.error(reason));
        return;
      }
      case 'nodes':
        this.readNodes();
        return;
      case 'edges':
        this.readEdges();
        return;
      case 'strings':
        this.readStrings();
        return;
      default:
        this.skipValue();
    }
  }

  private needMeta(what: string): Meta {
    if (this.meta === null) throw this.src.error(`"${what}" before "snapshot": the meta must come first`);
    return this.meta;
  }

  private readNodes(): void {
    const meta = this.needMeta('nodes');
    const capacity = Math.max(16, meta.nodeCount);
    this.nodeType = new Uint8Array(capacity);
    this.nodeName = new Uint32Array(capacity);
    this.nodeSize = new Uint32Array(capacity);
    this.nodeEdges = new Uint32Array(capacity);
    let field = 0;
    let node = 0;
    this.readIntArray('nodes', (value) => {
      if (node >= this.nodeType.length) this.growNodes();
      if (field === meta.nodeType) {
        if (value >= meta.nodeTypes.length)
          throw this.src.error(`node type ${value} is not one of the ${meta.nodeTypes.length} node types`);
        this.nodeType[node] = value;
      } else if (field === meta.nodeName) this.nodeName[node] = value;
      else if (field === meta.nodeSize) this.nodeSize[node] = Math.min(value, 0xffff_ffff);
      else if (field === meta.nodeEdgeCount) this.nodeEdges[node] = value;
      if (++field === meta.nodeFields) {
        field = 0;
        node++;
      }
    });
    if (field !== 0)
      throw this.src.error(`"nodes" ends inside a node: its length is not a multiple of ${meta.nodeFields}`);
    this.nodes = node;
  }

  private growNodes(): void {
    const n = this.nodeType.length * 2;
    const t = new Uint8Array(n);
    t.set(this.nodeType);
    this.nodeType = t;
    for (const key of ['nodeName', 'nodeSize', 'nodeEdges'] as const) {
      const a = new Uint32Array(n);
      a.set(this[key]);
      this[key] = a;
    }
  }

  private readEdges(): void {
    const meta = this.needMeta('edges');
    if (this.builder !== null || this.edgesRead) throw this.src.error('a second "edges" member');
    const nodes = this.nodes;
    if (nodes === 0) throw this.src.error('"edges" before "nodes": V8 writes the nodes first');
    const synthetic = meta.nodeTypes.indexOf('synthetic');
    // Object number of each node, or -1 for a synthetic node (not an object).
    const objectOf = new Int32Array(nodes);
    let objects = 0;
    for (let i = 0; i < nodes; i++) objectOf[i] = this.nodeType[i] === synthetic ? -1 : objects++;
    const skipped = new Uint8Array(meta.edgeTypes.length);
    for (let t = 0; t < meta.edgeTypes.length; t++)
      skipped[t] = SKIPPED_EDGE_TYPES.has(meta.edgeTypes[t]!) ? 1 : 0;
    const builder = new GraphBuilder(objects, meta.edgeCount);
    this.builder = builder;
    let node = -1;
    let left = 0;
    let field = 0;
    let type = 0;
    let to = 0;
    const startNext = (): void => {
      // Starts the next node that has edges, adding the objects passed on the way.
      while (left === 0) {
        node++;
        if (node >= nodes)
          throw this.src.error(`"edges" has more edges than the nodes' edge_count add up to`);
        if (objectOf[node]! >= 0) builder.addObject(this.nodeSize[node]!, 0);
        left = this.nodeEdges[node]!;
      }
    };
    this.readIntArray('edges', (value) => {
      if (field === 0) startNext();
      if (field === meta.edgeType) type = value;
      else if (field === meta.edgeToNode) to = value;
      if (++field < meta.edgeFields) return;
      field = 0;
      left--;
      if (to % meta.nodeFields !== 0 || to / meta.nodeFields >= nodes)
        throw this.src.error(
          `edge to_node ${to} is not the offset of a node (${nodes} nodes of ${meta.nodeFields} fields)`,
        );
      if (type >= skipped.length)
        throw this.src.error(`edge type ${type} is not one of the ${skipped.length} edge types`);
      const target = objectOf[to / meta.nodeFields]!;
      if (skipped[type] === 1 || target < 0) return;
      if (objectOf[node]! < 0) builder.markRoot(target);
      else builder.addEdge(target);
    });
    if (field !== 0)
      throw this.src.error(`"edges" ends inside an edge: its length is not a multiple of ${meta.edgeFields}`);
    for (;;) {
      if (left !== 0) throw this.src.error(`"edges" ends before node ${node}'s ${left} remaining edges`);
      node++;
      if (node >= nodes) break;
      if (objectOf[node]! >= 0) builder.addObject(this.nodeSize[node]!, 0);
      left = this.nodeEdges[node]!;
    }
    this.edgesRead = true;
  }

  private readStrings(): void {
    const meta = this.needMeta('strings');
    if (this.nodes === 0) throw this.src.error('"strings" before "nodes": V8 writes the strings last');
    const named = new Uint8Array(meta.nodeTypes.length);
    for (let t = 0; t < named.length; t++) named[t] = NAMED_NODE_TYPES.has(meta.nodeTypes[t]!) ? 1 : 0;
    let maxName = -1;
    for (let i = 0; i < this.nodes; i++)
      if (named[this.nodeType[i]!] === 1 && this.nodeName[i]! > maxName) maxName = this.nodeName[i]!;
    const wanted = new Uint8Array(maxName + 1);
    for (let i = 0; i < this.nodes; i++) if (named[this.nodeType[i]!] === 1) wanted[this.nodeName[i]!] = 1;
    const names = new Map<number, string>();
    const src = this.src;
    this.expect(OPEN_BRACKET, `'[' opening "strings"`);
    this.skipSpace();
    let index = 0;
    if (src.peek() !== CLOSE_BRACKET) {
      for (;;) {
        this.skipSpace();
        if (index < wanted.length && wanted[index] === 1) names.set(index, this.readString(MAX_NAME_BYTES));
        else this.skipString();
        index++;
        this.skipSpace();
        const c = src.peek();
        if (c === COMMA) {
          src.advance();
          continue;
        }
        if (c === CLOSE_BRACKET) break;
        throw src.error(`expected ',' or ']' in "strings", found ${describeByte(c)}`);
      }
    }
    src.advance();
    if (index <= maxName)
      throw src.error(`"strings" has ${index} strings, but a node names string ${maxName}`);
    this.names = names;
  }

  private finish(): HeapGraph {
    const meta = this.meta;
    const src = this.src;
    if (meta === null) throw src.error('the snapshot has no "snapshot" member (the meta)');
    if (!this.edgesRead) throw src.error('the snapshot has no "edges" member');
    if (this.names === null) throw src.error('the snapshot has no "strings" member');
    const builder = this.builder!;
    const synthetic = meta.nodeTypes.indexOf('synthetic');
    let object = 0;
    for (let i = 0; i < this.nodes; i++) {
      const t = this.nodeType[i]!;
      if (t === synthetic) continue;
      const typeName = meta.nodeTypes[t]!;
      const name = NAMED_NODE_TYPES.has(typeName) ? this.names.get(this.nodeName[i]!) : undefined;
      builder.setType(object++, builder.typeId(name === undefined || name === '' ? `(${typeName})` : name));
    }
    return builder.finish('v8', `V8 heap snapshot (${this.nodes} nodes)`);
  }

  // ---- the tokenizer ----

  private skipSpace(): void {
    const src = this.src;
    for (;;) {
      const c = src.peek();
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) src.advance();
      else return;
    }
  }

  private expect(byte: number, what: string): void {
    const c = this.src.peek();
    if (c !== byte) throw this.src.error(`expected ${what}, found ${describeByte(c)}`);
    this.src.advance();
  }

  /** Reads `[n, n, ...]` of non-negative integers, passing each to `onValue`. */
  private readIntArray(what: string, onValue: (value: number) => void): void {
    const src = this.src;
    this.expect(OPEN_BRACKET, `'[' opening "${what}"`);
    this.skipSpace();
    if (src.peek() === CLOSE_BRACKET) {
      src.advance();
      return;
    }
    for (;;) {
      this.skipSpace();
      onValue(src.readUnsigned(`a non-negative integer in "${what}"`, Number.MAX_SAFE_INTEGER));
      this.skipSpace();
      const c = src.peek();
      if (c === COMMA) {
        src.advance();
        continue;
      }
      if (c === CLOSE_BRACKET) {
        src.advance();
        return;
      }
      throw src.error(`expected ',' or ']' in "${what}", found ${describeByte(c)}`);
    }
  }

  /** Reads a JSON string, decoded; bytes past `limit` are dropped (the string is cut). */
  private readString(limit: number): string {
    const src = this.src;
    this.expect(QUOTE, 'a string');
    const bytes: number[] = [QUOTE];
    let cut = false;
    for (;;) {
      const c = src.peek();
      if (c < 0) throw src.error('the file ends inside a string');
      if (c === QUOTE) {
        src.advance();
        break;
      }
      if (c < 0x20) throw src.error(`control character ${describeByte(c)} inside a string`);
      src.advance();
      if (c === BACKSLASH) {
        const d = src.peek();
        if (d < 0) throw src.error('the file ends inside a string');
        src.advance();
        if (bytes.length < limit) bytes.push(c, d);
        else cut = true;
        continue;
      }
      if (bytes.length < limit) bytes.push(c);
      else cut = true;
    }
    // A cut may split an escape or a UTF-8 sequence: drop a trailing lone backslash.
    if (cut && bytes[bytes.length - 1] === BACKSLASH) bytes.pop();
    bytes.push(QUOTE);
    try {
      const text = JSON.parse(Buffer.from(bytes).toString('utf8')) as string;
      return cut ? `${text}…` : text;
    } catch {
      if (cut) return `${Buffer.from(bytes.slice(1, -1)).toString('latin1')}…`;
      throw src.error('malformed escape in a string');
    }
  }

  private skipString(): void {
    const src = this.src;
    this.expect(QUOTE, 'a string');
    for (;;) {
      const c = src.peek();
      if (c < 0) throw src.error('the file ends inside a string');
      src.advance();
      if (c === QUOTE) return;
      if (c === BACKSLASH) {
        if (src.peek() < 0) throw src.error('the file ends inside a string');
        src.advance();
      }
    }
  }

  /** Skips any JSON value (strings, numbers, literals, nested arrays and objects). */
  private skipValue(): void {
    this.walkValue(null);
  }

  /** Returns the text of the next JSON value (for small members only: the meta). */
  private captureValue(): string {
    const out: number[] = [];
    this.walkValue(out);
    return Buffer.from(out).toString('utf8');
  }

  private walkValue(out: number[] | null): void {
    const src = this.src;
    let depth = 0;
    let inString = false;
    for (;;) {
      const c = src.peek();
      if (c < 0) throw src.error('the file ends inside a value');
      if (inString) {
        src.advance();
        out?.push(c);
        if (c === BACKSLASH) {
          const d = src.peek();
          if (d < 0) throw src.error('the file ends inside a string');
          src.advance();
          out?.push(d);
        } else if (c === QUOTE) {
          inString = false;
          if (depth === 0) return;
        }
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) return;
        depth--;
        if (depth === 0) {
          src.advance();
          out?.push(c);
          return;
        }
      } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) return;
      src.advance();
      out?.push(c);
    }
  }
}

/** Reads the fields the reader needs from `snapshot` (the meta); `fail` builds the error. */
function readMeta(parsed: unknown, fail: (reason: string) => Error): Meta {
  const snapshot = parsed as {
    meta?: { node_fields?: unknown; edge_fields?: unknown; node_types?: unknown; edge_types?: unknown };
    node_count?: unknown;
    edge_count?: unknown;
  };
  const meta = snapshot?.meta;
  const strings = (value: unknown, what: string): string[] => {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw fail(`snapshot.meta.${what} is not a list of strings`);
    return value as string[];
  };
  if (typeof meta !== 'object' || meta === null) throw fail('"snapshot" has no "meta" object');
  const nodeFields = strings(meta.node_fields, 'node_fields');
  const edgeFields = strings(meta.edge_fields, 'edge_fields');
  const nodeTypes = strings((meta.node_types as unknown[] | undefined)?.[0], 'node_types[0]');
  const edgeTypes = strings((meta.edge_types as unknown[] | undefined)?.[0], 'edge_types[0]');
  const field = (fields: string[], name: string, what: string): number => {
    const i = fields.indexOf(name);
    if (i < 0) throw fail(`snapshot.meta.${what} has no "${name}"`);
    return i;
  };
  const count = (value: unknown): number => (typeof value === 'number' && value >= 0 ? value : 0);
  return {
    nodeFields: nodeFields.length,
    edgeFields: edgeFields.length,
    nodeType: field(nodeFields, 'type', 'node_fields'),
    nodeName: field(nodeFields, 'name', 'node_fields'),
    nodeSize: field(nodeFields, 'self_size', 'node_fields'),
    nodeEdgeCount: field(nodeFields, 'edge_count', 'node_fields'),
    edgeType: field(edgeFields, 'type', 'edge_fields'),
    edgeToNode: field(edgeFields, 'to_node', 'edge_fields'),
    nodeTypes,
    edgeTypes,
    nodeCount: count(snapshot.node_count),
    edgeCount: count(snapshot.edge_count),
  };
}
