// Lookups shared by admin routes, with the 404 a client can act on.
import { notFound } from '../errors.ts';
import type { Org } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';

export async function orgOr404(tenancy: Tenancy, id: string): Promise<Org> {
  const org = await tenancy.getOrg(id);
  if (!org) throw notFound(`No organisation with id '${id}'.`, 'org_not_found', 'id');
  return org;
}
