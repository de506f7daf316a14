// The `conduit` command as a user runs it.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/principals.ts';
import { startTestGateway, tempDir, writeConfig, type TestGateway } from '../helpers/gateway.ts';

const run = promisify(execFile);
const conduit = (args: string[], env: Record<string, string> = {}) =>
  run('node', ['bin/conduit.mjs', ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('conduit CLI', () => {
  it('config check validates a file without starting', async () => {
    const good = writeConfig({
      regions: [{ id: 'sg', country: 'SG' }],
      vendors: [{ id: 'v' }],
      providers: [{ id: 'p', vendor: 'v', type: 'simulator', region: 'sg', models: [{ model: 'm' }] }],
      models: [{ name: 'm', vendor: 'v' }],
    });
    const ok = await conduit(['config', 'check', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK \(1 regions/);
    const bad = `${tempDir()}/bad.yaml`;
    writeFileSync(bad, 'regions: []\n');
    const failed = await conduit(['config', 'check', bad]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/regions: /);
    // Four mistakes of three kinds (a field, a reference, a file named) in one run, each with its path.
    const several = writeConfig({
      regions: [{ id: 'sg', country: 'sg' }],
      vendors: [{ id: 'v' }],
      providers: [
        { id: 'p', vendor: 'v', type: 'openai', region: 'mars', base_url: 'ftp://x', models: [{ model: 'm' }] },
      ],
      models: [{ name: 'm', vendor: 'v' }],
      provenance: { c2pa_issuer: { certificate_file: `${tempDir()}/ca.pem`, key_file: `${tempDir()}/ca.key` } },
    });
    const all = await conduit(['config', 'check', several]);
    expect(all.code).toBe(2);
    expect(
      all.stderr
        .split('\n')
        .slice(1, -1)
        .map((line) => line.trim().split(':')[0]),
    ).toEqual([
      'regions[0].country',
      'providers[0].base_url',
      'providers[0].region',
      'provenance.c2pa_issuer.certificate_file',
      'provenance.c2pa_issuer.key_file',
    ]);
  });

  it('orgs and keys verbs talk to the admin API', async () => {
    const env = { CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken };
    const created = await conduit(['orgs', 'create', '--name', 'Cli Corp', '--country', 'FR', '--json'], env);
    expect(created.code).toBe(0);
    const org = JSON.parse(created.stdout);
    expect(org.country).toBe('FR');
    const list = await conduit(['orgs', 'list'], env);
    expect(list.stdout).toContain('Cli Corp');
    const key = await conduit(['keys', 'create', '--org', org.id, '--json'], env);
    const { id, key: secret } = JSON.parse(key.stdout);
    const chat = await gw
      .client(secret)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices).toHaveLength(1);
    const revoked = await conduit(['keys', 'revoke', id, '--org', org.id], env);
    expect(revoked.stdout).toMatch(/revoked/);
    const usage = await conduit(['orgs', 'usage', org.id], env);
    expect(JSON.parse(usage.stdout).requests).toBe(1);
    const wrongToken = await conduit(['orgs', 'list'], { ...env, CONDUIT_ADMIN_TOKEN: 'bad' });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/401/);
  });

  it('governance verbs: sanctions load, vetting queue and decisions, policy explain, audit verify', async () => {
    const env = { CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: await tokenFor(gw, 'carol'), CONDUIT_ACTOR: 'carol' };
    const fixtures = new URL('../fixtures/sanctions/', import.meta.url).pathname;
    const loaded = await conduit(
      ['sanctions', 'load', '--sdn', `${fixtures}sdn.csv`, '--alt', `${fixtures}alt.csv`],
      env,
    );
    expect(loaded.stdout).toMatch(/ofac_sdn version 1: 4 entries/);
    const missing = await conduit(['sanctions', 'load'], env);
    expect(missing.code).toBe(1);
    const cn = await gw.admin('POST', '/orgs', { name: 'CLI CN Co', country: 'CN', tier: 'verified' });
    const explain = await conduit(['policy', 'explain', '--org', cn.body.id, '--model', 'gpt-4o'], env);
    expect(explain.stdout).toMatch(/ALLOWED/);
    expect(explain.stdout).toMatch(/us-east\s+deny\s+openai-cn-from-singapore/);
    expect(explain.stdout).toMatch(/Incorporated in CN; controlled from CN \(market greater-china\)/);
    const suspended = await conduit(['vetting', 'suspend', cn.body.id, '--reason', 'review'], env);
    expect(suspended.stdout).toMatch(/suspended/);
    const trail = await gw.admin('GET', `/audit?subject_id=${cn.body.id}`);
    expect(trail.body.data[0]).toMatchObject({ actor: 'carol', action: 'vetting.suspended' });
    const verify = await conduit(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/audit log intact/);
  });

  it('report margin prints a table by territory', async () => {
    const env = { CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken };
    const month = new Date().toISOString().slice(0, 7);
    const { key } = await gw.newOrgKey({ country: 'JP' });
    await gw.client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'bill me' }] });
    const out = await conduit(['report', 'margin', '--month', month, '--by', 'territory'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Margin by territory/);
    expect(out.stdout).toMatch(/^JP\s+\d+\s+[\d.,]+/m);
    expect(out.stdout).toMatch(/^TOTAL/m);
    const byMarket = await conduit(['report', 'margin', '--month', month, '--by', 'market'], env);
    expect(byMarket.stdout).toMatch(/Margin by market/);
    expect(byMarket.stdout).toMatch(/^JP\s+\d+\s+[\d.,]+/m);
    const bad = await conduit(['report', 'margin', '--month', 'March'], env);
    expect(bad.code).toBe(1);
  });

  it('verify tells whether a text file came through the gateway', async () => {
    const { key } = await gw.newOrgKey();
    const res = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'a paragraph for the CLI test' }],
      max_tokens: 60,
    });
    await new Promise((r) => setTimeout(r, 50));
    const file = `${tempDir()}/out.txt`;
    writeFileSync(file, `Quoted in my report: ${res.choices[0]!.message.content}`);
    const found = await conduit(['verify', file, '--url', gw.url]);
    expect(found.stdout).toMatch(/MATCH/);
    const other = `${tempDir()}/other.txt`;
    writeFileSync(other, 'Nothing generated here, just my own words about my own garden and its roses.');
    const missing = await conduit(['verify', other, '--url', gw.url]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/no match/);
  });

  it('verify reads the C2PA manifest a text carries in-band', async () => {
    const { orgId, key } = await gw.newOrgKey();
    await gw.admin('PUT', `/orgs/${orgId}/disclosure`, { c2pa_text: true });
    const res = await gw.client(key).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'a paragraph with an in-band mark' }],
      max_tokens: 60,
    });
    await new Promise((r) => setTimeout(r, 50));
    const file = `${tempDir()}/marked.txt`;
    writeFileSync(file, res.choices[0]!.message.content!);
    const out = await conduit(['verify', file, '--url', gw.url]);
    expect(out.stdout).toMatch(
      /C2PA manifest urn:c2pa:\S+ signed by ".*Conduit provenance signer.*": signature valid; text matches its hard binding/,
    );
    expect(out.stdout).toMatch(/MATCH/);
    writeFileSync(file, res.choices[0]!.message.content!.replace(/^\S+/, 'Edited'));
    expect((await conduit(['verify', file, '--url', gw.url])).stdout).toMatch(/text was changed since it was signed/);
  });

  it('--version and GET /healthz tell the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const out = await conduit(['--version']);
    expect(out).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await (await fetch(`${gw.url}/healthz`)).json()).toEqual({ status: 'ok', version });
  });

  it('an admin-API verb loads the admin client only, never the gateway', async () => {
    // A module hook that records every module the CLI resolves (about 2.7 s went into compiling the gateway per call).
    const record = `${tempDir()}/modules.txt`;
    const hook = `import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(record)}, r.url + '\\n'); return r; }`;
    const preload = `${tempDir()}/record.mjs`;
    writeFileSync(
      preload,
      `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`,
    );
    const listed = await run('node', ['--import', preload, 'bin/conduit.mjs', 'orgs', 'list', '--json'], {
      env: { ...process.env, CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken },
    });
    expect(JSON.parse(listed.stdout)).toEqual(expect.any(Array));
    // bin/conduit.mjs runs the sources compiled into chunks (bin/compile.mjs): a chunk's source map names its sources.
    const sourcesOf = (url: string): string[] => {
      if (!url.includes('/node_modules/.cache/conduit/')) return [url];
      const file = fileURLToPath(url);
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      return map.sources.map((source) => resolve(dirname(file), source));
    };
    const sources = readFileSync(record, 'utf8')
      .split('\n')
      .flatMap(sourcesOf)
      .filter((url) => url.includes('/src/'))
      .map((url) => url.slice(url.indexOf('/src/') + 1));
    expect(sources).toContain('src/cli/commands/tenancy.ts');
    // Nothing of the gateway (src/main.ts, server, pipeline, store...) nor of the other commands.
    expect(
      sources.filter(
        (file) => !/^src\/(cli\/(main|admin-client|data-folder|commands\/(index|tenancy))\.ts|version\.ts)$/.test(file),
      ),
    ).toEqual([]);
  });

  it('--data alone finds the gateway, whatever port `conduit start` listens on', async () => {
    const data = tempDir();
    const { CONDUIT_URL: _url, CONDUIT_ADMIN_TOKEN: _token, ...env } = process.env;
    const gateway = spawn('node', ['bin/conduit.mjs', 'start', '--port', '0', '--data', data], {
      env: { ...env, CONDUIT_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const listening = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no listening line in 30 s: ${out}`)), 30_000);
        gateway.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const url = /Conduit listening on (http:\/\/\S+)/.exec(out)?.[1];
          if (url) {
            clearTimeout(timer);
            resolve(url);
          }
        });
        gateway.once('exit', (code) => reject(new Error(`conduit start exited (${code}): ${out}`)));
      });
      expect(readFileSync(`${data}/gateway-url`, 'utf8')).toBe(`${listening}\n`);
      expect(statSync(`${data}/gateway-url`).mode & 0o777).toBe(0o600);
      const created = await run(
        'node',
        ['bin/conduit.mjs', 'orgs', 'create', '--name', 'Found By Data', '--country', 'NL', '--data', data, '--json'],
        { env },
      );
      const org = JSON.parse(created.stdout) as { id: string };
      const shown = await run('node', ['bin/conduit.mjs', 'orgs', 'show', org.id, '--data', data], { env });
      expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'Found By Data', country: 'NL' });
    } finally {
      gateway.kill('SIGTERM');
      await once(gateway, 'exit');
    }
  });
});
