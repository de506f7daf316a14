import { describe, expect, it } from 'vitest';
import type { Principal } from '../tenancy/tenancy.ts';
import { authenticate } from './authenticate.ts';
import type { RequestContext } from './context.ts';

// The stage needs only a key lookup: a map stands in for the tenancy service.
const alice = { org: { id: 'org_a' }, key: { id: 'key_a' } } as unknown as Principal;
const lookup = { authenticate: async (secret: string) => (secret === 'sk-alice' ? alice : undefined) };
const stage = authenticate(lookup);
const ctx = (authorization: string | undefined) => ({ authorization, headers: {} }) as unknown as RequestContext;

describe('authenticate', () => {
  it('takes the key from "Bearer <key>" (OpenAI SDK) and from a bare x-api-key value (Anthropic SDK)', async () => {
    for (const header of ['Bearer sk-alice', 'sk-alice', 'Bearer  sk-alice ']) {
      const c = ctx(header);
      await stage(c);
      expect(c.principal).toBe(alice);
    }
  });

  it('refuses a missing key (missing_api_key) and an unknown one (invalid_api_key), both 401', async () => {
    await expect(stage(ctx(undefined))).rejects.toMatchObject({ status: 401, code: 'missing_api_key' });
    await expect(stage(ctx('Bearer sk-mallory'))).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(stage(ctx('Bearer '))).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});
