// A client of a benchmarked process's inspector (started with --inspect=127.0.0.1:0): reads its memory figures and
// takes heap snapshots of its main thread and of each worker thread, without any hook in the gateway's code. The
// Chrome DevTools Protocol over undici's WebSocket; a worker is reached through the NodeWorker domain.
import { readFileSync } from 'node:fs';
import { WebSocket } from 'undici';

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown };
type Send = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** The figures a thread reports about itself: process.memoryUsage() (process-wide) and its own V8 heap. */
export interface ThreadMemory {
  thread: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces of this thread: used bytes by space name. */
  spaces: Record<string, number>;
  /** The same spaces' committed bytes (space_size): what they hold of the RSS, used or not. */
  committed: Record<string, number>;
  /** Bytes of this thread's V8 heap that are malloc'd outside its spaces (zones, compiler). */
  mallocedMemory: number;
}

const memoryExpression = `(() => {
  const v8 = process.getBuiltinModule('v8');
  const m = process.memoryUsage();
  const spaces = {};
  const committed = {};
  for (const s of v8.getHeapSpaceStatistics()) {
    spaces[s.space_name] = s.space_used_size;
    committed[s.space_name] = s.space_size;
  }
  return JSON.stringify({ ...m, spaces, committed, mallocedMemory: v8.getHeapStatistics().malloced_memory });
})()`;

/** The inspector's WebSocket URL, from the log the process writes its "Debugger listening on" line to. */
export async function inspectorUrl(logFile: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const found = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
    if (found) return found[1]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no inspector URL in ${logFile}`);
}

/**
 * Where a profiled function is: for the sources bin/compile.mjs bundled, the source file (the `// src/...` line
 * esbuild writes before each module's code), else the script's path from node_modules or src on.
 */
function sourceOf(url: string, line: number): string {
  if (url.includes('/.cache/conduit/')) {
    let modules = bundledModules.get(url);
    if (!modules) {
      modules = [];
      const lines = readFileSync(new URL(url), 'utf8').split('\n');
      lines.forEach((text, i) => {
        if (text.startsWith('// src/')) modules!.push({ line: i, path: text.slice(3) });
      });
      bundledModules.set(url, modules);
    }
    const module = modules.findLast((m) => m.line <= line);
    if (module) return module.path;
  }
  return `${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${line + 1}`;
}
const bundledModules = new Map<string, Array<{ line: number; path: string }>>();

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(m: Message) => void>();
  private readonly workers = new Map<string, string>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as Message;
      if (message.id !== undefined) this.settle(this.pending, message);
      for (const listener of this.listeners) listener(message);
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    const inspector = new Inspector(socket);
    inspector.listeners.add((m) => {
      if (m.method !== 'NodeWorker.attachedToWorker') return;
      const { sessionId, workerInfo } = m.params as { sessionId: string; workerInfo: { title: string; url: string } };
      // A thread running node's own module loader hooks (one per thread that registered ts-loader) has its URL.
      const base = workerInfo.url.startsWith('node:internal')
        ? 'loader hooks'
        : workerInfo.url.split('/').pop() || workerInfo.title;
      const taken = [...inspector.workers.values()].filter((t) => t === base || t.startsWith(`${base}#`)).length;
      inspector.workers.set(sessionId, taken === 0 ? base : `${base}#${taken + 1}`);
    });
    await inspector.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
    await new Promise((r) => setTimeout(r, 300));
    return inspector;
  }

  private settle(pending: Inspector['pending'], message: Message): void {
    const waiting = pending.get(message.id!);
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(JSON.stringify(message.error)));
    else waiting.resolve(message.result);
  }

  readonly send: Send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });

  /** A CDP session with one worker thread, through NodeWorker.sendMessageToWorker. */
  private workerSession(sessionId: string): { send: Send; listen: (f: (m: Message) => void) => () => void } {
    const pending: Inspector['pending'] = new Map();
    const listeners = new Set<(m: Message) => void>();
    this.listeners.add((outer) => {
      if (outer.method !== 'NodeWorker.receivedMessageFromWorker') return;
      const { sessionId: from, message } = outer.params as { sessionId: string; message: string };
      if (from !== sessionId) return;
      const inner = JSON.parse(message) as Message;
      if (inner.id !== undefined) this.settle(pending, inner);
      for (const listener of listeners) listener(inner);
    });
    let nextId = 1;
    const send: Send = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        void this.send('NodeWorker.sendMessageToWorker', {
          sessionId,
          message: JSON.stringify({ id, method, params }),
        });
      });
    return {
      send,
      listen: (f) => {
        listeners.add(f);
        return () => listeners.delete(f);
      },
    };
  }

  private threads(): Array<{ thread: string; send: Send; listen: (f: (m: Message) => void) => () => void }> {
    const main = {
      thread: 'main',
      send: this.send,
      listen: (f: (m: Message) => void) => {
        this.listeners.add(f);
        return () => this.listeners.delete(f);
      },
    };
    return [main, ...[...this.workers].map(([id, thread]) => ({ thread, ...this.workerSession(id) }))];
  }

  /** Memory figures of the main thread and of every worker thread. */
  async memory(): Promise<ThreadMemory[]> {
    const out: ThreadMemory[] = [];
    for (const { thread, send } of this.threads()) {
      const { result } = (await send('Runtime.evaluate', { expression: memoryExpression })) as {
        result: { value: string };
      };
      out.push({ thread, ...(JSON.parse(result.value) as Omit<ThreadMemory, 'thread'>) });
    }
    return out;
  }

  /** Heap snapshots of every thread (after a full GC), as their JSON text, by thread. */
  async snapshots(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const { thread, send, listen } of this.threads()) {
      const chunks: string[] = [];
      const stop = listen((m) => {
        if (m.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push((m.params as { chunk: string }).chunk);
      });
      await send('HeapProfiler.enable');
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      stop();
      await send('HeapProfiler.disable');
      out.set(thread, chunks.join(''));
    }
    return out;
  }

  /**
   * What the main thread allocates over `ms`, garbage included (V8's sampling heap profiler, a sample every 4 KB on
   * average): bytes by allocating function, most first.
   */
  async allocations(ms: number): Promise<Array<{ site: string; bytes: number }>> {
    await this.send('HeapProfiler.enable');
    await this.send('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await new Promise((r) => setTimeout(r, ms));
    const { profile } = (await this.send('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
    await this.send('HeapProfiler.disable');
    const bySite = new Map<string, number>();
    const walk = (node: SamplingNode): void => {
      const { functionName, url, lineNumber } = node.callFrame;
      const site = `${functionName || '(anonymous)'} ${sourceOf(url, lineNumber)}`;
      if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      node.children.forEach(walk);
    };
    walk(profile.head);
    return [...bySite].map(([site, bytes]) => ({ site, bytes })).sort((a, b) => b.bytes - a.bytes);
  }

  close(): void {
    this.socket.close();
  }
}
