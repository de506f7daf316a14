// The SQLite fingerprint store: writes on its writer thread, reads on the gateway's connection.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/gateway.ts';
import { openSqliteStore } from './index.ts';

describe('SQLite fingerprint store', () => {
  it('writes on its thread what the gateway then reads, and purges by age', async () => {
    const store = await openSqliteStore(tempDir('conduit-fp-'));
    // More than one write transaction's worth (500), from two days.
    const outputs = Array.from({ length: 1200 }, (_, i) => ({
      request_id: `req_${i}`,
      org_id: 'org_a',
      created_at: i < 200 ? '2026-11-01T00:00:00.000Z' : '2026-11-02T00:00:00.000Z',
      manifest: `manifest-${i}`,
      fingerprints: [i * 16 + 1, i * 16 + 2, i * 16 + 3],
    }));
    await store.fingerprints.register(outputs);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 1200, fingerprints: 3600 });

    const hits = await store.fingerprints.lookup([700 * 16 + 2]);
    expect(hits).toHaveLength(1);
    const [found] = await store.fingerprints.outputs([hits[0]!.output_id]);
    expect(found).toMatchObject({ request_id: 'req_700', manifest: 'manifest-700', fingerprint_count: 3 });
    expect([...found!.fingerprints]).toEqual([700 * 16 + 1, 700 * 16 + 2, 700 * 16 + 3]);

    expect(await store.fingerprints.purge('2026-11-02T00:00:00.000Z')).toBe(200);
    expect(await store.fingerprints.stats()).toEqual({ outputs: 1000, fingerprints: 3000 });
    expect(await store.fingerprints.lookup([5 * 16 + 1])).toEqual([]);
    await store.close();
  });
});
