// Stage: who is calling. A bearer API key (or Anthropic-style x-api-key) resolves to an org and key.
import { GatewayError } from '../errors.ts';
import type { Tenancy } from '../tenancy/tenancy.ts';
import type { Stage } from './context.ts';

export function authenticate(tenancy: Tenancy): Stage {
  return async (ctx) => {
    const header = ctx.authorization;
    if (!header)
      throw new GatewayError(
        'missing_api_key',
        'You didn\'t provide an API key. Provide it in the Authorization header as "Bearer YOUR_KEY".',
      );
    const secret = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
    const principal = secret ? await tenancy.authenticate(secret) : undefined;
    if (!principal) throw new GatewayError('invalid_api_key', 'Incorrect API key provided, or the key was revoked.');
    ctx.principal = principal;
  };
}
