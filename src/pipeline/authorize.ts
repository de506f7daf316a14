// Stage: may this organisation use the data plane at all. (Per-model availability rules join here.)
import { GatewayError } from '../errors.ts';
import type { Org } from '../store/ports.ts';
import type { Stage } from './context.ts';

export const authorize: Stage = (ctx) => assertMayUseDataPlane(ctx.principal!.org);

/** Throws the 403 a suspended or not (yet) approved organisation gets. */
export function assertMayUseDataPlane(org: Org): void {
  if (org.status === 'suspended')
    throw new GatewayError('org_suspended', `Organisation ${org.id} is suspended; contact your account manager.`);
  if (org.status !== 'approved')
    throw new GatewayError(
      'org_not_approved',
      `Organisation ${org.id} is not approved for use (status: ${org.status}).`,
    );
}
