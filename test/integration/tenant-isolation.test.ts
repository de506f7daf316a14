// Tenant isolation, swept over every route the running gateway registered (its API document): organisation A's
// credentials and paths, given organisation B's ids (keys, credit notes, responses, request ids), get nothing of
// B's: a 401/404 or A's own data, never a B id in the body, and every view of B unchanged afterwards. A route that
// takes an id and has no case here fails the sweep: a new route needs a case (or a reason it holds no tenant data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let gw: TestGateway;
interface Tenant {
  orgId: string;
  key: string;
  keyId: string;
  name: string;
}
let a: Tenant;
let b: Tenant;
/** B's own things: A must never see any of them unless it sent them itself. */
const secretsOfB: string[] = [];
let bCreditNote: string;
let bResponse: { id: string; item: string; text: string };

const MONTH = '2026-10';

/** Routes that hold no one organisation's data, or that admin principals (global, not per organisation) read whole. */
const GLOBAL: Record<string, string> = {
  'GET /healthz': 'public health',
  'GET /readyz': 'public readiness',
  'GET /metrics': 'admin principals only; series are labelled by model, deployment and region, never organisation',
  'GET /.well-known/jwks.json': 'public signing keys',
  'POST /v1/applications': 'public onboarding: creates a new organisation, reads none',
  'POST /v1/provenance/verify-manifest': 'checks the manifest the caller sends; reads no stored data',
  'GET /v1/models': "the shared catalogue, filtered by the caller's own policy",
  'GET /v1/models/{model}': "the shared catalogue, filtered by the caller's own policy",
  'GET /admin/v1/orgs': 'admin principals are global',
  'POST /admin/v1/orgs': 'creates a new organisation',
  'GET /admin/v1/abuse/alerts': 'admin principals are global',
  'GET /admin/v1/abuse/risk': 'admin principals are global',
  'GET /admin/v1/abuse/report-schema': 'a JSON Schema',
  'GET /admin/v1/abuse/campaigns/{id}/export': 'a cross-organisation campaign, exported with pseudonyms only',
  'POST /admin/v1/applications/{id}/licence': 'an application id, not under an organisation path: global',
  'GET /admin/v1/audit': 'admin principals are global',
  'GET /admin/v1/audit/verify': 'admin principals are global',
  'GET /admin/v1/ledger': 'admin principals are global',
  'GET /admin/v1/openapi.json': 'the API document',
  'GET /admin/v1/catalogue': 'the shared catalogue: models, deployments, regions',
  'POST /admin/v1/config/reload': 'operator-wide: re-reads the configuration file',
  'GET /admin/v1/policy/matrix': 'operator-wide availability rules, by jurisdiction',
  'GET /admin/v1/traffic/live': "this gateway's request and error rates and latency, no organisation's share",
  'GET /admin/v1/whoami': 'the calling principal itself',
  'GET /console': 'the console: static files',
  'GET /console/*': 'the console: static files',
  'GET /admin/v1/policy': 'operator-wide',
  'PUT /admin/v1/policy': 'operator-wide',
  'GET /admin/v1/policy/explain': 'admin principals are global',
  'POST /admin/v1/policy/what-if': 'operator-wide',
  'GET /admin/v1/pricing': 'operator-wide',
  'PUT /admin/v1/pricing': 'operator-wide',
  'GET /admin/v1/principals': 'admin principals, not organisations',
  'POST /admin/v1/principals': 'admin principals, not organisations',
  'DELETE /admin/v1/principals/{id}': 'admin principals, not organisations',
  'POST /admin/v1/provenance/keys/rotate': "the operator's signing keys",
  'POST /admin/v1/provenance/keys/{kid}/revoke': "the operator's signing keys",
  'POST /admin/v1/reconcile': 'operator-wide',
  'GET /admin/v1/reports/margin': 'admin principals are global',
  'GET /admin/v1/routing/experiments': 'operator-wide',
  'GET /admin/v1/routing/health': 'operator-wide',
  'GET /admin/v1/sanctions/lists': 'operator-wide',
  'POST /admin/v1/sanctions/lists': 'operator-wide',
  'GET /admin/v1/sanctions/screen': 'operator-wide',
  'GET /admin/v1/vetting/queue': 'admin principals are global',
  'GET /admin/v1/vetting/reviews': 'admin principals are global',
};

/** Data-plane routes that serve a key's own organisation, each with its case below. */
const DATA_PLANE = [
  'POST /v1/chat/completions',
  'POST /v1/embeddings',
  'POST /v1/responses',
  'POST /v1/messages',
  'POST /v1/messages/count_tokens',
  'POST /v1/provenance/verify',
];

/** Bodies that get past validation where a route needs one, so the id check is what answers. */
const BODIES: Record<string, unknown> = {
  'PUT /admin/v1/orgs/{id}/keys/{keyId}/limits': { requests_per_minute: 1 },
  'PUT /admin/v1/orgs/{id}/keys/{keyId}/routing': { allowed_regions: ['us-east'] },
  'POST /admin/v1/orgs/{id}/invoices/{month}/credit-notes': { reason: 'isolation sweep' },
  'POST /admin/v1/abuse/orgs/{id}/review': { decision: 'clear', reason: 'isolation sweep' },
  'PUT /admin/v1/orgs/{id}/prompt-logging': { enabled: false },
};

async function routes(): Promise<string[]> {
  const doc = (await gw.admin('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
}

const leaked = (text: string, sent: string) => secretsOfB.filter((s) => text.includes(s) && !sent.includes(s));

async function call(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-request-id') ?? '' };
}

let seq = 0;
async function usage(orgId: string, keyId: string): Promise<string> {
  const requestId = `req_isolation_${orgId}_${++seq}`;
  const event = usageEvent(requestId, {
    ts: `${MONTH}-03T10:00:00.000Z`,
    org_id: orgId,
    key_id: keyId,
    endpoint: 'chat',
    deployment: 'sim-openai-us-east',
    prompt_tokens: 1000,
    completion_tokens: 100,
    latency_ms: 5,
    cost_micros: 1,
    list_price_micros: 2_000_000,
    price_micros: 2_000_000,
  });
  await gw.store.usage.record(event);
  return requestId;
}

/** Every GET view of organisation B the admin API has, as text: compared before and after the sweep. */
async function viewsOfB(all: string[]): Promise<Record<string, string>> {
  const views: Record<string, string> = {};
  for (const route of all.filter((r) => r.startsWith('GET /admin/v1/orgs/{id}'))) {
    const path = route
      .slice(4)
      .replace('{id}', b.orgId)
      .replace('{month}', MONTH)
      .replace('{number}', bCreditNote)
      .replace('{keyId}', b.keyId);
    const res = await call('GET', path, gw.adminToken);
    views[route] = `${res.status} ${res.text}`;
  }
  return views;
}

beforeAll(async () => {
  gw = await startTestGateway();
  const make = async (name: string): Promise<Tenant> => ({ name, ...(await gw.newOrgKey({ name, country: 'DE' })) });
  a = await make('Alpha Isolation GmbH');
  b = await make('Bravo Isolation GmbH');
  secretsOfB.push(b.orgId, b.name, b.keyId, b.key);
  // B's traffic: a chat request (its prompt logged: B opted in), a stored response, usage in a month with an issued
  // invoice and a credit note.
  const logging = await call('PUT', `/admin/v1/orgs/${b.orgId}/prompt-logging`, gw.adminToken, { enabled: true });
  expect(logging.status).toBe(200);
  const chat = await call('POST', '/v1/chat/completions', b.key, {
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Bravo only: prompt-secret-7f3a' }],
  });
  expect(chat.status).toBe(200);
  secretsOfB.push(chat.requestId, 'prompt-secret-7f3a');
  for (let i = 0; i < 40; i++) {
    const logged = await call('GET', `/admin/v1/orgs/${b.orgId}/prompt-logs`, gw.adminToken);
    if (logged.text.includes('prompt-secret-7f3a')) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const response = await gw.client(b.key).responses.create({ model: 'gpt-4o', input: 'Bravo remembers this' });
  const item = response.output.find((o) => o.type === 'message')!;
  bResponse = { id: response.id, item: item.id!, text: response.output_text };
  secretsOfB.push(response.id, item.id!);
  secretsOfB.push(await usage(b.orgId, b.keyId), await usage(b.orgId, b.keyId));
  await usage(a.orgId, a.keyId);
  const invoice = await gw.admin('POST', `/orgs/${b.orgId}/invoices/${MONTH}/issue`);
  expect(invoice.status).toBe(201);
  const note = await gw.admin('POST', `/orgs/${b.orgId}/invoices/${MONTH}/credit-notes`, {
    amount: '1',
    reason: 'goodwill',
  });
  expect(note.status).toBe(201);
  bCreditNote = note.body.credit_note_number;
  secretsOfB.push(invoice.body.invoice_number, bCreditNote);
  for (const secret of secretsOfB) expect(secret).toMatch(/^.{6,}$/);
}, 60_000);
afterAll(() => gw.close());

describe('tenant isolation', () => {
  it('has a case, or a reason it holds no tenant data, for every route the gateway registered', async () => {
    const all = await routes();
    expect(all.filter((r) => !(r in GLOBAL) && !DATA_PLANE.includes(r) && !isOrgPath(r))).toEqual([]);
    // The org-path sweep knows how to fill these parameters with B's ids; a new kind of id needs teaching it.
    const known = new Set(['{id}', '{keyId}', '{number}', '{month}']);
    expect(all.filter((r) => isOrgPath(r) && (r.match(/\{[A-Za-z]+\}/g) ?? []).some((p) => !known.has(p)))).toEqual([]);
  });

  it("admin routes under A's path, given B's key, credit note and other ids, get nothing of B's and change nothing of B's", async () => {
    const all = await routes();
    const before = await viewsOfB(all);
    const problems: string[] = [];
    for (const route of all.filter(isOrgPath)) {
      const [method, template] = route.split(' ') as [string, string];
      const takesBId = /\{(keyId|number)\}/.test(template);
      const path = template
        .replace('{id}', a.orgId)
        .replace('{keyId}', b.keyId)
        .replace('{number}', bCreditNote)
        .replace('{month}', MONTH);
      const body = method === 'GET' || method === 'DELETE' ? undefined : (BODIES[route] ?? {});
      const res = await call(method, path, gw.adminToken, body);
      const sent = `${path} ${JSON.stringify(body ?? '')}`;
      if (leaked(res.text, sent).length > 0) problems.push(`${route}: shows ${leaked(res.text, sent).join(', ')}`);
      if (takesBId && res.status !== 404) problems.push(`${route} with B's id under A: ${res.status} ${res.text}`);
      if (res.status >= 500) problems.push(`${route}: ${res.status}`);
    }
    expect(problems).toEqual([]);
    expect(await viewsOfB(all)).toEqual(before);
    // B's key survived A's DELETE of it, and B's own path still shows B's credit note (the case can fail).
    expect((await call('GET', `/admin/v1/orgs/${b.orgId}/credit-notes/${bCreditNote}`, gw.adminToken)).status).toBe(
      200,
    );
    // B's prompt log is there under B's own path (the sweep could have shown it under A's).
    expect((await call('GET', `/admin/v1/orgs/${b.orgId}/prompt-logs`, gw.adminToken)).text).toContain(
      'prompt-secret-7f3a',
    );
    const chat = await call('POST', '/v1/chat/completions', b.key, {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.status).toBe(200);
  }, 60_000);

  it("an organisation's API key opens no admin route", async () => {
    const problems: string[] = [];
    for (const route of (await routes()).filter((r) => r.includes(' /admin/'))) {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace('{id}', b.orgId).replace(/\{[A-Za-z]+\}/g, 'x');
      const res = await call(method, path, a.key, method === 'GET' || method === 'DELETE' ? undefined : {});
      if (res.status !== 401 || leaked(res.text, path).length > 0) problems.push(`${route}: ${res.status}`);
    }
    expect(problems).toEqual([]);
  });

  it("the data plane serves a key's own organisation only, whatever organisation the request names", async () => {
    const usageOf = async (t: Tenant) =>
      JSON.parse((await call('GET', `/admin/v1/orgs/${t.orgId}/usage`, gw.adminToken)).text).requests as number;
    const bBefore = await usageOf(b);
    const aBefore = await usageOf(a);
    // The OpenAI SDK's organization option, and Anthropic's, name B: the request is still A's, billed to A.
    const naming = { 'openai-organization': b.orgId, 'anthropic-organization': b.orgId, 'x-conduit-org': b.orgId };
    const calls: Array<[string, unknown]> = [
      ['/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'as B?' }], user: b.orgId }],
      ['/v1/embeddings', { model: 'text-embedding-3-small', input: 'as B?' }],
      ['/v1/responses', { model: 'gpt-4o', input: 'as B?', store: false }],
      ['/v1/messages', { model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'as B?' }] }],
      ['/v1/messages/count_tokens', { model: 'gpt-4o', messages: [{ role: 'user', content: 'as B?' }] }],
    ];
    const problems: string[] = [];
    for (const [path, body] of calls) {
      const res = await call('POST', path, a.key, body, naming);
      if (res.status !== 200) problems.push(`${path}: ${res.status} ${res.text.slice(0, 200)}`);
      if (leaked(res.text, JSON.stringify(body)).length > 0) problems.push(`${path}: shows B's data`);
    }
    expect(problems).toEqual([]);
    expect(await usageOf(b)).toBe(bBefore);
    expect(await usageOf(a)).toBeGreaterThan(aBefore);
  });

  it("a Responses API request cannot continue, or quote, another organisation's stored response", async () => {
    const continued = await call('POST', '/v1/responses', a.key, {
      model: 'gpt-4o',
      input: 'go on',
      previous_response_id: bResponse.id,
    });
    expect(continued.status).toBe(404);
    expect(JSON.parse(continued.text).error.code).toBe('previous_response_not_found');
    const quoted = await call('POST', '/v1/responses', a.key, {
      model: 'gpt-4o',
      input: [{ type: 'item_reference', id: bResponse.item }],
    });
    expect(quoted.status).toBe(404);
    expect(JSON.parse(quoted.text).error.code).toBe('item_not_found');
    expect(leaked(continued.text + quoted.text, `${bResponse.id} ${bResponse.item}`)).toEqual([]);
    // B itself can: the ids are real.
    const own = await call('POST', '/v1/responses', b.key, {
      model: 'gpt-4o',
      input: 'go on',
      previous_response_id: bResponse.id,
    });
    expect(own.status).toBe(200);
  });

  it("verifying another organisation's output says it was generated, never by whom or in which request", async () => {
    const asA = JSON.parse((await call('POST', '/v1/provenance/verify', a.key, { text: bResponse.text })).text);
    expect(asA.match).toBe(true);
    expect(asA.matches[0]).not.toHaveProperty('request_id');
    expect(asA.matches[0]).not.toHaveProperty('manifest');
    expect(leaked(JSON.stringify(asA), bResponse.text)).toEqual([]);
    const asB = JSON.parse((await call('POST', '/v1/provenance/verify', b.key, { text: bResponse.text })).text);
    expect(asB.matches[0].request_id).toEqual(expect.any(String));
  });
});

/** A route under one organisation's admin path (its other ids, if any, are that organisation's). */
function isOrgPath(route: string): boolean {
  return /^[A-Z]+ \/admin\/v1\/(abuse\/)?orgs\/\{id\}/.test(route);
}
