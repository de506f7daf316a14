// Stage: who is calling. A bearer API key (or Anthropic-style x-api-key) resolves to an org and key.
import { GatewayError } from '../errors.ts';
import { presentedApiKey } from '../tenancy/api-keys.ts';
import type { Principal, Tenancy } from '../tenancy/tenancy.ts';
import type { Stage } from './context.ts';

type KeyLookup = Pick<Tenancy, 'authenticate'>;

export function authenticate(tenancy: KeyLookup): Stage {
  return async (ctx) => {
    ctx.principal = await principalFor(tenancy, ctx.authorization);
  };
}

/** The organisation and key behind a data-plane credential (the Authorization or x-api-key header's value). */
export async function principalFor(tenancy: KeyLookup, header: string | undefined): Promise<Principal> {
  if (!header)
    throw new GatewayError(
      'missing_api_key',
      'You didn\'t provide an API key. Provide it in the Authorization header as "Bearer YOUR_KEY".',
    );
  const secret = presentedApiKey(header);
  const principal = secret ? await tenancy.authenticate(secret) : undefined;
  if (!principal) throw new GatewayError('invalid_api_key', 'Incorrect API key provided, or the key was revoked.');
  return principal;
}
