// The durable local outbox for usage events. A request's event is appended to a file (one write per event-loop
// turn for every event recorded in it) before its response completes: once write() returns, a killed process
// loses nothing. Events move from the file into SQLite in large batches off the request path, and the file is
// replayed at start-up, idempotently by request id, so a crash between the two neither loses nor doubles a bill.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { UsageEvent } from '../ports.ts';

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class UsageOutbox {
  private readonly fd: number;
  private pending: Pending[] = [];
  private scheduled = false;
  /** An event was written in this event-loop turn. */
  private wroteThisTurn = false;
  /** Written to the file, not yet in the database. */
  private unloaded: UsageEvent[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    file: string,
    /** Inserts events into the database in one transaction (idempotent by request id). */
    private readonly load: (events: UsageEvent[]) => void,
    private readonly options: { loadEveryMs: number; loadAtCount: number } = { loadEveryMs: 200, loadAtCount: 2000 },
  ) {
    if (existsSync(file)) this.replay(readFileSync(file, 'utf8'));
    this.fd = openSync(file, 'a');
    ftruncateSync(this.fd, 0);
    this.timer = setInterval(() => this.loadNow(), options.loadEveryMs);
    this.timer.unref();
  }

  /** Resolves once the event is durable (in the outbox file). */
  record(event: UsageEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(event)}\n`, resolve, reject });
      this.unloaded.push(event);
      if (this.scheduled) return;
      this.scheduled = true;
      if (this.wroteThisTurn) return void setImmediate(() => this.flush());
      // The first event of a turn is written at once: a lone request does not wait a loop turn for its write.
      // Events that follow in the same turn (load) share the next write.
      this.wroteThisTurn = true;
      setImmediate(() => (this.wroteThisTurn = false));
      this.flush();
    });
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let text = '';
    for (const p of batch) text += p.line;
    try {
      writeAll(this.fd, text);
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    for (const p of batch) p.resolve();
    if (this.unloaded.length >= this.options.loadAtCount) this.loadNow();
  }

  /** Moves every written event into the database, then empties the file. Call before reading usage. */
  loadNow(): void {
    if (this.pending.length > 0) this.flush();
    if (this.unloaded.length === 0) return;
    const events = this.unloaded;
    this.load(events);
    this.unloaded = [];
    // Everything in the file is now in the database (writes and loads share this thread).
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    clearInterval(this.timer);
    this.loadNow();
    closeSync(this.fd);
  }

  private replay(text: string): void {
    const events: UsageEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as UsageEvent);
      } catch {
        // A torn last line: its write never completed, so neither did its response.
      }
    }
    if (events.length > 0) this.load(events);
  }
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
}
