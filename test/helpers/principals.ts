// Admin principals for tests: a token per name (created once per gateway), so that the audit log and four-eyes
// rules see different people.
import type { AdminRole } from '../../src/tenancy/roles.ts';
import type { TestGateway } from './gateway.ts';

const made = new WeakMap<TestGateway, Map<string, Promise<string>>>();

/** The token of the principal `name` (role `compliance` unless told), created on first use. */
export function tokenFor(gw: TestGateway, name: string, role: AdminRole = 'compliance'): Promise<string> {
  let tokens = made.get(gw);
  if (!tokens) made.set(gw, (tokens = new Map()));
  let token = tokens.get(name);
  if (!token) {
    token = gw.admin('POST', '/principals', { name, role }).then((res) => {
      if (res.status !== 201) throw new Error(`principal ${name} not created: ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    });
    tokens.set(name, token);
  }
  return token;
}
