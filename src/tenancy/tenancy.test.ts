// Authenticating keys across a reload of everything (the bus's `all`) while the database does not answer: keys
// known before are served as they were, after a bounded wait; keys named by an eviction, and keys never seen, are not.
import { afterEach, describe, expect, it } from 'vitest';
import type { Invalidation, InvalidationBus, InvalidationListener } from '../store/invalidation.ts';
import type { KeyStore, Store } from '../store/ports.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { STALE_GRACE_MS, Tenancy } from './tenancy.ts';

/** A bus the test speaks on, as the other nodes (or the safety net) would. */
class TestBus implements InvalidationBus {
  private readonly listeners: InvalidationListener[] = [];
  publish(): void {}
  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }
  deliver(change: Invalidation): void {
    for (const l of this.listeners) void l(change);
  }
}

type Outage = 'none' | 'hangs' | 'refuses';

/** The store's key look-ups, which the test can make hang (a partition) or fail at once (the server is down). */
function keysWithOutage(keys: KeyStore): { keys: KeyStore; set(outage: Outage): void } {
  let outage: Outage = 'none';
  const findKeyByHash: KeyStore['findKeyByHash'] = (hash) => {
    if (outage === 'hangs') return new Promise(() => {});
    if (outage === 'refuses') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    return keys.findKeyByHash(hash);
  };
  return {
    keys: new Proxy(keys, { get: (target, p) => (p === 'findKeyByHash' ? findKeyByHash : Reflect.get(target, p)) }),
    set: (o) => (outage = o),
  };
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setUp() {
  store = await openSqliteStore(':memory:');
  const bus = new TestBus();
  const keys = keysWithOutage(store.keys);
  const tenancy = new Tenancy(store.orgs, keys.keys, bus);
  const org = await tenancy.createOrg({ name: 'Acme', country: 'DE' });
  const { record, secret } = await tenancy.createKey(org.id);
  expect(await tenancy.authenticate(secret)).toMatchObject({ key: { id: record.id } });
  return { tenancy, bus, keys, org, record, secret, store };
}

describe('Tenancy.authenticate across a reload of everything', () => {
  it('serves a key it knew after the grace wait while the database hangs, at once while it refuses', async () => {
    const { tenancy, bus, keys, record, secret } = await setUp();
    bus.deliver({ kind: 'all' });
    keys.set('hangs');
    const started = Date.now();
    expect(await tenancy.authenticate(secret)).toMatchObject({ key: { id: record.id } });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(STALE_GRACE_MS - 50);
    expect(waited).toBeLessThan(STALE_GRACE_MS + 2_000);
    keys.set('refuses');
    expect(await tenancy.authenticate(secret)).toMatchObject({ key: { id: record.id } });
  });

  it('looks the key up again once the database answers: a key revoked meanwhile is refused', async () => {
    const { tenancy, bus, store, org, record, secret } = await setUp();
    // Revoked by another node whose message was missed (hence the `all`).
    await store.keys.revokeKey(org.id, record.id, new Date().toISOString());
    bus.deliver({ kind: 'all' });
    expect(await tenancy.authenticate(secret)).toBeUndefined();
  });

  it('never serves a key an eviction named, nor one it never knew, while the database does not answer', async () => {
    const { tenancy, bus, keys, secret } = await setUp();
    bus.deliver({ kind: 'all' });
    const other = await tenancy.createKey((await tenancy.createOrg({ name: 'Other', country: 'FR' })).id);
    keys.set('refuses');
    await expect(tenancy.authenticate(other.secret)).rejects.toThrow(/ECONNREFUSED/);
    const principal = (await tenancy.authenticate(secret))!;
    bus.deliver({ kind: 'key', hash: principal.key.hash });
    await expect(tenancy.authenticate(secret)).rejects.toThrow(/ECONNREFUSED/);
  });
});
