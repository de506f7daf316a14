// Two gateway nodes on one PostgreSQL database: what an operator does through one node works on the other, as a
// customer sees it through the official SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.ts';
import { createTestCluster, type TestCluster } from '../helpers/cluster.ts';

describe('two nodes on one PostgreSQL', () => {
  let cluster: TestCluster;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    // With Redis: the bus that tells nodes what an operator changed (without it, caches reload every 30 s).
    cluster = await createTestCluster({ redis: true });
    // Started together: the migrations run once, and the signing key is made once.
    [a, b] = await Promise.all([cluster.startNode(), cluster.startNode()]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('an organisation and key created through node A serve on node B', async () => {
    const { key, orgId } = await a.newOrgKey({ name: 'Shared Co' });
    const reply = await b.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello from B' }],
    });
    expect(reply.choices[0]!.message.content).toContain('[simulated]');
    const onA = await a.admin('GET', `/orgs/${orgId}/usage`);
    expect(onA.status).toBe(200);
    expect(onA.body.totals?.requests ?? onA.body.requests).toBe(1);
  });

  it('both nodes publish the same signing keys, and either verifies what the other served', async () => {
    const jwksA = (await (await fetch(`${a.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    const jwksB = await (await fetch(`${b.url}/.well-known/jwks.json`)).json();
    expect(jwksA.keys.length).toBe(1);
    expect(jwksB).toEqual(jwksA);
    const { key } = await a.newOrgKey();
    const reply = await a.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'write a few sentences about rivers and the sea' }],
    });
    const text = reply.choices[0]!.message.content!;
    // Fingerprints are registered after delivery: give node A's registry a moment.
    const deadline = Date.now() + 5_000;
    let verdict: { match?: boolean } = {};
    while (Date.now() < deadline) {
      const res = await fetch(`${b.url}/v1/provenance/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      verdict = (await res.json()) as { match?: boolean };
      if (verdict.match) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(verdict.match).toBe(true);
  });

  it('a key revoked through node A stops working on node B within one second', async () => {
    const { key, keyId, orgId } = await a.newOrgKey();
    const onB = b.client(key);
    const ask = () => onB.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await ask(); // B now holds the key in its cache.
    expect((await a.admin('DELETE', `/orgs/${orgId}/keys/${keyId}`)).status).toBe(200);
    const revoked = Date.now();
    let refusedAfter: number | undefined;
    while (Date.now() - revoked < 3_000) {
      const status = await ask().then(
        () => 200,
        (err: { status?: number }) => err.status,
      );
      if (status === 401) {
        refusedAfter = Date.now() - revoked;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(refusedAfter).toBeDefined();
    expect(refusedAfter!).toBeLessThan(1_000);
  });

  it('a policy changed through node A applies on node B', async () => {
    const { key } = await a.newOrgKey({ country: 'FR' });
    const ask = () =>
      b.client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await ask();
    const change = await a.admin('PUT', '/policy', {
      reason: 'contract: no service to FR from this vendor',
      policy: { rules: [{ id: 'no-fr', effect: 'deny', reason: 'not in FR', when: { customer_country: ['FR'] } }] },
    });
    expect(change.status).toBe(200);
    const deadline = Date.now() + 3_000;
    let status: number | undefined = 200;
    while (Date.now() < deadline && status === 200) {
      status = await ask().then(
        () => 200,
        (err: { status?: number }) => err.status,
      );
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(403);
    expect((await b.admin('GET', '/policy')).body.version).toBe(change.body.version);
  });

  it('limits, preferences and a suspension set through node A apply on node B within a second', async () => {
    const { key, orgId } = await a.newOrgKey();
    const ask = () =>
      b
        .client(key)
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => 200,
          (err: { status?: number }) => err.status,
        );
    expect(await ask()).toBe(200); // B now holds the organisation in its cache.
    /** How long after `change` node B answers `expected` (bounded by 3 s). */
    const within = async (change: () => Promise<{ status: number }>, expected: number) => {
      expect((await change()).status).toBe(200);
      const changed = Date.now();
      while (Date.now() - changed < 3_000) {
        if ((await ask()) === expected) return Date.now() - changed;
        await new Promise((r) => setTimeout(r, 25));
      }
      return Infinity;
    };
    // The customer excludes the model for itself: B routes nothing to it.
    const excluded = await within(
      () => a.admin('PUT', `/orgs/${orgId}/preferences`, { models: { deny: ['gpt-4o'] } }),
      403,
    );
    expect(excluded).toBeLessThan(1_000);
    expect((await a.admin('PUT', `/orgs/${orgId}/preferences`, {})).status).toBe(200);
    // A request limit of 1 a minute (the requests B already served count: the window is shared through Redis).
    const limited = await within(() => a.admin('PUT', `/orgs/${orgId}/limits`, { requests_per_minute: 1 }), 429);
    expect(limited).toBeLessThan(1_000);
    expect((await a.admin('PUT', `/orgs/${orgId}/limits`, {})).status).toBe(200);
    // Compliance suspends the organisation through A: B refuses it.
    const suspended = await within(
      () => a.admin('POST', `/orgs/${orgId}/suspend`, { reason: 'suspended while we look into it' }),
      403,
    );
    expect(suspended).toBeLessThan(1_000);
  });

  it('two price book changes made at once on two nodes: one is saved, the other gets a clear 409', async () => {
    const current = (await a.admin('GET', '/pricing')).body;
    // Both nodes start from the same version; neither has heard of the other's change yet.
    const change = (node: TestGateway, reason: string) =>
      node.admin('PUT', '/pricing', { book: current.book, reason, base_version: current.version });
    const replies = await Promise.all([change(a, 'change made on A'), change(b, 'change made on B')]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const refused = replies.find((r) => r.status === 409)!;
    expect(refused.body.error.code).toBe('version_conflict');
    expect(refused.body.error.param).toBe('base_version');
    expect(refused.body.error.message).toMatch(/read the price book again/);
    const saved = replies.find((r) => r.status === 200)!;
    expect(saved.body.version).toBe(current.version + 1);
    // Made again on top of the saved version, the refused change goes through on either node.
    const retried = await b.admin('PUT', '/pricing', {
      book: current.book,
      reason: 'made again on top',
      base_version: saved.body.version,
    });
    expect(retried.status).toBe(200);
    expect(retried.body.version).toBe(current.version + 2);
    // The same holds for the policy, with or without a base version: two saves of one version never both land.
    const policy = { rules: [] };
    const both = await Promise.all([
      a.admin('PUT', '/policy', { policy, reason: 'policy from A' }),
      b.admin('PUT', '/policy', { policy, reason: 'policy from B' }),
    ]);
    const versions = both.filter((r) => r.status === 200).map((r) => r.body.version);
    expect(new Set(versions).size).toBe(versions.length);
    for (const r of both) if (r.status !== 200) expect(r.body.error.code).toBe('version_conflict');
  });

  it('a signing key rotated through node A signs on node B, and both publish it', async () => {
    const rotated = await a.admin('POST', '/provenance/keys/rotate', {});
    expect(rotated.status).toBeLessThan(300);
    const kid = rotated.body.key.kid as string;
    expect(kid).toBeTruthy();
    const { key } = await a.newOrgKey();
    const deadline = Date.now() + 3_000;
    let signedBy: string | undefined;
    while (Date.now() < deadline) {
      const res = await b
        .client(key)
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      const manifest = res.response.headers.get('x-conduit-provenance') ?? '';
      signedBy = JSON.parse(Buffer.from(manifest.split('.')[0] ?? '', 'base64url').toString() || '{}').kid;
      if (signedBy === kid) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(signedBy).toBe(kid);
    const jwksA = await (await fetch(`${a.url}/.well-known/jwks.json`)).json();
    const jwksB = await (await fetch(`${b.url}/.well-known/jwks.json`)).json();
    expect(jwksB).toEqual(jwksA);
  });

  it('a node without CONDUIT_KEY_ENCRYPTION_KEY refuses to start, rather than sealing keys with one of its own', async () => {
    const kek = process.env.CONDUIT_KEY_ENCRYPTION_KEY;
    delete process.env.CONDUIT_KEY_ENCRYPTION_KEY;
    try {
      await expect(cluster.startNode()).rejects.toThrow(/CONDUIT_KEY_ENCRYPTION_KEY must be set in cluster mode/);
    } finally {
      process.env.CONDUIT_KEY_ENCRYPTION_KEY = kek;
    }
  });
});
