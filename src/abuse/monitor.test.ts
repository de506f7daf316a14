// The online monitor's storage: snapshots that fail are retried, and never stop a shutdown.
import { describe, expect, it } from 'vitest';
import { harvestPrompt } from '../../test/helpers/harvest.ts';
import type { AbuseProfileRecord, AbuseStore } from '../store/ports.ts';
import { abuseConfigSchema } from './enforcement.ts';
import { AbuseMonitor } from './monitor.ts';
import { Pseudonyms } from './pseudonyms.ts';

function failingStore(failures: number): AbuseStore & { saved: AbuseProfileRecord[] } {
  let left = failures;
  const saved: AbuseProfileRecord[] = [];
  return {
    saved,
    profiles: async () => [],
    alerts: async () => [],
    appendAlert: async () => true,
    saveProfiles: async (records) => {
      if (left-- > 0) throw new Error('SQLITE_FULL: database or disk is full');
      saved.push(...records);
    },
  };
}

const monitorWith = (store: AbuseStore, errors: unknown[]) =>
  new AbuseMonitor(
    abuseConfigSchema.parse({}),
    { getOrg: async () => undefined, listOrgs: async () => [] } as never,
    {} as never,
    {} as never,
    (err) => errors.push(err),
    { store, pseudonyms: new Pseudonyms('secret') },
  );

const request = (org: string) => ({
  ts: '2026-03-02T10:00:00Z',
  org,
  key: 'k',
  ip: '192.0.2.1',
  request: { model: 'm', messages: [{ role: 'user', content: 'hello there' }] },
  response: { usage: { prompt_tokens: 5, completion_tokens: 9 } },
});

describe('abuse monitor storage', () => {
  it('reports a last snapshot that cannot be written, and closes', async () => {
    const errors: unknown[] = [];
    const monitor = monitorWith(failingStore(Infinity), errors);
    await monitor.start();
    monitor.observe(request('org_a'));
    await expect(monitor.close()).resolves.toBeUndefined();
    expect(String(errors[0])).toMatch(/disk is full/);
  });

  it('writes what a failed snapshot held with the next one, addresses hashed', async () => {
    const store = failingStore(1);
    const monitor = monitorWith(store, []);
    await monitor.start();
    monitor.observe(request('org_a'));
    await expect(monitor.snapshot()).rejects.toThrow(/disk is full/);
    await monitor.snapshot();
    expect(store.saved.map((r) => r.subject)).toEqual(['org_a']);
    expect(JSON.stringify(store.saved[0]!.state)).not.toContain('192.0.2.1');
    expect((store.saved[0]!.state.profile as { ips: string[] }).ips).toEqual([
      new Pseudonyms('secret').address('192.0.2.1'),
    ]);
    await monitor.close();
  });
});

describe('abuse monitor and vetting', () => {
  it('holds the use declared in the application against the traffic', async () => {
    const declared: Record<string, string> = { org_a: 'sentiment classification of customer reviews' };
    const monitor = new AbuseMonitor(
      abuseConfigSchema.parse({ mode: 'alert_only' }),
      {
        getOrg: async (id: string) => ({ id, name: id, country: 'US', created_at: '2020-01-01T00:00:00Z' }),
        listOrgs: async () => [],
      } as never,
      {
        getApplication: async (id: string) => (declared[id] ? { data: { intended_use: declared[id] } } : undefined),
      } as never,
      { append: async () => undefined } as never,
      () => undefined,
    );
    // Long answers to one-shot prompts over ever-new subjects: what a classifier never asks for.
    for (const org of ['org_a', 'org_b'])
      for (let i = 0; i < 120; i++)
        monitor.observe({
          ...request(org),
          ts: new Date(Date.parse('2026-03-02T10:00:00Z') + i * 97_000).toISOString(),
          request: { model: 'm', messages: [{ role: 'user', content: harvestPrompt(i) }] },
          response: { usage: { prompt_tokens: 12, completion_tokens: 900 } },
        });
    await monitor.drain();
    const a = monitor.detector.verdict('org_a')!;
    const b = monitor.detector.verdict('org_b')!;
    expect(a.evidence.map((e) => e.family)).toContain('declared_use');
    expect(b.evidence.map((e) => e.family)).not.toContain('declared_use');
    expect(a.score).toBeGreaterThan(b.score);
  });
});
