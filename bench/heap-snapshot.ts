// Reads a V8 .heapsnapshot (the JSON DevTools and node write) and says where the memory goes: self size by
// class, retained size (dominator tree, as DevTools computes it) of the largest retainers with a path to each, the
// bytes held per script (source, compiled code, function data), and, against another snapshot, what grew.

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}
interface RawSnapshot {
  snapshot: { meta: Meta; node_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface ClassRow {
  name: string;
  count: number;
  selfSize: number;
}

export interface Retainer {
  name: string;
  retainedSize: number;
  path: string;
}

export class HeapSnapshot {
  readonly nodeCount: number;
  private readonly nodeFieldCount: number;
  private readonly edgeFieldCount: number;
  private readonly types: string[];
  private readonly edgeTypes: string[];
  /** Index into edges of each node's first edge. */
  private readonly firstEdge: Uint32Array;
  private retained?: Float64Array;
  private dominators?: Uint32Array;

  constructor(private readonly raw: RawSnapshot) {
    const meta = raw.snapshot.meta;
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.types = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.nodeCount = raw.nodes.length / this.nodeFieldCount;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    const edgeCountAt = meta.node_fields.indexOf('edge_count');
    for (let i = 0, e = 0; i < this.nodeCount; i++) {
      this.firstEdge[i] = e;
      e += raw.nodes[i * this.nodeFieldCount + edgeCountAt]! * this.edgeFieldCount;
      this.firstEdge[i + 1] = e;
    }
  }

  static parse(json: string): HeapSnapshot {
    return new HeapSnapshot(JSON.parse(json) as RawSnapshot);
  }

  type(node: number): string {
    return this.types[this.raw.nodes[node * this.nodeFieldCount]!]!;
  }
  name(node: number): string {
    return this.raw.strings[this.raw.nodes[node * this.nodeFieldCount + 1]!]!;
  }
  selfSize(node: number): number {
    return this.raw.nodes[node * this.nodeFieldCount + 3]!;
  }

  /** The class DevTools files a node under: the constructor for objects, the kind for everything else. */
  className(node: number): string {
    const type = this.type(node);
    if (type === 'object' || type === 'native') return this.name(node) || '(anonymous object)';
    if (type === 'hidden' || type === 'object shape') return `(system) ${this.name(node).replace(/^system \/ /, '')}`;
    if (type === 'concatenated string' || type === 'sliced string') return `(${type})`;
    return `(${type})`;
  }

  *edges(node: number): Generator<{ type: string; name: string | number; to: number }> {
    for (let e = this.firstEdge[node]!; e < this.firstEdge[node + 1]!; e += this.edgeFieldCount) {
      const type = this.edgeTypes[this.raw.edges[e]!]!;
      const nameOrIndex = this.raw.edges[e + 1]!;
      const name = type === 'element' || type === 'hidden' ? nameOrIndex : this.raw.strings[nameOrIndex]!;
      yield { type, name, to: this.raw.edges[e + 2]! / this.nodeFieldCount };
    }
  }

  totalSize(): number {
    let sum = 0;
    for (let i = 0; i < this.nodeCount; i++) sum += this.selfSize(i);
    return sum;
  }

  byClass(): ClassRow[] {
    const rows = new Map<string, ClassRow>();
    for (let i = 0; i < this.nodeCount; i++) {
      const name = this.className(i);
      const row = rows.get(name) ?? { name, count: 0, selfSize: 0 };
      row.count++;
      row.selfSize += this.selfSize(i);
      rows.set(name, row);
    }
    return [...rows.values()].sort((a, b) => b.selfSize - a.selfSize);
  }

  /**
   * Dominator tree (Cooper, Harvey and Kennedy's iterative algorithm over a reverse post-order), ignoring weak
   * edges as DevTools does; then each node's retained size is its own plus what it alone keeps alive.
   */
  private computeRetained(): void {
    const n = this.nodeCount;
    const order = new Int32Array(n).fill(-1); // post-order number
    const byOrder = new Uint32Array(n);
    let count = 0;
    const stack: number[] = [0];
    const cursor = new Uint32Array(n);
    const visited = new Uint8Array(n);
    visited[0] = 1;
    const edgeTo = (e: number) => this.raw.edges[e + 2]! / this.nodeFieldCount;
    const isWeak = (e: number) => this.edgeTypes[this.raw.edges[e]!] === 'weak';
    for (let i = 0; i < n; i++) cursor[i] = this.firstEdge[i]!;
    while (stack.length > 0) {
      const node = stack[stack.length - 1]!;
      let pushed = false;
      while (cursor[node]! < this.firstEdge[node + 1]!) {
        const e = cursor[node]!;
        cursor[node] = e + this.edgeFieldCount;
        if (isWeak(e)) continue;
        const to = edgeTo(e);
        if (visited[to]) continue;
        visited[to] = 1;
        stack.push(to);
        pushed = true;
        break;
      }
      if (!pushed) {
        stack.pop();
        order[node] = count;
        byOrder[count++] = node;
      }
    }
    // Predecessors of reachable nodes, in compressed form.
    const predCount = new Uint32Array(n + 1);
    for (let from = 0; from < n; from++) {
      if (!visited[from]) continue;
      for (let e = this.firstEdge[from]!; e < this.firstEdge[from + 1]!; e += this.edgeFieldCount)
        if (!isWeak(e)) predCount[edgeTo(e) + 1]!++;
    }
    for (let i = 0; i < n; i++) predCount[i + 1]! += predCount[i]!;
    const preds = new Uint32Array(predCount[n]!);
    const fill = predCount.slice(0, n);
    for (let from = 0; from < n; from++) {
      if (!visited[from]) continue;
      for (let e = this.firstEdge[from]!; e < this.firstEdge[from + 1]!; e += this.edgeFieldCount)
        if (!isWeak(e)) preds[fill[edgeTo(e)]!++] = from;
    }
    const UNDEFINED = 0xffffffff;
    const idom = new Uint32Array(n).fill(UNDEFINED); // by post-order number
    const root = order[0]!;
    idom[root] = root;
    const intersect = (a: number, b: number) => {
      while (a !== b) {
        while (a < b) a = idom[a]!;
        while (b < a) b = idom[b]!;
      }
      return a;
    };
    for (let changed = true, rounds = 0; changed && rounds < 1000; rounds++) {
      changed = false;
      for (let o = count - 2; o >= 0; o--) {
        const node = byOrder[o]!;
        let dom = UNDEFINED;
        for (let p = predCount[node]!; p < predCount[node + 1]!; p++) {
          const po = order[preds[p]!]!;
          if (po < 0 || idom[po] === UNDEFINED) continue;
          dom = dom === UNDEFINED ? po : intersect(po, dom);
        }
        if (dom !== UNDEFINED && idom[o] !== dom) {
          idom[o] = dom;
          changed = true;
        }
      }
    }
    const retained = new Float64Array(n);
    const dominators = new Uint32Array(n).fill(UNDEFINED);
    for (let o = 0; o < count; o++) retained[byOrder[o]!] = this.selfSize(byOrder[o]!);
    // Post-order visits children before parents in the dominator tree too.
    for (let o = 0; o < count; o++) {
      const node = byOrder[o]!;
      if (o === root || idom[o] === UNDEFINED) continue;
      const parent = byOrder[idom[o]!]!;
      dominators[node] = parent;
      retained[parent]! += retained[node]!;
    }
    this.retained = retained;
    this.dominators = dominators;
  }

  retainedSize(node: number): number {
    if (!this.retained) this.computeRetained();
    return this.retained![node]!;
  }

  /** How a node is reached from the roots: its dominators' classes, outermost last, with the edge names. */
  path(node: number, depth = 5): string {
    if (!this.dominators) this.computeRetained();
    const steps: string[] = [];
    let at = node;
    for (let i = 0; i < depth; i++) {
      const up = this.dominators![at]!;
      if (up === 0xffffffff || up === 0) break;
      let via = '';
      for (const edge of this.edges(up))
        if (edge.to === at) {
          via = String(edge.name);
          break;
        }
      steps.push(`${this.className(up)}${via ? `.${via}` : ''}`);
      at = up;
    }
    return steps.join(' < ');
  }

  /**
   * The largest single retainers: objects, closures and arrays whose retained size is at least minBytes, leaving
   * out any dominated by one already listed, so that each byte is counted once.
   */
  topRetainers(limit = 15, minBytes = 256 * 1024): Retainer[] {
    if (!this.retained) this.computeRetained();
    const candidates: number[] = [];
    const interesting = new Set(['object', 'closure', 'array', 'native', 'code', 'string', 'concatenated string']);
    for (let i = 1; i < this.nodeCount; i++)
      if (this.retained![i]! >= minBytes && interesting.has(this.type(i)) && !this.name(i).startsWith('(GC roots)'))
        candidates.push(i);
    candidates.sort((a, b) => this.retained![a]! - this.retained![b]!);
    // Innermost first: a node is dropped when a listed node's chain of dominators reaches it... so list from the
    // smallest up, keeping the largest whose subtree is not already inside a kept one, then sort by size.
    const kept = new Set<number>();
    const isWithinKept = (node: number) => {
      for (let up = this.dominators![node]!; up !== 0xffffffff && up !== 0; up = this.dominators![up]!)
        if (kept.has(up)) return up;
      return undefined;
    };
    for (let i = candidates.length - 1; i >= 0; i--) {
      const node = candidates[i]!;
      if (isWithinKept(node) === undefined) kept.add(node);
    }
    return [...kept]
      .sort((a, b) => this.retained![b]! - this.retained![a]!)
      .slice(0, limit)
      .map((node) => ({ name: this.label(node), retainedSize: this.retained![node]!, path: this.path(node) }));
  }

  private label(node: number): string {
    const type = this.type(node);
    if (type === 'closure') return `${this.name(node) || '(anonymous)'}()`;
    if (type === 'string') return `"${this.name(node).slice(0, 40)}"`;
    return this.className(node);
  }

  /**
   * Bytes held for each script: its source text (with any inline source map) and, through its functions'
   * SharedFunctionInfo, their bytecode and compiled code. Keyed by the script's file name.
   */
  byScript(): Array<{ script: string; bytes: number; functions: number }> {
    const rows = new Map<string, { script: string; bytes: number; functions: number }>();
    const add = (script: string, bytes: number, functions: number) => {
      const row = rows.get(script) ?? { script, bytes: 0, functions: 0 };
      row.bytes += bytes;
      row.functions += functions;
      rows.set(script, row);
    };
    // A Script is a code node with a source; its hidden strings include an inline source map's URL, kept apart.
    const scriptName = (node: number): string | undefined => {
      if (this.type(node) !== 'code') return undefined;
      let source = false;
      for (const edge of this.edges(node)) if (edge.name === 'source') source = true;
      return source ? this.name(node) : undefined;
    };
    for (let i = 0; i < this.nodeCount; i++) {
      if (this.type(i) !== 'code') continue;
      const script = scriptName(i);
      if (script !== undefined) {
        let bytes = this.selfSize(i);
        for (const edge of this.edges(i))
          if (this.type(edge.to) === 'string' || edge.name === 'line_ends') bytes += this.selfSize(edge.to);
        add(shortScript(script), bytes, 0);
        continue;
      }
      let owner: string | undefined;
      let bytes = 0;
      for (const edge of this.edges(i)) {
        if (edge.name === 'script_or_debug_info') owner = scriptName(edge.to);
        else if (edge.name === 'function_data' || edge.name === 'name_or_scope_info') bytes += this.selfSize(edge.to);
      }
      if (owner !== undefined) add(shortScript(owner), this.selfSize(i) + bytes, 1);
    }
    return [...rows.values()].sort((a, b) => b.bytes - a.bytes);
  }
}

/** A script's name without the checkout's path: the compiled sources, npm:<package> or src/<file>. */
function shortScript(name: string): string {
  // What bin/compile.mjs compiled from src/ (each chunk's map names its sources).
  if (name.includes('node_modules/.cache/conduit/')) return 'src (compiled by bin/compile.mjs)';
  const modules = name.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = name.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = name.indexOf('/src/');
  if (src >= 0) return name.slice(src + 1);
  return name.replace(/^file:\/\//, '') || '(unnamed)';
}

/** What grew from one snapshot to the next, by class: count and self size, largest growth first. */
export function growth(before: ClassRow[], after: ClassRow[]): ClassRow[] {
  const base = new Map(before.map((r) => [r.name, r]));
  return after
    .map((r) => ({
      name: r.name,
      count: r.count - (base.get(r.name)?.count ?? 0),
      selfSize: r.selfSize - (base.get(r.name)?.selfSize ?? 0),
    }))
    .sort((a, b) => b.selfSize - a.selfSize);
}

export const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
