// The audit log service: appends are serialised so the chain never forks; the head is checkpointed (signed, kept
// outside the database) shortly after each batch of appends.
import type { AuditFilter, AuditStore } from '../store/ports.ts';
import { entryHash, GENESIS, verifyChain, type AuditEntry, type ChainReport, type NewAuditEntry } from './chain.ts';
import type { AuditCheckpoints } from './checkpoints.ts';

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: AuditStore,
    private readonly checkpoints?: AuditCheckpoints,
  ) {}

  append(input: NewAuditEntry): Promise<AuditEntry> {
    const next = this.tail.then(async () => {
      const full = await this.store.appendNext((last) => {
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
        return { ...entry, hash: entryHash(entry) };
      });
      // The head this process wrote, not one read back later: a row deleted since then cannot slip into a checkpoint.
      this.checkpoints?.appended({ seq: full.seq, hash: full.hash });
      return full;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  list(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.store.list(filter);
  }

  /** The chain on its own, then against the signed checkpoints (truncation, wholesale rewriting). */
  async verify(): Promise<ChainReport> {
    if (!this.checkpoints) return verifyChain(await this.store.all());
    await this.checkpoints.flush();
    const loaded = await this.checkpoints.load();
    const entries = await this.store.all();
    const report = verifyChain(entries);
    return report.ok ? this.checkpoints.check(entries, report, loaded) : report;
  }

  /**
   * At start-up: verifies the log and, if it is intact and reaches past the newest checkpoint (entries appended
   * just before a stop, or a log older than checkpoints), checkpoints its head. A broken log is not checkpointed.
   */
  async start(): Promise<ChainReport> {
    const report = await this.verify();
    if (this.checkpoints && report.ok) {
      const head = await this.store.last();
      if (head && head.seq > (report.checkpoint?.seq ?? 0)) {
        this.checkpoints.appended({ seq: head.seq, hash: head.hash });
        await this.checkpoints.flush();
      }
    }
    return report;
  }

  /** Writes the pending checkpoint and waits for deliveries under way. */
  async close(): Promise<void> {
    await this.checkpoints?.close();
  }
}
