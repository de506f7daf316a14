// Marking covers every output (issue 24): every choice of an `n` > 1 reply and every tool call is bound by the
// manifest in the canonical form the README documents, rebuilt here independently from what the SDK received and
// checked against the signature with jose; every choice is registered for public verify.
import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextManifest } from '../../src/provenance/c2pa/text-manifest.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const post = async (path: string, body: unknown, auth?: string) => {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
/** The manifest's claims, read through jose against the published key set (not through the gateway's code). */
async function claimsOf(manifest: string): Promise<Record<string, any>> {
  const keys = createLocalJWKSet((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as never);
  return JSON.parse(new TextDecoder().decode((await compactVerify(manifest, keys)).payload));
}

/** The canonical form of one choice, as the README states it, written out by hand. */
function canonical(choice: {
  content: string;
  refusal?: string;
  tool_calls?: Array<{ type: string; name: string; arguments: string }>;
}): string {
  if (!choice.tool_calls?.length && !choice.refusal) return choice.content;
  const calls = (choice.tool_calls ?? []).map(
    (t) =>
      `{"arguments":${JSON.stringify(t.arguments)},"name":${JSON.stringify(t.name)},"type":${JSON.stringify(t.type)}}`,
  );
  return `{"content":${JSON.stringify(choice.content)},"refusal":${JSON.stringify(choice.refusal ?? '')},"tool_calls":[${calls.join(',')}]}`;
}
const callsOf = (m: OpenAI.ChatCompletionMessage) =>
  (m.tool_calls ?? []).map((t) =>
    t.type === 'function'
      ? { type: 'function', name: t.function.name, arguments: t.function.arguments }
      : { type: t.type, name: '', arguments: '' },
  );

const story = 'Write three paragraphs about harbours, tides and the ships that wait for them.';
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
const EMPTY_SHA256 = sha256('');

describe('several choices (n: 2)', () => {
  it('JSON: the manifest binds every choice, verify-manifest and public verify find the second', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const res = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', n: 2, messages: [{ role: 'user', content: story }] });
    const texts = res.choices.map((c) => c.message.content!);
    expect(texts).toHaveLength(2);
    expect(texts[0]).not.toBe(texts[1]);
    const manifest = (res as unknown as { provenance: { manifest: string } }).provenance.manifest;
    const claims = await claimsOf(manifest);
    expect(claims.choices_sha256).toEqual(texts.map(sha256));
    expect(claims.content_sha256).toBe(sha256(JSON.stringify(texts.map(sha256))));
    const second = await post('/v1/provenance/verify-manifest', { manifest, text: texts[1] });
    expect(second.body).toMatchObject({ valid: true, content_matches: true, matched_choice: 1 });
    expect(
      (await post('/v1/provenance/verify-manifest', { manifest, text: `${texts[1]}!` })).body.content_matches,
    ).toBe(false);
    const found = await post('/v1/provenance/verify', { text: texts[1] }, key);
    expect(found.body).toMatchObject({ match: true, confidence: 1 });
    expect(found.body.matches[0].manifest).toBe(manifest);
  });

  it('streams: the manifest chunk binds every choice as delivered', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const stream = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', n: 2, messages: [{ role: 'user', content: story }], stream: true });
    const texts = ['', ''];
    let manifest = '';
    for await (const chunk of stream) {
      for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
      const p = (chunk as unknown as { provenance?: { manifest: string } }).provenance;
      if (p) manifest = p.manifest;
    }
    expect(texts[0]).not.toBe(texts[1]);
    const claims = await claimsOf(manifest);
    expect(claims.choices_sha256).toEqual(texts.map(sha256));
    expect(claims.content_sha256).toBe(sha256(JSON.stringify(texts.map(sha256))));
    expect((await post('/v1/provenance/verify-manifest', { manifest, text: texts[1] })).body).toMatchObject({
      valid: true,
      content_matches: true,
      matched_choice: 1,
    });
    expect((await post('/v1/provenance/verify', { text: texts[1] })).body).toMatchObject({
      match: true,
      confidence: 1,
    });
  });

  it('puts the notice and the in-band mark on every choice, JSON and streamed', async () => {
    const { orgId, key } = await gw.newOrgKey({ country: 'US' });
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, {
      notice: 'AI-generated.',
      position: 'prepend',
      c2pa_text: true,
    });
    const params = { model: 'gpt-4o', n: 2, messages: [{ role: 'user' as const, content: story }] };
    const json = await gw.client(key).chat.completions.create(params);
    const streamed = await gw.client(key).chat.completions.stream(params).finalChatCompletion();
    for (const res of [json, streamed]) {
      expect(res.choices).toHaveLength(2);
      const manifest = (res as unknown as { provenance?: { manifest: string } }).provenance?.manifest;
      for (const choice of res.choices) {
        const marked = readTextManifest(choice.message.content!)!;
        expect(marked).toMatchObject({ signature_valid: true, content_matches: true });
        expect(marked.text.startsWith('AI-generated.\n\n')).toBe(true);
        if (manifest)
          expect((await post('/v1/provenance/verify-manifest', { manifest, text: marked.text })).body).toMatchObject({
            content_matches: true,
            matched_choice: choice.index,
          });
      }
    }
  });
});

describe('tool calls', () => {
  it('JSON: the manifest binds the call and its arguments, not the empty string', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const res = await gw
      .client(key)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    const message = res.choices[0]!.message;
    expect(message.tool_calls).toHaveLength(1);
    const manifest = (res as unknown as { provenance: { manifest: string } }).provenance.manifest;
    const claims = await claimsOf(manifest);
    const form = canonical({
      content: message.content ?? '',
      refusal: message.refusal ?? '',
      tool_calls: callsOf(message),
    });
    expect(form).toContain('get_weather');
    expect(claims.content_sha256).not.toBe(EMPTY_SHA256);
    expect(claims.content_sha256).toBe(sha256(form));
    expect((await post('/v1/provenance/verify-manifest', { manifest, text: form })).body).toMatchObject({
      valid: true,
      content_matches: true,
    });
    const forged = canonical({
      content: '',
      tool_calls: [{ type: 'function', name: 'get_weather', arguments: '{"city":"Atlantis"}' }],
    });
    expect((await post('/v1/provenance/verify-manifest', { manifest, text: forged })).body.content_matches).toBe(false);
  });

  it('streams: the same canonical form over the calls as the SDK assembled them, for every choice', async () => {
    const { key } = await gw.newOrgKey({ country: 'US' });
    const params = {
      model: 'gpt-4o',
      n: 2,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools,
    };
    const stream = gw.client(key).chat.completions.stream(params);
    let manifest = '';
    stream.on('chunk', (chunk) => {
      const p = (chunk as unknown as { provenance?: { manifest: string } }).provenance;
      if (p) manifest = p.manifest;
    });
    const final = await stream.finalChatCompletion();
    const forms = final.choices.map((c) =>
      canonical({ content: c.message.content ?? '', refusal: c.message.refusal ?? '', tool_calls: callsOf(c.message) }),
    );
    expect(forms).toHaveLength(2);
    const claims = await claimsOf(manifest);
    expect(claims.choices_sha256).toEqual(forms.map(sha256));
    expect(claims.content_sha256).toBe(sha256(JSON.stringify(forms.map(sha256))));
  });
});
