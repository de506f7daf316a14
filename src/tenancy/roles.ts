// Admin roles: what each may do through the admin API. A route declares the role it needs; `admin` may do all.
export const ADMIN_ROLES = ['admin', 'operator', 'finance', 'compliance', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * Whether a principal with `held` may call a route that needs `needed`: `admin` may call every route, any role a
 * route that needs `viewer` (reads), and otherwise the roles must match.
 */
export function roleAllows(held: AdminRole, needed: AdminRole): boolean {
  return held === 'admin' || needed === 'viewer' || held === needed;
}
