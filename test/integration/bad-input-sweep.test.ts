// Every route, fed malformed bodies and query strings: the answer is always a precise OpenAI-shaped error
// (or a success), never a 500, a stack trace or a crash. Bounded: a fixed list of routes and inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let orgId: string;
let keyId: string;
let key: string;
beforeAll(async () => {
  gw = await startTestGateway();
  ({ orgId, keyId, key } = await gw.newOrgKey());
});
afterAll(() => gw.close());

const bodies: Array<string | undefined> = [
  undefined,
  '',
  '{',
  'null',
  '[]',
  '42',
  '"text"',
  '{"a":',
  JSON.stringify({ model: 42, messages: 'hi', name: ['x'], country: { x: 1 }, tier: 7, notice: false }),
  JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }], model: 'gpt-4o', max_tokens: -1 }),
  JSON.stringify({ rules: 'nope', budget: { monthly: 'lots' }, requests_per_minute: -5, effective_from: 'yesterday' }),
  JSON.stringify({ text: '\u0000'.repeat(10), manifest: 'a.b.c', list: 'x,y', format: 'sdn', csv: 'garbage,,\n"' }),
  `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  JSON.stringify({ name: 'x'.repeat(100_000), country: 'ZZ' }),
  '\u00ff\u00fe binary \u0001\u0002',
];
const queries = [
  '',
  '?from=notadate&to=13-13',
  '?limit=-1&offset=abc',
  '?model=%00&org=%E0%A4%A&month=2026-13',
  '?text=&q=' + 'x'.repeat(5000),
];

function routes(): Array<[string, string]> {
  const o = `/admin/v1/orgs/${orgId}`;
  return [
    ['POST', '/v1/chat/completions'],
    ['POST', '/v1/embeddings'],
    ['POST', '/v1/responses'],
    ['POST', '/v1/messages'],
    ['POST', '/v1/messages/count_tokens'],
    ['GET', '/v1/models'],
    ['POST', '/v1/provenance/verify'],
    ['POST', '/v1/provenance/verify-manifest'],
    ['POST', '/v1/applications'],
    ['POST', '/admin/v1/orgs'],
    ['GET', '/admin/v1/orgs'],
    ['GET', o],
    ['GET', '/admin/v1/orgs/org_nope'],
    ['POST', `${o}/keys`],
    ['GET', `${o}/keys`],
    ['DELETE', `${o}/keys/key_nope`],
    ['GET', `${o}/usage`],
    ['GET', `${o}/application`],
    ['POST', `${o}/approve`],
    ['POST', `${o}/screen`],
    ['GET', `${o}/invoices/2026-13`],
    ['GET', `${o}/invoices/garbage`],
    ['GET', `${o}/routing`],
    ['PUT', `${o}/routing`],
    ['PUT', `${o}/keys/${keyId}/routing`],
    ['PUT', `${o}/limits`],
    ['PUT', `${o}/keys/${keyId}/limits`],
    ['PUT', `${o}/pricing`],
    ['PUT', `${o}/disclosure`],
    ['GET', '/admin/v1/abuse/alerts'],
    ['GET', '/admin/v1/abuse/risk'],
    ['GET', '/admin/v1/abuse/campaigns/nope/export'],
    ['POST', `/admin/v1/abuse/orgs/${orgId}/review`],
    ['GET', '/admin/v1/audit'],
    ['GET', '/admin/v1/audit/verify'],
    ['GET', '/admin/v1/ledger'],
    ['GET', '/admin/v1/policy'],
    ['PUT', '/admin/v1/policy'],
    ['GET', '/admin/v1/policy/explain'],
    ['POST', '/admin/v1/policy/what-if'],
    ['GET', '/admin/v1/pricing'],
    ['PUT', '/admin/v1/pricing'],
    ['GET', '/admin/v1/reports/margin'],
    ['POST', '/admin/v1/reconcile'],
    ['GET', '/admin/v1/routing/experiments'],
    ['GET', '/admin/v1/routing/health'],
    ['GET', '/admin/v1/sanctions/lists'],
    ['POST', '/admin/v1/sanctions/lists'],
    ['GET', '/admin/v1/sanctions/screen'],
    ['GET', '/admin/v1/vetting/queue'],
  ];
}

describe('bad input sweep', () => {
  it('answers every malformed call with a precise error, never a 500', async () => {
    const failures: string[] = [];
    for (const [method, path] of routes()) {
      const auth = path.startsWith('/admin') ? 'Bearer test-admin-token' : `Bearer ${key}`;
      for (const [i, body] of bodies.entries()) {
        if (method === 'GET' || method === 'DELETE') {
          if (i > 0) break;
        }
        for (const q of method === 'GET' ? queries : ['']) {
          const res = await fetch(`${gw.url}${path}${q}`, {
            method,
            headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            body: method === 'GET' || method === 'DELETE' ? undefined : body,
          });
          const text = await res.text();
          const where = `${method} ${path}${q.slice(0, 40)} body#${i}: ${res.status}`;
          if (res.status >= 500) failures.push(`${where} ${text.slice(0, 200)}`);
          if (res.status >= 400) {
            let parsed: { error?: { message?: unknown; type?: unknown } } | undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              failures.push(`${where} not JSON: ${text.slice(0, 100)}`);
              continue;
            }
            if (typeof parsed?.error?.message !== 'string' || typeof parsed.error.type !== 'string')
              failures.push(`${where} not an OpenAI error: ${text.slice(0, 120)}`);
            if (/\n\s+at /.test(text)) failures.push(`${where} leaks a stack trace`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Still serving after all that.
    expect(
      (
        await gw
          .client(key)
          .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still there?' }] })
      ).choices[0]!.message.content,
    ).toBeTruthy();
  }, 60_000);
});
