// Property-based fuzzing of every route the gateway registered (its API document): malformed, truncated, deeply
// nested, wrongly typed and huge bodies, odd path parameters and query strings, over real HTTP. Whatever comes in,
// the answer is a success or a precise error in the route's format, never a 5xx, a stack trace or a crash; memory
// stays bounded; and correct requests are served afterwards. Bounded in count and time (FUZZ_RUNS overrides).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 20_000);

let gw: TestGateway;
/** The organisation the fuzzer may aim at (and suspend, or revoke keys of); the check afterwards uses another. */
let target: { orgId: string; key: string; keyId: string };
let survivor: { orgId: string; key: string };
let routes: Array<{ method: string; path: string }>;

beforeAll(async () => {
  gw = await startTestGateway();
  target = await gw.newOrgKey({ name: 'Fuzz Target GmbH' });
  survivor = await gw.newOrgKey({ name: 'Survivor GmbH' });
  const doc = (await gw.admin('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
}, 60_000);
afterAll(() => gw.close());

const FIELDS = [
  'model',
  'messages',
  'input',
  'tools',
  'stream',
  'max_tokens',
  'n',
  'name',
  'country',
  'tier',
  'role',
  'content',
  'text',
  'manifest',
  'reason',
  'decision',
  'amount',
  'book',
  'rules',
  'previous_response_id',
  'response_format',
  'stream_options',
];

const valid = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hello' }],
  input: 'hello',
  max_tokens: 8,
  name: 'Fuzz Co',
  country: 'DE',
});

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.json(),
  // Truncated valid bodies.
  fc.nat(valid.length - 1).map((n) => valid.slice(0, n)),
  // Deep nesting, balanced or not.
  fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
    .map(([n, open, closed]) => open.repeat(n) + (closed ? (open === '[' ? ']' : '1}').repeat(n) : '')),
  // Known fields, wrongly typed.
  fc.dictionary(fc.constantFrom(...FIELDS), fc.anything({ maxDepth: 4 }), { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  // A valid request with one field replaced by anything.
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 5 }))
    .map(([k, v]) => JSON.stringify({ ...JSON.parse(valid), [k]: v })),
  // Huge strings and arrays.
  fc
    .tuple(fc.constantFrom(...FIELDS), fc.integer({ min: 10_000, max: 3_000_000 }), fc.boolean())
    .map(([k, n, array]) =>
      JSON.stringify({ ...JSON.parse(valid), [k]: array ? Array.from({ length: n / 100 }, () => 'x') : 'x'.repeat(n) }),
    ),
  // Bytes that are not UTF-8 text at all.
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b).toString('latin1')),
);

const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('nothing', '2026-10', '0', '-1', '..', '%00', '%E0%A4%A', 'x'.repeat(3_000)),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constant('TARGET'),
);

const query: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('from', 'to', 'limit', 'format', 'group_by', 'org', 'q', 'name', 'flagged', 'recipient'),
      fc.string({ maxLength: 30 }),
      { maxKeys: 4 },
    )
    .map((q) => `?${new URLSearchParams(q)}`),
  fc.string({ maxLength: 60 }).map((s) => `?${s.replace(/[#\s]/g, '')}`),
);

describe('fuzzing every route', () => {
  // Found by the fuzzer: the router refused these with Fastify's own body shape, not an error object.
  it('answers a malformed percent-encoding and an overlong path segment with our error', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['/admin/v1/orgs/%E0%A4%A', gw.adminToken, 400, 'invalid_url'],
      ['/v1/models/%E0%A4%A', target.key, 400, 'invalid_url'],
      [`/admin/v1/orgs/${'x'.repeat(200)}`, gw.adminToken, 414, 'url_too_long'],
      [`/v1/models/${'x'.repeat(200)}`, target.key, 414, 'url_too_long'],
    ];
    for (const [path, token, status, code] of cases) {
      const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: unknown }).error, path).toMatchObject({
        code,
        type: 'invalid_request_error',
        param: null,
      });
    }
  });

  it('never answers 5xx, never leaks a stack, stays bounded, and still serves correct requests', async () => {
    const failures: string[] = [];
    let tried = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(routes.length - 1),
        fc.array(segment, { minLength: 4, maxLength: 4 }),
        query,
        body,
        fc.constantFrom('json', 'none', 'text'),
        async (which, segments, q, text, contentType) => {
          tried++;
          const route = routes[which]!;
          let i = 0;
          const path = route.path.replace(/\{[A-Za-z]+\}/g, () => {
            const s = segments[i++]!;
            return s === 'TARGET' ? target.orgId : s;
          });
          const admin = path.startsWith('/admin/');
          const withBody = route.method !== 'GET' && route.method !== 'DELETE' && text !== undefined;
          const res = await fetch(`${gw.url}${path}${q}`, {
            method: route.method,
            headers: {
              authorization: `Bearer ${admin ? gw.adminToken : target.key}`,
              'x-api-key': target.key,
              ...(withBody && contentType !== 'none'
                ? { 'content-type': contentType === 'json' ? 'application/json' : 'text/plain' }
                : {}),
            },
            body: withBody ? text : undefined,
          });
          const answer = await res.text();
          const where = `${route.method} ${path.slice(0, 80)}${q.slice(0, 40)} body ${JSON.stringify(text?.slice(0, 60))}: ${res.status}`;
          if (res.status >= 500) failures.push(`${where} ${answer.slice(0, 200)}`);
          else if (res.status >= 400) {
            let parsed: { error?: { message?: unknown; type?: unknown } } | undefined;
            try {
              parsed = JSON.parse(answer);
            } catch {
              failures.push(`${where} not JSON: ${answer.slice(0, 100)}`);
            }
            if (parsed && (typeof parsed.error?.message !== 'string' || typeof parsed.error.type !== 'string'))
              failures.push(`${where} not an error object: ${answer.slice(0, 120)}`);
          }
          if (/\n\s+at /.test(answer)) failures.push(`${where} leaks a stack trace`);
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        },
      ),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, seed: 27 },
    );
    console.log(
      `fuzzed ${tried} inputs over ${routes.length} routes; ${failures.length} failures; RSS ${Math.round(rssBefore / 2 ** 20)} -> peak ${Math.round(rssPeak / 2 ** 20)} MB`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(tried).toBeGreaterThan(100);
    // Bounded: the test process (gateway included) grew by less than 512 MB at any point.
    expect(rssPeak - rssBefore).toBeLessThan(512 * 2 ** 20);
    // Still serving, correctly, on both sides.
    const reply = await gw
      .client(survivor.key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still there?' }] });
    expect(reply.choices[0]!.message.content).toContain('[simulated]');
    expect((await gw.admin('GET', `/orgs/${survivor.orgId}`)).status).toBe(200);
  }, 60_000);
});
