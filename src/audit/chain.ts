// The hash chain: each audit entry carries the hash of the one before it, so altering, removing or reordering
// any entry breaks every hash after it.
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../store/ports.ts';

export type AuditEntry = AuditRecord;

export type NewAuditEntry = Pick<AuditEntry, 'actor' | 'action' | 'subject_type' | 'subject_id'> & {
  reason?: string | null;
  data?: Record<string, unknown> | null;
};

export const GENESIS = '0'.repeat(64);

/** JSON with keys sorted at every level, so the same entry always hashes the same. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonical(entry)).digest('hex');
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /**
   * The first entry at which the chain breaks, and why. Against signed checkpoints (checkpoints.ts): `truncated`
   * (entries a checkpoint covered are gone from the end), `rewritten` (an entry differs from the one a checkpoint
   * signed, although the chain is consistent: every hash after it was recomputed), `checkpoint_invalid`.
   */
  problem?: {
    seq: number;
    kind: 'altered' | 'removed_or_reordered' | 'truncated' | 'rewritten' | 'checkpoint_invalid';
    message: string;
  };
  /** The newest signed checkpoint the chain was checked against (null: none yet, or checkpoints are off). */
  checkpoint?: { seq: number; hash: string; at: string; kid: string } | null;
}

export function verifyChain(entries: readonly AuditEntry[]): ChainReport {
  let prev = GENESIS;
  let expectedSeq = entries[0]?.seq ?? 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq || e.prev_hash !== prev) {
      return {
        ok: false,
        entries: entries.length,
        problem: {
          seq: e.seq,
          kind: 'removed_or_reordered',
          message: `entry ${e.seq} does not follow entry ${expectedSeq - 1}: an entry was removed or the order changed`,
        },
      };
    }
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) {
      return {
        ok: false,
        entries: entries.length,
        problem: {
          seq: e.seq,
          kind: 'altered',
          message: `entry ${e.seq} was altered: its content no longer matches its hash`,
        },
      };
    }
    prev = hash;
    expectedSeq++;
  }
  return { ok: true, entries: entries.length };
}
