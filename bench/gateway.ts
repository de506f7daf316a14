// Starting Conduit for a benchmark: the bench configuration (a policy to evaluate, prices on both legs), an
// organisation with a key, and budgets and rate limits set high enough never to refuse, so that their cost
// is in the figures.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startProcess, waitHttp } from './processes.ts';

export interface BenchGateway {
  process: ChildProcess;
  url: string;
  key: string;
}

/**
 * How `npm start` and `conduit` run `bin/conduit.mjs` under `root`, read off its first line
 * (`#!/usr/bin/env -S NAME=value node --flag`): the environment it sets and node's flags.
 */
function binLaunch(root: string): { env: Record<string, string>; nodeFlags: string[] } {
  const shebang = readFileSync(join(root, 'bin/conduit.mjs'), 'utf8').split('\n', 1)[0]!;
  const words = shebang.split(' ').filter(Boolean);
  const node = words.indexOf('node');
  const env: Record<string, string> = {};
  for (const word of words.slice(1, node)) {
    const at = word.indexOf('=');
    if (at > 0) env[word.slice(0, at)] = word.slice(at + 1);
  }
  return { env, nodeFlags: words.slice(node + 1) };
}

/** Starts `bin/conduit.mjs` found under `root` (the checkout, or an exported revision) in front of `sim`. */
export async function startGateway(opts: {
  root: string;
  port: number;
  dir: string;
  sim: string;
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** The deployment's connection pool (default 256). */
  maxConnections?: number;
  /** Top-level sections added to (or replacing those of) the bench configuration. */
  config?: Record<string, unknown>;
  log: string;
}): Promise<BenchGateway> {
  const configFile = join(opts.dir, 'bench.yaml');
  writeFileSync(
    configFile,
    stringify({
      regions: [{ id: 'us-east', country: 'US' }],
      vendors: [{ id: 'openai' }],
      providers: [
        {
          id: 'sim-bench',
          vendor: 'openai',
          type: 'simulator',
          region: 'us-east',
          base_url: `${opts.sim}/v1`,
          models: [{ model: 'gpt-4o' }],
          max_connections: opts.maxConnections ?? 256,
        },
      ],
      models: [{ name: 'gpt-4o', vendor: 'openai' }],
      policy: {
        rules: [
          { id: 'no-cn-serving', effect: 'deny', reason: 'no serving from CN', when: { region_country: ['CN'] } },
        ],
      },
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [{ deployment: 'sim-bench', input: '2.50', output: '10.00' }],
            list_prices: [{ model: 'gpt-4o', input: '3.00', output: '12.00' }],
          },
        ],
      },
      ...opts.config,
    }),
  );
  const launch = binLaunch(opts.root);
  const args = [
    ...launch.nodeFlags,
    ...(opts.nodeFlags ?? []),
    join(opts.root, 'bin/conduit.mjs'),
    'start',
    '--port',
    String(opts.port),
    '--data',
    opts.dir,
    '--config',
    configFile,
  ];
  const child = await startProcess(
    args,
    {
      ...launch.env,
      CONDUIT_ADMIN_TOKEN: 'bench',
      CONDUIT_LOG_LEVEL: process.env.CONDUIT_LOG_LEVEL ?? 'info',
      ...opts.env,
    },
    /listening on/,
    opts.log,
  );
  const url = `http://127.0.0.1:${opts.port}`;
  await waitHttp(`${url}/healthz`);
  const admin = (method: string, path: string, body: unknown) =>
    fetch(`${url}/admin/v1${path}`, {
      method,
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  const org = await admin('POST', '/orgs', { name: 'Bench Org', country: 'US', tier: 'strategic' });
  const { key } = await admin('POST', `/orgs/${org.id}/keys`, { name: 'bench' });
  await admin('PUT', `/orgs/${org.id}/limits`, {
    budget: { monthly: '100000000', hard: true },
    requests_per_minute: 100_000_000,
    tokens_per_minute: 2_000_000_000,
    concurrent: 10_000,
  });
  return { process: child, url, key: key! };
}

const messages = [{ role: 'user', content: 'Summarise the benefits of connection pooling in two sentences.' }];
export const benchBodies = {
  json: JSON.stringify({ model: 'gpt-4o', messages }),
  stream: JSON.stringify({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } }),
};
