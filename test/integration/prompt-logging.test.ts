// Prompt logging: nothing of an organisation's prompts or replies is stored unless it opted in (an admin setting);
// once on, each request's body and reply are kept for its retention, readable by compliance, and the reading is
// audited. Off again, nothing more is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const logsOf = async (orgId: string, query = '', token?: string) =>
  gw.admin(
    'GET',
    `/orgs/${orgId}/prompt-logs${query}`,
    undefined,
    token ?? (await tokenFor(gw, 'carla', 'compliance')),
  );

/** Entries are written after delivery: wait (bounded) until `n` are there. */
async function waitForLogs(orgId: string, n: number): Promise<any[]> {
  for (let i = 0; i < 40; i++) {
    const res = await logsOf(orgId);
    if (res.body.data.length >= n) return res.body.data;
    await new Promise((r) => setTimeout(r, 25));
  }
  return (await logsOf(orgId)).body.data;
}

describe('prompt logging', () => {
  it('stores nothing for an organisation that did not opt in', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Quiet Ltd' });
    expect((await gw.admin('GET', `/orgs/${orgId}/prompt-logging`)).body).toEqual({
      enabled: false,
      retention_days: null,
    });
    await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'the quiet secret' }],
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await logsOf(orgId)).body.data).toEqual([]);
    // Nor for anyone: no entry anywhere carries the prompt.
    const rows = await gw.store.promptLogs.list(orgId, { limit: 10 });
    expect(rows).toEqual([]);
  });

  it('keeps request and reply of an organisation that opted in, for its retention; compliance reads them, audited', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Logged GmbH' });
    const compliance = await tokenFor(gw, 'carla', 'compliance');
    const on = await gw.admin('PUT', `/orgs/${orgId}/prompt-logging`, { enabled: true, retention_days: 7 }, compliance);
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ enabled: true, retention_days: 7 });

    const client = gw.client(key);
    const { data: reply, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'the logged plan' }] })
      .withResponse();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'a streamed question' }],
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    const refused = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(refused.status).toBe(404);

    const logs = await waitForLogs(orgId, 3);
    expect(logs).toHaveLength(3);
    const [refusal, streamedEntry, json] = logs;
    expect(json).toMatchObject({
      request_id: response.headers.get('x-request-id'),
      endpoint: 'chat',
      model: 'gpt-4o',
      status: 200,
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'the logged plan' }] },
      response: { id: reply.id, choices: [{ message: { content: reply.choices[0]!.message.content } }] },
    });
    expect(Date.parse(json.expires_at) - Date.parse(json.created_at)).toBe(7 * 86_400_000);
    // A stream's entry: the model's text as delivered (a disclosure notice the gateway adds at its end aside).
    expect(streamedEntry.response.object).toBe('stream');
    expect(streamedEntry.response.output_text.length).toBeGreaterThan(20);
    expect(streamed.startsWith(streamedEntry.response.output_text)).toBe(true);
    expect(streamedEntry.request.messages[0].content).toBe('a streamed question');
    expect(refusal).toMatchObject({ status: 404, response: { error: { code: 'model_not_found' } } });
    expect(logs.every((e: Record<string, unknown>) => !('org_id' in e))).toBe(true);

    // Paged by time, and one request found by its id.
    expect((await logsOf(orgId, `?limit=1&before=${encodeURIComponent(streamedEntry.created_at)}`)).body.data).toEqual(
      logs.filter((e: { created_at: string }) => e.created_at < streamedEntry.created_at).slice(0, 1),
    );
    expect((await logsOf(orgId, `?request_id=${json.request_id}`)).body.data).toEqual([json]);

    // Reading customer content is on the record, by the principal that read it.
    const audit = await gw.admin('GET', `/audit?action=org.prompt_logs.read&subject_id=${orgId}`);
    const byId = audit.body.data.filter(
      (e: { data: { request_id?: string } }) => e.data.request_id === json.request_id,
    );
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatchObject({ actor: 'carla', data: { entries: 1 } });

    // Off again: what follows is not stored.
    const off = await gw.admin('PUT', `/orgs/${orgId}/prompt-logging`, { enabled: false }, compliance);
    expect(off.body).toEqual({ enabled: false, retention_days: null });
    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'after opting out' }],
    });
    await new Promise((r) => setTimeout(r, 100));
    const after = (await logsOf(orgId)).body.data;
    expect(after).toHaveLength(3);
    expect(JSON.stringify(after)).not.toContain('after opting out');
  });

  it('is set by compliance, read by compliance, and checks its input', async () => {
    const { orgId } = await gw.newOrgKey({ name: 'Checked SA' });
    const operator = await tokenFor(gw, 'otto', 'operator');
    const put = await gw.admin('PUT', `/orgs/${orgId}/prompt-logging`, { enabled: true }, operator);
    expect(put.status).toBe(403);
    expect((await logsOf(orgId, '', operator)).status).toBe(403);
    const bad = await gw.admin('PUT', `/orgs/${orgId}/prompt-logging`, { enabled: 'yes', retention_days: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { param: string }) => d.param)).toEqual(['enabled', 'retention_days']);
    expect((await logsOf(orgId, '?before=yesterday')).status).toBe(400);
    expect((await logsOf('org_nope')).status).toBe(404);
    // Defaults to 30 days.
    expect((await gw.admin('PUT', `/orgs/${orgId}/prompt-logging`, { enabled: true })).body).toEqual({
      enabled: true,
      retention_days: 30,
    });
  });
});
