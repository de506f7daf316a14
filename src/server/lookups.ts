// Lookups shared by admin routes, with the 404 a client can act on.
import { GatewayError } from '../errors.ts';
import type { Org } from '../store/ports.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';

export async function orgOr404(tenancy: Tenancy, id: string): Promise<Org> {
  const org = await tenancy.getOrg(id);
  if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
  return org;
}
