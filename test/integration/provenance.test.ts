// Marking and detection through the gateway: signed manifests verifiable with standard JWS tools against the
// published key set, disclosure settings, the public verify interface, and key rotation.
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { issueChain, pemToDer } from '../../src/provenance/c2pa/credentials.ts';
import { readTextManifest, textManifestWrapper } from '../../src/provenance/c2pa/text-manifest.ts';
import { encodeWrapper } from '../../src/provenance/c2pa/text-wrapper.ts';
import { c2paTs } from '../helpers/c2pa-reader.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const post = async (path: string, body: unknown, auth?: string) => {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const jwks = async () => createLocalJWKSet((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as never);
const long = 'Write three paragraphs about harbours, tides and the ships that wait for them.';

describe('marking', () => {
  it('signs every JSON completion: header, body field, standard JWS over the delivered content', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' }); // outside the EU: no default notice or mark
    const { data, response } = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: long }] })
      .withResponse();
    expect(response.headers.get('x-ai-generated')).toBe('true');
    const manifest = response.headers.get('x-conduit-provenance')!;
    expect((data as unknown as { provenance: { manifest: string } }).provenance.manifest).toBe(manifest);
    const { payload, protectedHeader } = await compactVerify(manifest, await jwks());
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(claims).toMatchObject({
      generator: 'Conduit',
      ai_generated: true,
      vendor: 'openai',
      model: 'gpt-4o',
      request_id: response.headers.get('x-request-id'),
    });
    expect(claims.customer).toMatch(/^cus_/);
    const check = await post('/v1/provenance/verify-manifest', { manifest, text: data.choices[0]!.message.content });
    expect(check.body).toMatchObject({ valid: true, content_matches: true });
  });

  it('signs streams in a final chunk before [DONE]', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' }); // outside the EU: no default notice or mark
    const stream = await gw
      .client(key)
      .chat.completions.create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: long }], stream: true });
    let text = '';
    let manifest = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      const p = (chunk as unknown as { provenance?: { manifest: string } }).provenance;
      if (p) manifest = p.manifest;
    }
    const check = await post('/v1/provenance/verify-manifest', { manifest, text });
    expect(check.body).toMatchObject({ valid: true, content_matches: true, claims: { vendor: 'anthropic' } });
  });

  it('leaves structured output parseable: no notice or in-band mark inside JSON, still signed', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, {
      notice: 'AI-generated.',
      position: 'append',
      c2pa_text: true,
    });
    const res = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toMatchObject({ simulated: true });
    expect((res as unknown as { provenance: { manifest: string } }).provenance.manifest.split('.')).toHaveLength(3);
  });

  it('adds no notice or mark to a reply that is only tool calls, streamed or not', async () => {
    const { orgId, key } = await gw.newOrgKey();
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    for (const position of ['prepend', 'append']) {
      await gw.admin('PUT', `/orgs/${orgId}/disclosure`, { notice: 'AI-generated.', position, c2pa_text: true });
      const params = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Weather in Paris?' }], tools };
      const json = await gw.client(key).chat.completions.create(params);
      expect(json.choices[0]!.finish_reason).toBe('tool_calls');
      expect(json.choices[0]!.message.content ?? '').toBe('');
      const streamed = await gw.client(key).chat.completions.stream(params).finalChatCompletion();
      expect(streamed.choices[0]!.message.tool_calls).toHaveLength(1);
      expect(streamed.choices[0]!.message.content ?? '').toBe('');
    }
  });

  it('keeps the SDK stream helper working with a notice, an in-band mark and the manifest chunk', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, {
      notice: 'AI-generated.',
      position: 'prepend',
      c2pa_text: true,
    });
    const stream = gw
      .client(key)
      .chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: long }] });
    let deltas = '';
    stream.on('content', (delta) => (deltas += delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(deltas);
    expect(deltas.startsWith('AI-generated.\n\n')).toBe(true);
    expect(readTextManifest(deltas)).toMatchObject({ signature_valid: true, content_matches: true });
  });

  it("adds the organisation's notice and in-band mark when asked", async () => {
    const { orgId, key } = await gw.newOrgKey();
    expect(
      (
        await gw.admin('PUT', `/orgs/${orgId}/disclosure`, {
          notice: 'Dieser Text wurde von einer KI erstellt.',
          position: 'append',
          c2pa_text: true,
        })
      ).status,
    ).toBe(200);
    const res = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: long }] });
    const marked = res.choices[0]!.message.content!;
    const inBand = readTextManifest(marked)!;
    expect(inBand).toMatchObject({
      signature_valid: true,
      content_matches: true,
      claims: { model: 'gpt-4o', request_id: expect.stringMatching(/^req_/) },
    });
    expect((await c2paTs(marked)).errors).toEqual([]);
    const { text } = inBand;
    expect(text.endsWith('Dieser Text wurde von einer KI erstellt.')).toBe(true);
    expect(
      (
        await post('/v1/provenance/verify-manifest', {
          manifest: (res as unknown as { provenance: { manifest: string } }).provenance.manifest,
          text,
        })
      ).body,
    ).toMatchObject({ valid: true, content_matches: true });
    // The public verify endpoint reads the C2PA manifest too: signed by one of this gateway's keys (see the JWKS).
    const keySet = (await fetch(`${gw.url}/.well-known/jwks.json`).then((r) => r.json())) as {
      keys: Array<{ kid: string; x5c?: string[] }>;
    };
    const verified = await post('/v1/provenance/verify', { text: marked });
    expect(verified.body.c2pa).toMatchObject({
      signature_valid: true,
      assertions_intact: true,
      signed_by_this_gateway: true,
      content_matches: true,
    });
    expect(keySet.keys.find((k) => k.kid === verified.body.c2pa.kid)?.x5c).toHaveLength(2);
    expect((await post('/v1/provenance/verify', { text: marked.replace('KI', 'Ki') })).body.c2pa.content_matches).toBe(
      false,
    );
    // A valid manifest from someone else's key verifies, and is not this gateway's.
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const chain = (await issueChain(foreign.export({ format: 'pem', type: 'pkcs8' }).toString(), 'someone-else')).map(
      pemToDer,
    );
    const theirs = `Their text.${textManifestWrapper('Their text.', { by: 'them' }, { privateKey: foreign, chain }, '1.0')}`;
    expect((await post('/v1/provenance/verify', { text: theirs })).body.c2pa).toMatchObject({
      algorithm: 'ES256',
      signature_valid: true,
      signed_by_this_gateway: false,
      content_matches: true,
    });
    // Presenting this gateway's certificate without its key: the signature fails, so it is not ours.
    const ourChain = keySet.keys
      .find((k) => k.kid === verified.body.c2pa.kid)!
      .x5c!.map((c) => Buffer.from(c, 'base64'));
    const forged = `Forged.${textManifestWrapper('Forged.', { model: 'gpt-4o' }, { privateKey: generateKeyPairSync('ed25519').privateKey, chain: ourChain }, '1.0')}`;
    expect((await post('/v1/provenance/verify', { text: forged })).body.c2pa).toMatchObject({
      signature_valid: false,
      signed_by_this_gateway: false,
    });
    const stream = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: long }], stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    const unwrapped = readTextManifest(streamed)!;
    expect(unwrapped).toMatchObject({ signature_valid: true, content_matches: true });
    expect((await c2paTs(streamed)).errors).toEqual([]);
    expect(unwrapped.text).toMatch(/Dieser Text wurde von einer KI erstellt\.$/);
    expect(unwrapped.claims).toMatchObject({ generator: 'Conduit', ai_generated: true, model: 'gpt-4o' });
    expect((await gw.admin('PUT', `/orgs/${orgId}/disclosure`, { notice: '', position: 'middle' })).status).toBe(400);
  });
});

describe('detection', () => {
  it('recognises served text, edited and embedded, and shows manifests only to their owner', async () => {
    const { key } = await gw.newOrgKey();
    const res = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'A long story please, about rivers.' }],
      max_tokens: 60,
    });
    const output = res.choices[0]!.message.content!;
    await new Promise((r) => setTimeout(r, 50));
    const embedded = `My own introduction, written by me, about something else entirely. ${output} And my own conclusion.`;
    const anonymous = await post('/v1/provenance/verify', { text: embedded });
    expect(anonymous.body.match).toBe(true);
    expect(anonymous.body.matches[0]).not.toHaveProperty('manifest');
    expect(anonymous.body.matches[0].matched_spans[0].start).toBeGreaterThan(40);
    const owner = await post('/v1/provenance/verify', { text: output }, key);
    expect(owner.body.matches[0].manifest.split('.')).toHaveLength(3);
    // The operator (admin token) sees manifests too; a token that is merely close does not.
    expect(
      (await post('/v1/provenance/verify', { text: output }, gw.adminToken)).body.matches[0].manifest.split('.'),
    ).toHaveLength(3);
    const near = await post('/v1/provenance/verify', { text: output }, `${gw.adminToken.slice(0, -1)}x`);
    expect(near.body.matches[0]).not.toHaveProperty('manifest');
    const unrelated = await post('/v1/provenance/verify', {
      text: 'The quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat by the door.',
    });
    expect(unrelated.body).toMatchObject({ match: false, confidence: 0 });
  });

  it('rejects bad input precisely', async () => {
    expect((await post('/v1/provenance/verify', { text: '   ' })).body.error.code).toBe('empty_text');
    expect((await post('/v1/provenance/verify', { text: 42 })).body.error.param).toBe('text');
    expect((await post('/v1/provenance/verify', { text: 'abc\u0000def binary' })).body.error.code).toBe('binary_text');
    const damaged = await post('/v1/provenance/verify', {
      text: `Some text.${encodeWrapper(Buffer.from('not a JUMBF manifest store'))}`,
    });
    expect(damaged.status).toBe(400);
    expect(damaged.body.error).toMatchObject({ code: 'malformed_c2pa_manifest', param: 'text' });
    expect((await post('/v1/provenance/verify', { text: 'broken \uFFFD bytes' })).body.error.code).toBe(
      'invalid_encoding',
    );
    expect((await post('/v1/provenance/verify', { text: 'x'.repeat(1024 * 1024 + 10) })).status).toBe(413);
    const { key } = await gw.newOrgKey();
    const { response } = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'sign me' }] })
      .withResponse();
    const manifest = response.headers.get('x-conduit-provenance')!;
    expect((await post('/v1/provenance/verify-manifest', { manifest: manifest.slice(0, 40) })).body.error.code).toBe(
      'malformed_manifest',
    );
    const [h, p, s] = manifest.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), model: 'gpt-5' })).toString('base64url')}.${s}`;
    expect((await post('/v1/provenance/verify-manifest', { manifest: forged })).body.error.code).toBe(
      'invalid_signature',
    );
    const unknownKid = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'nope' })).toString('base64url')}.${p}.${s}`;
    expect((await post('/v1/provenance/verify-manifest', { manifest: unknownKid })).status).toBe(404);
  });
});

describe('key rotation', () => {
  it('signs with the new key and keeps verifying the old ones', async () => {
    const { key } = await gw.newOrgKey();
    const client = gw.client(key);
    const before = (
      await client.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] })
        .withResponse()
    ).response.headers.get('x-conduit-provenance')!;
    const rotated = await gw.admin('POST', '/provenance/keys/rotate');
    expect(rotated.body.jwks.keys.length).toBeGreaterThanOrEqual(2);
    const after = (
      await client.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'two' }] })
        .withResponse()
    ).response.headers.get('x-conduit-provenance')!;
    const kid = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()).kid;
    expect(kid(after)).toBe(rotated.body.key.kid);
    expect(kid(before)).not.toBe(kid(after));
    for (const m of [before, after])
      expect((await post('/v1/provenance/verify-manifest', { manifest: m })).body.valid).toBe(true);
  });
});
