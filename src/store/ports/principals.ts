// Storage ports: Admin principals (people and their roles).
/** An admin principal (tenancy/principals.ts): a name, a role, its token's SHA-256 (never the token). */
export interface AdminPrincipalRecord {
  id: string;
  name: string;
  role: 'admin' | 'operator' | 'finance' | 'compliance' | 'viewer';
  hash: string;
  created_at: string;
  /** Deleted principals are kept (the audit log names them) but their token no longer works. */
  deleted_at: string | null;
}

export interface PrincipalStore {
  createPrincipal(record: AdminPrincipalRecord): Promise<void>;
  findPrincipalByHash(hash: string): Promise<AdminPrincipalRecord | undefined>;
  /** The principals not deleted, oldest first. */
  listPrincipals(): Promise<AdminPrincipalRecord[]>;
  /** Marks an active principal deleted; undefined when there is none with that id. */
  deletePrincipal(id: string, at: string): Promise<AdminPrincipalRecord | undefined>;
}
