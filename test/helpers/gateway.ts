// Starts a real gateway on a free port for integration tests, with helpers to make orgs, keys and SDK clients.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { startGateway, type Gateway } from '../../src/main.ts';

export interface TestGateway extends Gateway {
  admin(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  newOrgKey(input?: {
    name?: string;
    country?: string;
    tier?: string;
  }): Promise<{ orgId: string; key: string; keyId: string }>;
  client(key: string, opts?: { maxRetries?: number; headers?: Record<string, string> }): OpenAI;
  /** The config file the gateway started with (when given one): rewrite it with writeConfigTo to test a reload. */
  configFile?: string;
}

export function tempDir(prefix = 'conduit-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a YAML config into a temp folder and returns its path. */
export function writeConfig(config: unknown): string {
  const file = join(tempDir('conduit-config-'), 'conduit.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Rewrites a test gateway's config file as startTestGateway writes one (models free unless priced). */
export function writeConfigTo(file: string, config: unknown): void {
  writeFileSync(file, stringify(freeUnlessPriced(config)));
}

export async function startTestGateway(
  opts: { config?: unknown; dataDir?: string; consoleDir?: string } = {},
): Promise<TestGateway> {
  const configFile = opts.config ? writeConfig(freeUnlessPriced(opts.config)) : undefined;
  const gateway = await startGateway({
    dataDir: opts.dataDir ?? tempDir(),
    configFile,
    port: 0,
    host: '127.0.0.1',
    adminToken: 'test-admin-token',
    logLevel: 'silent',
    consoleDir: opts.consoleDir,
  });
  const admin: TestGateway['admin'] = async (method, path, body, token = gateway.adminToken) => {
    const res = await fetch(`${gateway.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return Object.assign(gateway, {
    configFile,
    admin,
    async newOrgKey(input: { name?: string; country?: string; tier?: string } = {}) {
      const org = await admin('POST', '/orgs', {
        name: input.name ?? 'Acme Ltd',
        country: input.country ?? 'DE',
        tier: input.tier ?? 'verified',
      });
      if (org.status !== 201) throw new Error(`org create failed: ${JSON.stringify(org.body)}`);
      const key = await admin('POST', `/orgs/${org.body.id}/keys`, { name: 'test' });
      return { orgId: org.body.id as string, key: key.body.key as string, keyId: key.body.id as string };
    },
    client: (key: string, o: { maxRetries?: number; headers?: Record<string, string> } = {}) =>
      new OpenAI({
        baseURL: `${gateway.url}/v1`,
        apiKey: key,
        maxRetries: o.maxRetries ?? 0,
        defaultHeaders: o.headers,
      }),
  });
}

/**
 * A test config without a price book serves its models free, said explicitly (free_of_charge, no_vendor_cost):
 * the gateway refuses what is served unpriced (model_not_priced), and most tests are not about money.
 */
function freeUnlessPriced(config: unknown): unknown {
  const c = config as {
    pricing?: unknown;
    models?: Array<Record<string, unknown>>;
    providers?: Array<{ models?: Array<Record<string, unknown>> }>;
  };
  if (c.pricing !== undefined || !Array.isArray(c.models) || !Array.isArray(c.providers)) return config;
  return {
    ...c,
    models: c.models.map((m) => ({ free_of_charge: true, ...m })),
    providers: c.providers.map((p) => ({ ...p, models: p.models?.map((m) => ({ no_vendor_cost: true, ...m })) })),
  };
}

/** A one-deployment-per-simulator-server config, for tests that need a real upstream peer over HTTP. */
export function simulatorServerConfig(
  servers: Array<{ id: string; url: string; region?: string }>,
  extra: Record<string, unknown> = {},
) {
  return {
    regions: [
      { id: 'us-east', country: 'US' },
      { id: 'eu-west', country: 'IE' },
    ],
    vendors: [{ id: 'openai' }],
    providers: servers.map((s) => ({
      id: s.id,
      vendor: 'openai',
      type: 'simulator',
      region: s.region ?? 'us-east',
      base_url: `${s.url}/v1`,
      models: [{ model: 'gpt-4o' }, { model: 'text-embedding-3-small' }],
      timeouts: { connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000, total_ms: 5000 },
    })),
    models: [
      { name: 'gpt-4o', vendor: 'openai' },
      { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
    ],
    ...extra,
  };
}
