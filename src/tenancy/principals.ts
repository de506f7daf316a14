// Admin principals: named people (or systems) with a role and a bearer token, stored hashed. The bootstrap token
// (CONDUIT_ADMIN_TOKEN, or DATA/admin-token) is the principal `admin` with the role `admin`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminPrincipalRecord, PrincipalStore } from '../store/ports.ts';
import { hashesEqual, hashSecret, newId } from './api-keys.ts';
import type { AdminRole } from './roles.ts';

export const PRINCIPAL_TOKEN_PREFIX = 'cdt-prn-';

/** Who is acting on the admin API. */
export interface AdminPrincipal {
  id: string;
  name: string;
  role: AdminRole;
}

/** The bootstrap principal: the token the gateway starts with. */
export const BOOTSTRAP_PRINCIPAL: AdminPrincipal = Object.freeze({ id: 'admin', name: 'admin', role: 'admin' });

export type PublicPrincipal = Omit<AdminPrincipalRecord, 'hash'>;

export const toPublicPrincipal = ({ hash: _hash, ...rest }: AdminPrincipalRecord): PublicPrincipal => rest;

export class AdminPrincipals {
  private readonly bootstrapHash: Buffer;

  constructor(
    private readonly store: PrincipalStore,
    bootstrapToken: string,
  ) {
    this.bootstrapHash = createHash('sha256').update(bootstrapToken).digest();
  }

  /** The principal a presented token belongs to, or undefined (unknown, or its principal was deleted). */
  async authenticate(token: string): Promise<AdminPrincipal | undefined> {
    if (token === '') return undefined;
    const digest = createHash('sha256').update(token).digest();
    if (timingSafeEqual(digest, this.bootstrapHash)) return BOOTSTRAP_PRINCIPAL;
    if (!token.startsWith(PRINCIPAL_TOKEN_PREFIX)) return undefined;
    const hash = digest.toString('hex');
    const record = await this.store.findPrincipalByHash(hash);
    if (!record || record.deleted_at || !hashesEqual(record.hash, hash)) return undefined;
    return { id: record.id, name: record.name, role: record.role };
  }

  /** Creates a principal; the token is returned once and only its hash is kept. */
  async create(name: string, role: AdminRole): Promise<{ record: AdminPrincipalRecord; token: string }> {
    const token = `${PRINCIPAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: AdminPrincipalRecord = {
      id: newId('prn'),
      name,
      role,
      hash: hashSecret(token),
      created_at: new Date().toISOString(),
      deleted_at: null,
    };
    await this.store.createPrincipal(record);
    return { record, token };
  }

  list(): Promise<AdminPrincipalRecord[]> {
    return this.store.listPrincipals();
  }

  /** Deletes a principal: its token stops working at once (there is no cache). Undefined if none was active. */
  delete(id: string): Promise<AdminPrincipalRecord | undefined> {
    return this.store.deletePrincipal(id, new Date().toISOString());
  }
}
