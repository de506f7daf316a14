// Signed checkpoints of the audit chain's head, kept outside the database. The hash chain alone shows an entry
// altered, removed or reordered in the middle, but not the newest entries removed, nor a chain rewritten
// wholesale (every hash recomputed) by someone who can write the database. A checkpoint, (seq, hash of the entry
// at seq) signed with the gateway's Ed25519 key as a compact JWS, pins the chain up to that entry: verification
// fails if that entry is gone (truncated) or differs (rewritten).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, type JWK } from 'jose';
import type { AuditEntry, ChainReport } from './chain.ts';
import type { ChainHead, Checkpoint, CheckpointFile, CheckpointSink } from './checkpoint-sinks.ts';

export type { ChainHead, Checkpoint };

export const CHECKPOINT_TYPE = 'conduit-audit-checkpoint';

/** The gateway's key ring, as checkpoints need it: the key that signs now, and every key that ever signed. */
export interface CheckpointKeys {
  signingKey(): { kid: string; privateKey: KeyObject };
  publicJwk(kid: string): JWK | undefined;
}

export interface LoadedCheckpoints {
  /** Each line as read (its signature not yet checked) and where it is in the file. */
  checkpoints: Array<{ line: number; value: Partial<Checkpoint> }>;
}

export class AuditCheckpoints {
  private pending: ChainHead | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly external = new Set<Promise<void>>();
  private readonly verifyKeys = new Map<string, KeyObject>();

  constructor(
    private readonly keys: CheckpointKeys,
    /** The local copy, which verification reads (none: checkpoints only go to the external sinks). */
    private readonly file: CheckpointFile | undefined,
    private readonly sinks: readonly CheckpointSink[],
    private readonly delayMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** After an append: the new head is signed within delayMs, on a timer, so no caller waits for it. */
  appended(head: ChainHead): void {
    this.pending = head;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, this.delayMs);
    this.timer.unref();
  }

  /** Signs and writes the newest appended head now (verification and shutdown call it). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.pending;
    this.pending = undefined;
    if (head) {
      const job = this.writing.then(() => this.write(head));
      this.writing = job.catch(() => undefined);
    }
    await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    await Promise.all(this.external);
  }

  private async write(head: ChainHead): Promise<void> {
    const at = new Date().toISOString();
    const { kid, privateKey } = this.keys.signingKey();
    const payload = JSON.stringify({ typ: CHECKPOINT_TYPE, seq: head.seq, hash: head.hash, at });
    const jws = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: CHECKPOINT_TYPE })
      .sign(privateKey);
    const checkpoint: Checkpoint = { seq: head.seq, hash: head.hash, at, kid, jws };
    await this.file?.write(checkpoint);
    // An external sink that is slow or down never holds up the local copy or verification.
    for (const sink of this.sinks) {
      const sent: Promise<void> = sink
        .write(checkpoint)
        .catch((err: unknown) =>
          this.onError(
            new Error(`audit checkpoint ${head.seq} not delivered to ${sink.name}: ${(err as Error).message}`),
          ),
        )
        .finally(() => this.external.delete(sent));
      this.external.add(sent);
    }
  }

  /**
   * Every checkpoint in the file. Read before the entries it is compared with: a checkpoint is only written once
   * its entry is stored, so none can name an entry the read will miss.
   */
  async load(): Promise<LoadedCheckpoints> {
    if (!this.file) return { checkpoints: [] };
    const checkpoints: LoadedCheckpoints['checkpoints'] = [];
    for (const { line, value } of await this.file.read()) {
      if (value === null) continue; // a line cut short by a crash: nothing was signed there
      checkpoints.push({ line, value: value as Partial<Checkpoint> });
    }
    return { checkpoints };
  }

  /**
   * A chain that verified on its own (verifyChain) against the checkpoints: it must still hold the entry the newest
   * one signed, and every entry an older one signed, unchanged. Signatures are checked where they decide something:
   * the newest checkpoint's, and any that disagrees with the chain (a line that agrees hides nothing, forged or not).
   */
  async check(entries: readonly AuditEntry[], report: ChainReport, loaded: LoadedCheckpoints): Promise<ChainReport> {
    if (loaded.checkpoints.length === 0) return { ...report, checkpoint: null };
    const invalid = ({ line, value }: LoadedCheckpoints['checkpoints'][number]): ChainReport => {
      const message = `the checkpoint on line ${line} of ${this.file!.path} does not verify with any of the gateway's keys: it was altered or forged`;
      return {
        ...report,
        ok: false,
        checkpoint: null,
        problem: { seq: typeof value.seq === 'number' ? value.seq : 0, kind: 'checkpoint_invalid', message },
      };
    };
    const latestLine = loaded.checkpoints.reduce((a, b) => ((b.value.seq ?? 0) >= (a.value.seq ?? 0) ? b : a));
    const latest = await this.verified(latestLine.value);
    if (!latest) return invalid(latestLine);
    const last = entries.at(-1)?.seq ?? 0;
    const checkpoint = { seq: latest.seq, hash: latest.hash, at: latest.at, kid: latest.kid };
    if (latest.seq > last) {
      const message = `entry ${latest.seq} (signed in the checkpoint of ${latest.at}) is missing: ${last === 0 ? 'every entry was' : `entries ${last + 1} to ${latest.seq} were`} removed from the end of the log`;
      return { ...report, ok: false, checkpoint, problem: { seq: latest.seq, kind: 'truncated', message } };
    }
    const hashes = new Map(entries.map((e) => [e.seq, e.hash]));
    for (const c of [...loaded.checkpoints].sort((a, b) => (a.value.seq ?? 0) - (b.value.seq ?? 0))) {
      if (typeof c.value.seq === 'number' && hashes.get(c.value.seq) === c.value.hash) continue;
      const signed = await this.verified(c.value);
      if (!signed) return invalid(c);
      const message = `entry ${signed.seq} is not the one signed in the checkpoint of ${signed.at}: the log was rewritten from there on (its hashes recomputed)`;
      return { ...report, ok: false, checkpoint, problem: { seq: signed.seq, kind: 'rewritten', message } };
    }
    return { ...report, checkpoint };
  }

  /** The checkpoint a line claims, if its JWS verifies and says the same; otherwise undefined. */
  private async verified(line: Partial<Checkpoint>): Promise<Checkpoint | undefined> {
    if (typeof line.jws !== 'string' || typeof line.kid !== 'string') return undefined;
    const jwk = this.keys.publicJwk(line.kid);
    if (!jwk) return undefined;
    let key = this.verifyKeys.get(line.kid);
    if (!key) this.verifyKeys.set(line.kid, (key = createPublicKey({ key: { ...jwk }, format: 'jwk' })));
    try {
      const { payload, protectedHeader } = await compactVerify(line.jws, key, { algorithms: ['EdDSA'] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const same =
        protectedHeader.kid === line.kid &&
        claims.typ === CHECKPOINT_TYPE &&
        claims.seq === line.seq &&
        claims.hash === line.hash &&
        claims.at === line.at;
      return same && Number.isSafeInteger(line.seq) ? (line as Checkpoint) : undefined;
    } catch {
      return undefined;
    }
  }
}
