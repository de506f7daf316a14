// The durable local outbox for usage events. A request's event is appended to a file (one write per event-loop
// turn for every event recorded in it) before its response completes: once write() returns, a killed process
// loses nothing. Events move from the file into SQLite in large batches off the request path: the file is set
// aside as a segment, its events are inserted (on the writer thread), and only then is the segment deleted.
// Segments and the file are replayed at start-up, idempotently by request id, so a crash at any point neither
// loses nor doubles a bill. A storage fault (the file cannot be set aside or a segment deleted, the database
// cannot be written) is reported and tried again later; it never ends the process nor drops an event.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { UsageEvent } from '../ports.ts';

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Inserts events, given as the outbox's own JSON lines, into the database (idempotent by request id); may
 * complete later, on another thread. Lines travel as one string: another thread gets it by a copy, where
 * event objects would be serialised field by field.
 */
export type LoadEvents = (jsonLines: string) => unknown;

export class UsageOutbox {
  private fd: number;
  private pending: Pending[] = [];
  private scheduled = false;
  /** An event was written in this event-loop turn. */
  private wroteThisTurn = false;
  /** Written to the file, not yet handed to the database: the file's text since the last load. */
  private unloaded = '';
  /** Loads handed to the database and not yet committed. */
  private loading: Promise<void> = Promise.resolve();
  /** Their events' lines, until each load commits (or fails, and they join `retry`). */
  private readonly inFlight = new Set<{ lines: string }>();
  /** Loads that failed: their segments stay on disk, and their events are tried again with the next load. */
  private retry = { segments: [] as string[], lines: '' };
  private unloadedCount = 0;
  /** Names this process's segments apart from any a previous process left. */
  private readonly run = `${Date.now().toString(36)}-${process.pid}`;
  private segments = 0;
  /** The file events are appended to: `file`, or a segment when no new file could be opened (see setAside). */
  private current: string;
  /** Segments whose events are in the database but which could not be deleted yet. */
  private undeleted: string[] = [];
  /** A write failed part-way: the file may end in the middle of a line, which the next write must not extend. */
  private torn = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly load: LoadEvents,
    private readonly options: { loadEveryMs: number; loadAtCount: number } = { loadEveryMs: 200, loadAtCount: 2000 },
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.replay();
    this.current = file;
    this.fd = openSync(file, 'a', 0o600); // usage events are the service user's alone, whatever the umask
    this.timer = setInterval(() => void this.loadNow(), options.loadEveryMs);
    this.timer.unref();
  }

  /** Resolves once the event is durable (in the outbox file). */
  record(event: UsageEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(event)}\n`, resolve, reject });
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
    let text = this.torn ? '\n' : '';
    for (const p of batch) text += p.line;
    try {
      writeAll(this.fd, text);
    } catch (err) {
      // Those events are not durable, so their replies are refused; what did reach the file is a torn line.
      this.torn = true;
      for (const p of batch) p.reject(err as Error);
      return;
    }
    this.torn = false;
    this.unloaded += text;
    this.unloadedCount += batch.length;
    for (const p of batch) p.resolve();
    if (this.unloadedCount >= this.options.loadAtCount) void this.loadNow();
  }

  /**
   * Hands every written event to the database; resolves once all of them are in it, or their load failed (then
   * they are tried again with the next load). Never rejects. Call before reading usage.
   */
  loadNow(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    if (this.unloaded !== '' || this.retry.lines !== '') {
      const segments = this.retry.segments;
      const lines = this.retry.lines + this.unloaded;
      this.retry = { segments: [], lines: '' };
      if (this.unloaded !== '') {
        this.unloaded = '';
        this.unloadedCount = 0;
        const segment = this.setAside();
        if (segment) segments.push(segment);
      }
      this.loading = Promise.all([this.loading, this.loadSegments(segments, lines)]).then(() => undefined);
    }
    return this.loading;
  }

  /**
   * Sets the file's events aside as a segment and starts a new file: events keep arriving while these load.
   * When the file system refuses (an immutable file, a read-only folder), returns undefined: the events load from
   * memory all the same and stay in the file, to be set aside with a later load (loading them twice is harmless).
   */
  private setAside(): string | undefined {
    const segment = `${this.file}.${this.run}-${++this.segments}`;
    try {
      renameSync(this.current, segment);
    } catch (err) {
      this.onError(err);
      return undefined;
    }
    let fd: number;
    try {
      fd = openSync(this.file, 'a', 0o600);
    } catch (err) {
      // No new file (out of descriptors, say): go on appending to the one just set aside.
      this.onError(err);
      this.current = segment;
      return undefined;
    }
    const old = this.fd;
    this.fd = fd;
    this.current = this.file;
    try {
      closeSync(old);
    } catch (err) {
      this.onError(err);
    }
    return segment;
  }

  /**
   * Every event durable here and perhaps not yet in the database, as JSON lines: written since the last load, in a
   * load not yet committed, or in one that failed. Reads add these to the database's (by request id), so that
   * what a slow or failing database has not taken in is still counted.
   */
  pendingLines(): string {
    let lines = '';
    for (const load of this.inFlight) lines += load.lines;
    return lines + this.retry.lines + this.unloaded;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.loadNow();
    closeSync(this.fd);
  }

  /** Loads the events, then deletes their segments; on failure both wait for the next load (or start-up). */
  private async loadSegments(segments: string[], lines: string): Promise<void> {
    const load = { lines };
    this.inFlight.add(load);
    try {
      await this.load(lines);
    } catch (err) {
      this.onError(err);
      this.retry.segments.push(...segments);
      this.retry.lines += lines;
      return;
    } finally {
      this.inFlight.delete(load);
    }
    const loaded = this.undeleted.concat(segments);
    this.undeleted = [];
    for (const s of loaded) {
      try {
        unlinkSync(s);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        // Its events are in the database; a segment left behind is only replayed (harmlessly) at start-up.
        this.onError(err);
        this.undeleted.push(s);
      }
    }
  }

  /** What a previous process left: segments it had set aside and its last file. */
  private replay(): void {
    const dir = dirname(this.file);
    const prefix = `${basename(this.file)}.`;
    const leftovers = readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .map((f) => join(dir, f));
    if (existsSync(this.file)) {
      const segment = `${this.file}.${this.run}-0`;
      renameSync(this.file, segment);
      leftovers.push(segment);
    }
    let lines = '';
    for (const segment of leftovers) {
      const text = readFileSync(segment, 'utf8');
      // A torn last line (its write never completed, so neither did its response) must not join the next one.
      lines += text === '' || text.endsWith('\n') ? text : `${text}\n`;
    }
    if (leftovers.length > 0) this.loading = this.loadSegments(leftovers, lines);
  }
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
}
