// Stage: may this organisation use the data plane at all. (Per-model availability rules join here.)
import { forbidden } from '../errors.ts';
import type { Stage } from './context.ts';

export const authorize: Stage = (ctx) => {
  const org = ctx.principal!.org;
  if (org.status === 'suspended') throw forbidden(`Organisation ${org.id} is suspended; contact your account manager.`, 'org_suspended');
  if (org.status !== 'approved') throw forbidden(`Organisation ${org.id} is not approved for use (status: ${org.status}).`, 'org_not_approved');
};
