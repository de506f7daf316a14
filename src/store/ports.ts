// Storage ports: what domain modules need from storage, nothing about how it is stored.
// One module per domain under ports/; this file gathers them and declares the Store that holds them all.
export * from './ports/tenancy.ts';
export * from './ports/usage.ts';
export * from './ports/audit.ts';
export * from './ports/vetting.ts';
export * from './ports/versions.ts';
export * from './ports/provenance.ts';
export * from './ports/billing.ts';
export * from './ports/abuse.ts';
export * from './ports/responses.ts';
export * from './ports/principals.ts';
export * from './ports/prompt-logs.ts';
import type { AbuseStore } from './ports/abuse.ts';
import type { AuditStore } from './ports/audit.ts';
import type { BillingStore } from './ports/billing.ts';
import type { PrincipalStore } from './ports/principals.ts';
import type { PromptLogStore } from './ports/prompt-logs.ts';
import type { FingerprintStore, SigningKeyStore } from './ports/provenance.ts';
import type { ResponseStore } from './ports/responses.ts';
import type { KeyStore, OrgStore } from './ports/tenancy.ts';
import type { LedgerStore, UsageStore } from './ports/usage.ts';
import type { VersionedStore } from './ports/versions.ts';
import type { VettingStore } from './ports/vetting.ts';

/** A server a node needs in order to serve (GET /readyz): `check` rejects, saying why, while it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** What cluster store parts tell the operator: a server lost and back, writes failing (and retried). */
export interface StoreLog {
  error(message: string, err?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
}

export interface Store {
  /** Absent for the embedded store, which is never unreachable. */
  readiness?: ReadinessCheck;
  abuse: AbuseStore;
  signingKeys: SigningKeyStore;
  fingerprints: FingerprintStore;
  ledger: LedgerStore;
  billing: BillingStore;
  priceBooks: VersionedStore;
  vetting: VettingStore;
  policy: VersionedStore;
  orgs: OrgStore;
  keys: KeyStore;
  usage: UsageStore;
  audit: AuditStore;
  responses: ResponseStore;
  principals: PrincipalStore;
  /** Prompts and replies of the organisations that opted in. */
  promptLogs: PromptLogStore;
  /** Work queued off the request path, by queue name (for metrics); a store with none may leave it out. */
  queueDepths?(): Record<string, number>;
  close(): Promise<void>;
}
