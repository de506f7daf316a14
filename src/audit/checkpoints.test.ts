import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryHash, GENESIS, verifyChain, type AuditEntry } from './chain.ts';
import { CheckpointFile } from './checkpoint-sinks.ts';
import { AuditCheckpoints } from './checkpoints.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const keys = {
  signingKey: () => ({ kid: 'k1', privateKey }),
  publicJwk: (kid: string) =>
    kid === 'k1' ? { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid } : undefined,
};

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const entry = {
      seq,
      ts: '2026-01-01T00:00:00.000Z',
      actor: 'a',
      action: 'x',
      subject_type: 'org',
      subject_id: 'o',
      reason: null,
      data: null,
      prev_hash: out.at(-1)?.hash ?? GENESIS,
    };
    out.push({ ...entry, hash: entryHash(entry) });
  }
  return out;
}

function setup(delayMs = 10_000) {
  const path = join(mkdtempSync(join(tmpdir(), 'conduit-cp-')), 'audit-checkpoints.jsonl');
  return {
    path,
    checkpoints: new AuditCheckpoints(keys, new CheckpointFile(path), [], delayMs, (err) => {
      throw err;
    }),
  };
}
const check = async (cp: AuditCheckpoints, entries: AuditEntry[]) =>
  cp.check(entries, verifyChain(entries), await cp.load());

describe('audit checkpoints', () => {
  it('appends within the delay share one checkpoint, of the newest head', async () => {
    const { path, checkpoints } = setup();
    const entries = chain(3);
    for (const e of entries) checkpoints.appended({ seq: e.seq, hash: e.hash });
    await checkpoints.flush();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 3, hash: entries[2]!.hash, kid: 'k1' });
    expect(await check(checkpoints, entries)).toMatchObject({ ok: true, checkpoint: { seq: 3 } });
    expect(await check(checkpoints, entries.slice(0, 2))).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', seq: 3 },
    });
  });

  it('a line cut short by a crash is skipped, and the next checkpoint starts a line of its own', async () => {
    const { path, checkpoints } = setup();
    const entries = chain(2);
    checkpoints.appended({ seq: 1, hash: entries[0]!.hash });
    await checkpoints.flush();
    appendFileSync(path, '{"seq":2,"hash":"ab');
    checkpoints.appended({ seq: 2, hash: entries[1]!.hash });
    await checkpoints.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
    expect(await check(checkpoints, entries)).toMatchObject({ ok: true, checkpoint: { seq: 2 } });
  });

  it('an unsigned line that disagrees with the chain is reported as such, not as a rewrite', async () => {
    const { path, checkpoints } = setup();
    const entries = chain(3);
    checkpoints.appended({ seq: 3, hash: entries[2]!.hash });
    await checkpoints.flush();
    appendFileSync(path, `${JSON.stringify({ seq: 2, hash: 'f'.repeat(64), at: 'now', kid: 'k1', jws: 'x.y.z' })}\n`);
    expect(await check(checkpoints, entries)).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint_invalid', seq: 2 },
    });
  });
});
