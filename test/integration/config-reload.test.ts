// Configuration reload without restart (POST /admin/v1/config/reload; SIGHUP calls the same): a good file is put in
// force at once while a stream started before finishes on the deployment it started on; a bad one is refused with
// every problem and the old configuration keeps serving; sections read at start only are reported, not applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/providers/simulator/server.ts';
import {
  simulatorServerConfig,
  startTestGateway,
  writeConfig,
  writeConfigTo,
  type TestGateway,
} from '../helpers/gateway.ts';
import { spawnGateway } from '../helpers/spawned-gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

let simOld: SimulatorServer;
let simNew: SimulatorServer;
let gw: TestGateway;
let key: string;

const onOld = () => simulatorServerConfig([{ id: 'sim-old', url: simOld.url }]);
const onNew = () => simulatorServerConfig([{ id: 'sim-new', url: simNew.url }]);

beforeAll(async () => {
  // The old deployment streams slowly: 30 tokens 25 ms apart (under its 1 s idle timeout, well under 5 s total).
  simOld = await startSimulatorServer({ faults: { token_delay_ms: 25, reply_tokens: 30 } });
  simNew = await startSimulatorServer();
  gw = await startTestGateway({ config: onOld() });
  ({ key } = await gw.newOrgKey());
});
afterAll(async () => {
  await gw.close();
  await simOld.close();
  await simNew.close();
});

const reload = (token?: string) => gw.admin('POST', '/config/reload', undefined, token);

async function servedBy(): Promise<string | null> {
  const res = await gw
    .client(key)
    .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  return res.response.headers.get('x-conduit-deployment');
}

describe('configuration reload', () => {
  it('puts a new catalogue in force while a stream started before finishes on its old deployment', async () => {
    expect(await servedBy()).toBe('sim-old');
    const { data: stream, response } = await gw
      .client(key)
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Tell me about rivers' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get('x-conduit-deployment')).toBe('sim-old');
    const chunks = stream[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.done).toBe(false);

    writeConfigTo(gw.configFile!, onNew());
    const operator = await tokenFor(gw, 'olive', 'operator');
    const reloaded = await reload(operator);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toMatchObject({
      object: 'config.reload',
      applied: ['providers'],
      restart_required: [],
    });
    // New requests go to the new deployment at once, the catalogue says so...
    expect(await servedBy()).toBe('sim-new');
    const catalogue = await gw.admin('GET', '/catalogue');
    expect(catalogue.body.models[0].deployments.map((d: { id: string }) => d.id)).toEqual(['sim-new']);

    // ...while the stream under way runs to its end on the old one, its pool still open.
    let text = '';
    let finish: string | null | undefined;
    let completionTokens = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      text += next.value.choices[0]?.delta.content ?? '';
      finish = next.value.choices[0]?.finish_reason ?? finish;
      completionTokens = next.value.usage?.completion_tokens ?? completionTokens;
    }
    expect(finish).toBe('stop');
    expect(completionTokens).toBeGreaterThanOrEqual(25);
    expect(text.length).toBeGreaterThan(0);
    expect(simOld.stats.completion_tokens_sent).toBeGreaterThanOrEqual(completionTokens);

    // On the record, by the principal that asked.
    const audit = await gw.admin('GET', '/audit?action=config.reloaded');
    expect(audit.body.data.at(-1)).toMatchObject({
      actor: 'olive',
      subject_type: 'config',
      data: { role: 'operator', via: 'api', applied: ['providers'] },
    });
  });

  it('a request that fails over after the reload still fails over within the configuration it started on', async () => {
    // sim-slow-fail answers 500 after 400 ms: the reload lands meanwhile, and the failover to sim-old-b is sent after.
    const slowFail = await startSimulatorServer({ faults: { first_byte_ms: 400, error_rate: 1 } });
    try {
      const before = simulatorServerConfig([
        { id: 'sim-slow-fail', url: slowFail.url },
        { id: 'sim-old-b', url: simOld.url },
      ]);
      Object.assign(before.providers[0]!, { priority: 1 });
      Object.assign(before.providers[1]!, { priority: 2 });
      writeConfigTo(gw.configFile!, before);
      expect((await reload()).status).toBe(200);
      const pending = servedBy();
      await new Promise((r) => setTimeout(r, 150));
      expect(slowFail.stats.requests).toBe(1);
      writeConfigTo(gw.configFile!, onNew());
      expect((await reload()).status).toBe(200);
      // Served by the old configuration's second deployment, whose pool stayed open for it.
      expect(await pending).toBe('sim-old-b');
      expect(await servedBy()).toBe('sim-new');
    } finally {
      await slowFail.close();
    }
  });

  it('refuses a bad file with every problem, and keeps the configuration in force serving', async () => {
    const bad = onNew();
    Object.assign(bad.providers[0]!, { base_url: 'ftp://nowhere', speed: 'fast' });
    Object.assign(bad.models[0]!, { vendor: 'nobody' });
    writeConfigTo(gw.configFile!, bad);
    const refused = await reload();
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_config' });
    expect(refused.body.error.message).toMatch(/the configuration in force keeps serving/);
    const problems = refused.body.error.details.map(
      (d: { param: string; message: string }) => `${d.param}: ${d.message}`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'providers[0]: unknown field(s) "speed"',
        'providers[0].base_url: must be an http(s) URL',
        expect.stringMatching(/^models\[0\]\.vendor: .*nobody/),
      ]),
    );
    expect(await servedBy()).toBe('sim-new');
    const audit = await gw.admin('GET', '/audit?action=config.reload_refused');
    expect(audit.body.data.at(-1)).toMatchObject({ actor: 'admin', data: { via: 'api' } });

    writeConfigTo(gw.configFile!, onNew());
    writeConfigTo(gw.configFile!, 'providers: [');
    const yaml = await reload();
    expect(yaml.status).toBe(400);
    expect(yaml.body.error.details).toHaveLength(1);
    expect(await servedBy()).toBe('sim-new');
  });

  it('reports sections read at start only, and applies the rest', async () => {
    const next = {
      ...onNew(),
      server: { port: 1 },
      limits: { tiers: { verified: { requests_per_minute: 1000, tokens_per_minute: 1_000_000, concurrent: 10 } } },
    };
    writeConfigTo(gw.configFile!, next);
    const res = await reload();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: ['limits'], restart_required: ['server'] });
    expect(gw.config.limits.tiers.verified.concurrent).toBe(10);
    expect(gw.config.server.port).toBe(1);
    // Still listening where it was.
    expect(await servedBy()).toBe('sim-new');
  });

  it('needs the operator or admin role, and a configuration file', async () => {
    const finance = await tokenFor(gw, 'fiona', 'finance');
    const refused = await reload(finance);
    expect({ status: refused.status, body: refused.body }).toMatchObject({
      status: 403,
      body: { error: { code: 'insufficient_role' } },
    });

    const demo = await startTestGateway();
    try {
      const res = await demo.admin('POST', '/config/reload');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('config_not_reloadable');
    } finally {
      await demo.close();
    }
  });
});

describe('SIGHUP', () => {
  it('reloads `conduit start` the same way, and logs a refusal with its problems', async () => {
    const file = writeConfig({});
    writeConfigTo(file, onOld());
    const spawned = await spawnGateway({ configFile: file });
    try {
      const catalogue = async () => {
        const res = await fetch(`${spawned.url}/admin/v1/catalogue`, {
          headers: { authorization: `Bearer ${spawned.adminToken}` },
        });
        const body = (await res.json()) as { models: Array<{ deployments: Array<{ id: string }> }> };
        return body.models[0]!.deployments.map((d) => d.id);
      };
      expect(await catalogue()).toEqual(['sim-old']);
      writeConfigTo(file, onNew());
      spawned.process.kill('SIGHUP');
      const done = await spawned.waitForLine((l) => l.msg === 'configuration reloaded (SIGHUP)');
      expect(done.reload).toMatchObject({ applied: ['providers'], restart_required: [] });
      expect(await catalogue()).toEqual(['sim-new']);

      writeConfigTo(file, { ...onNew(), regions: 'everywhere' });
      spawned.process.kill('SIGHUP');
      const refused = await spawned.waitForLine((l) => String(l.msg).startsWith('configuration reload refused'));
      expect(refused.details).toEqual(expect.arrayContaining([expect.objectContaining({ param: 'regions' })]));
      expect(await catalogue()).toEqual(['sim-new']);
    } finally {
      await spawned.stop();
    }
  }, 60_000);
});
