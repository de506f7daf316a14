// Signed checkpoints of the audit chain's head, kept outside the database: removing the newest entries or
// rewriting the whole chain (every hash recomputed) is detected by `conduit audit verify` (exit 1).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash, type AuditEntry } from '../../src/audit/chain.ts';
import { ConfigError, validateConfig } from '../../src/config/load.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const run = promisify(execFile);
const verifyCli = (gw: TestGateway) =>
  run('node', ['bin/conduit.mjs', 'audit', 'verify'], {
    env: { ...process.env, CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});
const start = async (opts: Parameters<typeof startTestGateway>[0] = {}) => {
  const gw = await startTestGateway(opts);
  open.push(gw);
  return gw;
};
const withDb = <T>(dataDir: string, fn: (db: Database.Database) => T): T => {
  const db = new Database(join(dataDir, 'conduit.sqlite'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const audited = async (gw: TestGateway, n: number) => {
  for (let i = 0; i < n; i++)
    expect((await gw.admin('POST', '/orgs', { name: `Audited ${i} Ltd`, country: 'FR' })).status).toBe(201);
};

describe('audit checkpoints', () => {
  it('deleting the newest entry is detected: verify exits 1 and names the removal', async () => {
    const dataDir = tempDir();
    const gw = await start({ dataDir });
    await audited(gw, 3);
    const intact = await verifyCli(gw);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/audit log intact: \d+ entries; matches the signed checkpoint at entry \d+/);

    const last = withDb(dataDir, (db) => {
      const { seq } = db.prepare('select max(seq) as seq from audit_log').get() as { seq: number };
      db.prepare('delete from audit_log where seq = ?').run(seq);
      return seq;
    });
    const broken = await verifyCli(gw);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`audit log BROKEN: .*entry ${last}.*removed`));
    expect((await gw.admin('GET', '/audit/verify')).body).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', seq: last },
    });
  });

  it('rewriting the chain from some entry on, every hash recomputed, is detected', async () => {
    const dataDir = tempDir();
    const gw = await start({ dataDir });
    await audited(gw, 3);
    expect((await gw.admin('GET', '/audit/verify')).body.ok).toBe(true);

    const from = withDb(dataDir, (db) => {
      const rows = db.prepare('select * from audit_log order by seq').all() as Array<Record<string, unknown>>;
      const entries = rows.map((r) => ({ ...r, data: r.data ? JSON.parse(String(r.data)) : null }) as AuditEntry);
      const target = entries.findIndex((e) => e.action === 'org.created');
      let prev = entries[target - 1]?.hash ?? '0'.repeat(64);
      const update = db.prepare('update audit_log set reason = ?, prev_hash = ?, hash = ? where seq = ?');
      for (const e of entries.slice(target)) {
        const rest = {
          ...e,
          prev_hash: prev,
          reason: e.seq === entries[target]!.seq ? 'nothing to see here' : e.reason,
        };
        delete (rest as Partial<AuditEntry>).hash;
        prev = entryHash(rest);
        update.run(rest.reason, rest.prev_hash, prev, e.seq);
      }
      return entries[target]!.seq;
    });
    const report = (await gw.admin('GET', '/audit/verify')).body;
    expect(report).toMatchObject({ ok: false, problem: { kind: 'rewritten' } });
    expect(report.problem.seq).toBeGreaterThanOrEqual(from);
    const cli = await verifyCli(gw);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/rewritten/);
  });

  it('checkpoints are Ed25519 JWS lines in DATA/audit-checkpoints.jsonl that verify with the public JWKS; an edited line is reported', async () => {
    const dataDir = tempDir();
    const gw = await start({ dataDir });
    await audited(gw, 2);
    const report = (await gw.admin('GET', '/audit/verify')).body;
    expect(report.ok).toBe(true);
    const file = join(dataDir, 'audit-checkpoints.jsonl');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const latest = lines.at(-1);
    expect(latest).toMatchObject({ seq: report.entries, kid: expect.any(String) });
    const jwks = createLocalJWKSet((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload, protectedHeader } = await compactVerify(latest.jws, jwks);
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ seq: latest.seq, hash: latest.hash });

    // Claiming a shorter chain in a checkpoint line (to hide a truncation) breaks its signature.
    lines[lines.length - 1] = { ...latest, seq: latest.seq - 1 };
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect((await gw.admin('GET', '/audit/verify')).body).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint_invalid' },
    });
  });

  it('a truncation while the gateway was down is still detected after it restarts and appends again', async () => {
    const dataDir = tempDir();
    let gw = await start({ dataDir });
    await audited(gw, 3);
    await gw.close();
    open.pop();
    withDb(dataDir, (db) => db.prepare('delete from audit_log where seq > (select max(seq) - 2 from audit_log)').run());
    gw = await start({ dataDir });
    await audited(gw, 1);
    const report = (await gw.admin('GET', '/audit/verify')).body;
    expect(report.ok).toBe(false);
    expect(['truncated', 'rewritten']).toContain(report.problem.kind);
  });

  it('also POSTs each checkpoint to audit.checkpoint_url, and the config refuses a URL that is not http(s)', async () => {
    const received: string[] = [];
    const sink: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        if (req.headers.authorization === 'Bearer sink-secret') received.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    sink.listen(0, '127.0.0.1');
    await once(sink, 'listening');
    open.push({ close: () => new Promise<void>((r) => sink.close(() => r())) });
    process.env.TEST_CHECKPOINT_TOKEN = 'sink-secret';
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/checkpoints`;
    const config = (audit: Record<string, unknown>) => ({
      regions: [{ id: 'eu', country: 'IE' }],
      vendors: [{ id: 'sim' }],
      providers: [{ id: 'sim', vendor: 'sim', type: 'simulator', region: 'eu', models: [{ model: 'm' }] }],
      models: [{ name: 'm', vendor: 'sim' }],
      audit,
    });
    const gw = await start({
      config: config({ checkpoint_url: url, checkpoint_url_token_env: 'TEST_CHECKPOINT_TOKEN' }),
    });
    await audited(gw, 1);
    const report = (await gw.admin('GET', '/audit/verify')).body;
    expect(report.ok).toBe(true);
    for (let i = 0; i < 100 && !received.some((b) => JSON.parse(b).seq === report.entries); i++)
      await new Promise((r) => setTimeout(r, 20));
    const posted = received.map((b) => JSON.parse(b)).find((c) => c.seq === report.entries);
    expect(posted).toMatchObject({ seq: report.entries, jws: expect.any(String) });

    expect(() => validateConfig(config({ checkpoint_url: 'ftp://example.com/x' }))).toThrow(
      /audit\.checkpoint_url: must be an http\(s\) URL/,
    );
    expect(() => validateConfig(config({ checkpoint_file: '' }))).toThrow(ConfigError);
  });
});
