// The label stage on chat streams: batches pass through as they arrive, and the batch that ends the stream
// leaves together with the manifest chunk (one write), never before the vendor sent it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, EventStream, StreamEvent } from '../wire/stream.ts';
import { KeyRing } from '../provenance/keyring.ts';
import { verifyManifest } from '../provenance/manifest.ts';
import { FingerprintRegistry } from '../provenance/registry.ts';
import { ProvenanceService } from '../provenance/service.ts';
import type { Store } from '../store/ports.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { RequestContext } from './context.ts';
import { label } from './label.ts';

let store: Store;
let provenance: ProvenanceService;
beforeAll(async () => {
  store = await openSqliteStore(':memory:');
  const keys = new KeyRing(store.signingKeys);
  await keys.init();
  provenance = new ProvenanceService(
    keys,
    new FingerprintRegistry(store.fingerprints, (err) => {
      throw err;
    }),
    65_536,
    'label-test',
  );
});
afterAll(() => store.close());

const chunk = (content: string): StreamEvent => ({
  data: JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta: { content } }],
  }),
  text: content,
  usage: null,
});

/** A stream whose second batch arrives only when `release` is called. */
function gatedStream(second: EventBatch): { events: EventStream; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const events = (async function* () {
    yield [chunk('Hello'), chunk(' there')];
    await gate;
    yield second;
  })();
  return { events, release };
}

function context(events: EventStream, endpoint: RequestContext['endpoint'] = 'chat'): RequestContext {
  return {
    requestId: 'req_label_test',
    endpoint,
    route: '/v1/chat/completions',
    receivedAt: new Date().toISOString(),
    startedAt: performance.now(),
    clientIp: '127.0.0.1',
    authorization: undefined,
    rawBody: undefined,
    bodyBytes: 0,
    signal: { aborted: false, addEventListener() {}, removeEventListener() {} },
    principal: {
      org: { id: 'org_1', disclosure: null },
      key: { id: 'key_1' },
    } as unknown as RequestContext['principal'],
    body: { model: 'gpt-4o', messages: [] },
    model: { name: 'gpt-4o' } as RequestContext['model'],
    deployment: { vendor: 'openai', region: { id: 'us-east' } } as RequestContext['deployment'],
    reply: { kind: 'stream', events },
    headers: {},
  };
}

async function labelled(events: EventStream) {
  const ctx = context(events);
  await label(provenance)(ctx);
  return (ctx.reply as { events: EventStream }).events[Symbol.asyncIterator]();
}

const manifestOf = (batch: StreamEvent[]) =>
  (JSON.parse(batch.at(-1)!.data) as { provenance?: { manifest: string } }).provenance?.manifest;

describe('label on chat streams', () => {
  it('passes a batch on before the next one arrives, and sends the batch that ends the stream with the manifest', async () => {
    const last: EventBatch = Object.assign([chunk('!')], { ends: true });
    const { events, release } = gatedStream(last);
    const out = await labelled(events);

    const first = await out.next();
    expect((first.value as StreamEvent[]).map((e) => e.text)).toEqual(['Hello', ' there']);

    release();
    const second = (await out.next()).value as StreamEvent[];
    expect(second).toHaveLength(2);
    expect(second[0]!.text).toBe('!');
    const manifest = manifestOf(second);
    expect(manifest).toBeTypeOf('string');
    expect(await verifyManifest(manifest!, provenance.keys, 'Hello there!')).toMatchObject({
      valid: true,
      content_matches: true,
    });
    expect((await out.next()).done).toBe(true);
  });

  it('without an end mark, the manifest follows in a batch of its own', async () => {
    const { events, release } = gatedStream([chunk('!')]);
    const out = await labelled(events);
    await out.next();
    release();
    expect(((await out.next()).value as StreamEvent[]).map((e) => e.text)).toEqual(['!']);
    const tail = (await out.next()).value as StreamEvent[];
    expect(tail).toHaveLength(1);
    expect(manifestOf(tail)).toBeTypeOf('string');
  });
});

describe('label on Responses API streams', () => {
  it('binds the function calls the final event states, in the canonical form (not the empty text)', async () => {
    const call = {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      status: 'completed',
    };
    const ev = (chunk: Record<string, unknown>): StreamEvent => ({
      event: String(chunk.type),
      data: JSON.stringify(chunk),
      chunk,
      usage: null,
    });
    const events = (async function* () {
      yield [ev({ type: 'response.created', sequence_number: 0, response: { id: 'resp_1', output: [] } })];
      yield Object.assign(
        [
          ev({
            type: 'response.completed',
            sequence_number: 1,
            response: { id: 'resp_1', status: 'completed', output: [call] },
          }),
        ],
        { ends: true },
      );
    })();
    const ctx = context(events, 'responses');
    await label(provenance)(ctx);
    let manifest = '';
    for await (const batch of (ctx.reply as { events: EventStream }).events) {
      for (const e of batch)
        manifest =
          (e.chunk?.response as { provenance?: { manifest: string } } | undefined)?.provenance?.manifest ?? manifest;
    }
    const form =
      '{"content":"","refusal":"","tool_calls":[{"arguments":"{\\"city\\":\\"Paris\\"}","name":"get_weather","type":"function"}]}';
    const check = await verifyManifest(manifest, provenance.keys, form);
    expect(check).toMatchObject({ valid: true, content_matches: true });
    expect(check.claims.content_sha256).toBe(createHash('sha256').update(form).digest('base64url'));
  });
});
