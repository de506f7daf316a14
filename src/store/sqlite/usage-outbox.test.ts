import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gateway.ts';
import { usageEvent } from '../../../test/helpers/usage-event.ts';
import type { UsageEvent } from '../ports.ts';
import { UsageOutbox } from './usage-outbox.ts';

const event = (id: string): UsageEvent => usageEvent(id);
const quiet = { loadEveryMs: 60_000, loadAtCount: 1000 };
/** Request ids in JSON lines, skipping a torn line as the database load does. */
const ids = (lines: string): string[] =>
  lines.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l).request_id as string];
    } catch {
      return [];
    }
  });
const idsIn = (file: string) => ids(readFileSync(file, 'utf8'));

describe('usage outbox', () => {
  it('has an event on disk when record() resolves, and loads it into the database later', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    const loaded: string[] = [];
    const outbox = new UsageOutbox(file, (lines) => void loaded.push(...ids(lines)), quiet);
    await Promise.all([outbox.record(event('a')), outbox.record(event('b'))]);
    expect(idsIn(file)).toEqual(['a', 'b']);
    expect(loaded).toEqual([]);
    await outbox.loadNow();
    expect(loaded).toEqual(['a', 'b']);
    // Loaded events leave no file behind.
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
    expect(readFileSync(file, 'utf8')).toBe('');
    await outbox.close();
  });

  it('keeps events arriving during a slow load, and deletes a segment only once its load committed', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    let commit!: () => void;
    const loads: string[][] = [];
    const outbox = new UsageOutbox(
      file,
      (lines) => {
        loads.push(ids(lines));
        return new Promise<void>((r) => (commit = r));
      },
      quiet,
    );
    await outbox.record(event('a'));
    const loaded = outbox.loadNow();
    await outbox.record(event('b'));
    // 'a' waits in its segment until the database has it; 'b' is in the new file.
    expect(readdirSync(dir)).toHaveLength(2);
    expect(idsIn(file)).toEqual(['b']);
    commit();
    await loaded;
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
    const rest = outbox.close();
    commit();
    await rest;
    expect(loads).toEqual([['a'], ['b']]);
  });

  it('tries a failed load again with the next one, keeping its segment until then', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    let fail = true;
    const loaded: string[] = [];
    const errors: unknown[] = [];
    const outbox = new UsageOutbox(
      file,
      async (lines) => {
        if (fail) throw new Error('database is locked');
        loaded.push(...ids(lines));
      },
      quiet,
      (err) => errors.push(err),
    );
    await outbox.record(event('a'));
    await outbox.loadNow();
    expect(errors).toHaveLength(1);
    expect(readdirSync(dir)).toHaveLength(2);
    fail = false;
    await outbox.record(event('b'));
    await outbox.loadNow();
    expect(loaded).toEqual(['a', 'b']);
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
    await outbox.close();
  });

  it('writes a lone event at once, and the events that follow in the same turn together', async () => {
    const file = join(tempDir(), 'outbox.jsonl');
    const outbox = new UsageOutbox(file, () => {}, quiet);
    const first = outbox.record(event('a'));
    expect(idsIn(file)).toEqual(['a']);
    const rest = [outbox.record(event('b')), outbox.record(event('c'))];
    expect(idsIn(file)).toEqual(['a']);
    await Promise.all([first, ...rest]);
    expect(idsIn(file)).toEqual(['a', 'b', 'c']);
    await outbox.close();
  });

  it('replays what a crashed process left (its file and a segment it had set aside), skipping a torn last line', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    const first = new UsageOutbox(file, () => {}, quiet);
    await first.record(event('x'));
    await first.record(event('y'));
    // Simulate a crash: the process dies without loading (no close()), with a torn write, and with a segment
    // whose load never committed.
    appendFileSync(file, '{"request_id":"z","ts"');
    writeFileSync(`${file}.old-1`, `${JSON.stringify(event('w'))}\n`);
    const replayed: string[] = [];
    const second = new UsageOutbox(file, (lines) => void replayed.push(...ids(lines)));
    await second.loadNow();
    expect(replayed.sort()).toEqual(['w', 'x', 'y']);
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
    expect(readFileSync(file, 'utf8')).toBe('');
    await second.close();
  });

  it('refuses the events of a write the disk cut short, and keeps the next events whole', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    const loaded: string[] = [];
    const outbox = new UsageOutbox(file, (lines) => void loaded.push(...ids(lines)), quiet);
    await outbox.record(event('a'));
    // A file-size limit on this (forked) test process stands in for a full disk: the next write gets part of
    // its line onto the file, then fails (EFBIG) as a write to a full disk fails with ENOSPC.
    const limit = (soft: string) =>
      execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${soft}:unlimited`]);
    limit(String(statSync(file).size + 100));
    try {
      await expect(outbox.record(event('b'))).rejects.toThrow(/EFBIG/);
    } finally {
      limit('unlimited');
    }
    expect(statSync(file).size).toBeGreaterThan(readFileSync(file, 'utf8').indexOf('\n') + 1);
    await outbox.record(event('c'));
    // 'b' is a torn line of its own; 'c', written after it, is whole.
    expect(idsIn(file)).toEqual(['a', 'c']);
    await outbox.loadNow();
    expect(loaded).toEqual(['a', 'c']);
    await outbox.close();
  });

  it('reports a file it cannot set aside, loads its events anyway, and sets it aside once it can', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    const loaded: string[] = [];
    const errors: unknown[] = [];
    const outbox = new UsageOutbox(
      file,
      (lines) => void loaded.push(...ids(lines)),
      quiet,
      (err) => errors.push(err),
    );
    await outbox.record(event('a'));
    const release = unmovable(file);
    try {
      // The storage fault is reported, not thrown (from the load timer it ended the process), and 'a' is not dropped.
      await outbox.loadNow();
    } finally {
      release();
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/EPERM|EACCES/);
    expect(loaded).toEqual(['a']);
    // Still in the file: a crash now replays it, harmlessly (by request id).
    expect(idsIn(file)).toEqual(['a']);
    await outbox.record(event('b'));
    await outbox.loadNow();
    expect(loaded).toEqual(['a', 'b']);
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
    await outbox.close();
  });

  it('from its load timer too: the process lives on, and what was written is loaded once storage recovers', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.jsonl');
    let fail = true;
    const loaded: string[] = [];
    const errors: unknown[] = [];
    const outbox = new UsageOutbox(
      file,
      async (lines) => {
        if (fail) throw new Error('database is locked');
        loaded.push(...ids(lines));
      },
      { loadEveryMs: 10, loadAtCount: 1000 },
      (err) => errors.push(err),
    );
    await outbox.record(event('a'));
    const release = unmovable(file);
    try {
      for (let i = 0; i < 50 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      release();
    }
    expect(errors.length).toBeGreaterThanOrEqual(2);
    fail = false;
    await outbox.record(event('b'));
    await outbox.loadNow();
    expect(loaded.sort()).toEqual(['a', 'b']);
    await outbox.close();
    expect(readdirSync(dir)).toEqual(['outbox.jsonl']);
  });
});

/**
 * Makes renaming `file` fail: immutable (chattr +i, as root), else its folder read-only (which root ignores).
 * Returns the undo.
 */
function unmovable(file: string): () => void {
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', file]);
  } catch {
    chmodSync(dirname(file), 0o555);
    return () => chmodSync(dirname(file), 0o755);
  }
}
