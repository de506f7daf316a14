// The detector's state as storage records and back: counters, scores and reasons as JSON, the hashed sketches
// as one block of 32-bit numbers (little-endian). Client addresses are pseudonyms by then; no text is kept.
import { endianness } from 'node:os';
import type { AbuseProfileRecord } from '../store/ports.ts';
import type { CampaignSnapshot, OrgSnapshot } from './detector.ts';
import type { EnforcementAction } from './enforcement.ts';
import { SKETCHES, type ProfileState } from './profile.ts';

/** The stored shape's version: records of another are not read (those organisations' profiles start afresh). */
export const SNAPSHOT_VERSION = 2;

/** An organisation's snapshot, with the graded action already taken on it. */
export interface OrgRecord extends OrgSnapshot {
  action: EnforcementAction;
}

export type Unpacked = { kind: 'org'; snapshot: OrgRecord } | { kind: 'campaign'; snapshot: CampaignSnapshot };

const bigEndian = endianness() === 'BE';

export function packOrg(o: OrgRecord, at: string): AbuseProfileRecord {
  const { profile, ...rest } = o;
  return packed('org', o.org, at, profile, rest);
}

export function packCampaign(c: CampaignSnapshot, at: string): AbuseProfileRecord {
  return packed('campaign', c.root, at, c.profile, { root: c.root });
}

/** The snapshot a record holds; undefined for a record of another version or one that does not add up. */
export function unpack(r: AbuseProfileRecord): Unpacked | undefined {
  const { version, profile, sketch_lengths, ...rest } = r.state as {
    version: number;
    profile: Omit<ProfileState, 'sketches'>;
    sketch_lengths: number[];
  } & Record<string, unknown>;
  if (version !== SNAPSHOT_VERSION || !Array.isArray(sketch_lengths) || sketch_lengths.length !== SKETCHES.length)
    return undefined;
  const total = sketch_lengths.reduce((a, b) => a + b, 0);
  if (r.sketch.byteLength !== total * 4) return undefined;
  const all = new Uint32Array(total);
  new Uint8Array(all.buffer).set(r.sketch);
  if (bigEndian) Buffer.from(all.buffer).swap32();
  const sketches = {} as ProfileState['sketches'];
  let at = 0;
  SKETCHES.forEach((name, i) => {
    sketches[name] = all.subarray(at, at + sketch_lengths[i]!);
    at += sketch_lengths[i]!;
  });
  const state: ProfileState = { ...profile, sketches };
  if (r.kind === 'campaign') return { kind: 'campaign', snapshot: { root: r.subject, profile: state } };
  return { kind: 'org', snapshot: { ...(rest as Omit<OrgRecord, 'profile'>), org: r.subject, profile: state } };
}

function packed(
  kind: AbuseProfileRecord['kind'],
  subject: string,
  at: string,
  profile: ProfileState,
  rest: Record<string, unknown>,
): AbuseProfileRecord {
  const { sketches, ...plain } = profile;
  const lengths = SKETCHES.map((name) => sketches[name].length);
  const all = new Uint32Array(lengths.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const name of SKETCHES) {
    all.set(sketches[name], offset);
    offset += sketches[name].length;
  }
  if (bigEndian) Buffer.from(all.buffer).swap32();
  return {
    kind,
    subject,
    updated_at: at,
    state: { version: SNAPSHOT_VERSION, ...rest, profile: plain, sketch_lengths: lengths },
    sketch: new Uint8Array(all.buffer),
  };
}
