// The audit log service: appends are serialised so the chain never forks.
import type { AuditFilter, AuditStore } from '../store/ports.ts';
import { entryHash, GENESIS, verifyChain, type AuditEntry, type ChainReport, type NewAuditEntry } from './chain.ts';

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: AuditStore) {}

  append(input: NewAuditEntry): Promise<AuditEntry> {
    const next = this.tail.then(async () => {
      const last = await this.store.last();
      const entry: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        ts: new Date().toISOString(),
        actor: input.actor,
        action: input.action,
        subject_type: input.subject_type,
        subject_id: input.subject_id,
        reason: input.reason ?? null,
        data: input.data ?? null,
        prev_hash: last?.hash ?? GENESIS,
      };
      const full = { ...entry, hash: entryHash(entry) };
      await this.store.append(full);
      return full;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  list(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.store.list(filter);
  }

  async verify(): Promise<ChainReport> {
    return verifyChain(await this.store.all());
  }
}
