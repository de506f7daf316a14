// A detector restored from a snapshot goes on exactly as the one that never stopped: every profile, sketch,
// campaign and flag survives packing for storage and back.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gateway.ts';
import { trafficKit as findTrafficKit } from '../../test/helpers/traffic-kit.ts';
import { Detector, type CampaignSnapshot, type OrgSnapshot } from './detector.ts';
import type { OrgInfo, TrafficRecord } from './record.ts';
import { packCampaign, packOrg, unpack } from './snapshot.ts';

const kit = findTrafficKit();
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe.skipIf(!existsSync(join(kit, 'gen.mjs')))('detector snapshots', () => {
  it('restore a detector that then scores the rest of the traffic as the uninterrupted one does', () => {
    const dir = tempDir('conduit-snapshot-');
    execFileSync(
      'node',
      [join(kit, 'gen.mjs'), '--profile', join(kit, 'dev-profile.json'), '--seed', '11', '--out', dir],
      { stdio: 'ignore' },
    );
    const traffic = lines(join(dir, 'traffic.jsonl')) as TrafficRecord[];
    const orgs = lines(join(dir, 'orgs.jsonl')) as OrgInfo[];
    const fresh = () => {
      const d = new Detector();
      for (const info of orgs) d.addOrgInfo(info);
      return d;
    };
    const whole = fresh();
    const first = fresh();
    // Snapshots early on and half way, then the restored detector takes the rest.
    const [early, half] = [Math.floor(traffic.length / 20), traffic.length >> 1];
    traffic.slice(0, early).forEach((r) => {
      whole.observe(r);
      first.observe(r);
    });
    // Two snapshots, as a running monitor takes them: the second writes only what changed since the first.
    const stored = new Map<string, ReturnType<typeof packOrg>>();
    const save = () => {
      const changes = first.takeChanges();
      for (const o of changes.orgs) stored.set(`org:${o.org}`, packOrg({ ...o, action: 'none' }, 'now'));
      for (const c of changes.campaigns) stored.set(`campaign:${c.root}`, packCampaign(c, 'now'));
      for (const root of changes.droppedCampaigns) stored.delete(`campaign:${root}`);
    };
    save();
    traffic.slice(early, half).forEach((r) => {
      whole.observe(r);
      first.observe(r);
    });
    save();
    expect(first.takeChanges().orgs).toEqual([]);

    // Everything a detector holds, sketches and links included (marked changed, then taken).
    const everything = (d: Detector) => {
      const verdicts = d.verdicts(false);
      const roots = [
        ...new Set(
          verdicts.map((v) => v.campaign?.slice('campaign_'.length)).filter((r): r is string => r !== undefined),
        ),
      ];
      d.unsaved({
        orgs: verdicts.map((v) => ({ org: v.org }) as OrgSnapshot),
        campaigns: roots.map((root) => ({ root }) as CampaignSnapshot),
        droppedCampaigns: [],
      });
      const { orgs, campaigns } = d.takeChanges();
      return {
        orgs: orgs.sort((a, b) => a.org.localeCompare(b.org)),
        campaigns: campaigns.sort((a, b) => a.root.localeCompare(b.root)),
        // How many organisations each address served: what links a newcomer to a campaign.
        addresses: verdicts.map((v) => d.evidence(v.org)!.addresses),
      };
    };
    // Campaigns merged into others are gone from storage.
    const roots = new Set(first.verdicts(false).map((v) => v.campaign));
    for (const key of stored.keys())
      if (key.startsWith('campaign:')) expect(roots).toContain(`campaign_${key.slice('campaign:'.length)}`);
    const restored = fresh();
    const unpacked = [...stored.values()].map((r) => unpack(structuredClone(r))!);
    restored.restore(
      unpacked.filter((u) => u.kind === 'org').map((u) => u.snapshot as OrgSnapshot),
      unpacked.filter((u) => u.kind === 'campaign').map((u) => u.snapshot as CampaignSnapshot),
    );
    expect(restored.verdicts(false)).toEqual(whole.verdicts(false));
    expect(everything(restored)).toEqual(everything(whole));
    for (const r of traffic.slice(half)) {
      whole.observe(r);
      restored.observe(r);
    }
    const expected = whole.verdicts();
    expect(expected.some((v) => v.flagged && v.campaign !== null)).toBe(true);
    expect(restored.verdicts()).toEqual(expected);
    expect(everything(restored)).toEqual(everything(whole));
  });

  it('leave a record of another version unread', () => {
    const d = new Detector();
    d.observe({
      ts: '2026-03-02T00:00:00Z',
      org: 'a',
      key: 'k',
      ip: 'adr_x',
      request: { model: 'm', messages: [{ role: 'user', content: 'hello there' }] },
      response: {},
    });
    const [org] = d.takeChanges().orgs;
    const record = packOrg({ ...org!, action: 'flag' }, 'now');
    expect(unpack(record)).toMatchObject({ kind: 'org', snapshot: { org: 'a', action: 'flag', root: 'a' } });
    expect(unpack({ ...record, state: { ...record.state, version: 99 } })).toBeUndefined();
    expect(unpack({ ...record, sketch: record.sketch.subarray(4) })).toBeUndefined();
  });

  it('drop a campaign merged into another from storage', () => {
    const d = new Detector();
    const record = (org: string, i: number): TrafficRecord => ({
      ts: `2026-03-02T00:00:0${i}Z`,
      org,
      key: org,
      ip: 'adr_shared',
      request: { model: 'm', messages: [{ role: 'user', content: `prompt ${org} ${i}` }] },
      response: {},
    });
    for (const org of ['c', 'b', 'a']) d.addOrgInfo({ org, registered_at: '2026-03-01T00:00:00Z' });
    for (let i = 0; i < 10; i++) d.observe(record(i % 2 ? 'c' : 'b', i));
    expect(d.takeChanges().campaigns.map((c) => c.root)).toEqual(['b']);
    // 'a' sorts first: the linked group's root, and its campaign, become 'a'.
    d.observe(record('a', 0));
    d.observe(record('b', 1));
    const changes = d.takeChanges();
    expect(changes.campaigns.map((c) => c.root)).toEqual(['a']);
    expect(changes.droppedCampaigns).toEqual(['b']);
    expect(changes.orgs.map((o) => [o.org, o.root])).toEqual([
      ['a', 'a'],
      ['c', 'a'],
      ['b', 'a'],
    ]);
  });
});
