import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/gateway.ts';
import { demoConfig } from './demo.ts';
import { ConfigError, loadConfigFile, validateConfig } from './load.ts';

const base = () => ({
  regions: [{ id: 'sg', country: 'SG' }],
  vendors: [{ id: 'openai' }],
  providers: [
    {
      id: 'a',
      vendor: 'openai',
      type: 'openai',
      region: 'sg',
      base_url: 'https://api.example.com/v1',
      api_key_env: 'OPENAI_API_KEY',
      models: [{ model: 'gpt-4o' }],
    },
    { id: 'b', vendor: 'openai', type: 'simulator', region: 'sg', models: [{ model: 'gpt-4o' }] },
    {
      id: 'c',
      vendor: 'openai',
      type: 'openai',
      region: 'sg',
      base_url: 'https://api.example.com/v1',
      models: [{ model: 'gpt-4o' }],
    },
  ],
  models: [{ name: 'gpt-4o', vendor: 'openai' }],
});

function problems(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration validation', () => {
  it('accepts a valid config and the demo, frozen', () => {
    expect(problems(base())).toEqual([]);
    const demo = demoConfig();
    expect(Object.isFrozen(demo.providers[0])).toBe(true);
  });

  it('names the entry and field of each problem', () => {
    const raw = base();
    (raw.providers[2] as { base_url: string }).base_url = 'ftp://nope';
    expect(problems(raw)).toContain('providers[2].base_url: must be an http(s) URL');
    const noVersion = base();
    Object.assign(noVersion.providers[0]!, { type: 'azure' });
    expect(problems(noVersion)).toEqual(
      expect.arrayContaining(['providers[0].api_version: is required for type "azure"']),
    );
    const unknownField = { ...base(), colour: 'blue' };
    expect(problems(unknownField)).toEqual(['(root): unknown field(s) "colour"']);
  });

  it('rejects references that do not resolve and models nobody serves', () => {
    const raw = base();
    raw.providers[1]!.region = 'mars';
    raw.providers[2]!.models = [{ model: 'gpt-5' }];
    raw.models.push({ name: 'orphan', vendor: 'openai' });
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        'providers[1].region: unknown region "mars"',
        'providers[2].models[0].model: "gpt-5" is not in the model catalogue',
        'models[1]: model "orphan" has no provider serving it',
      ]),
    );
  });

  it('reports every problem at once (schema, references, files named), each with its path, none as a consequence', () => {
    const raw = base();
    raw.regions[0]!.country = 'sg';
    (raw.providers[0] as { base_url: string }).base_url = 'ftp://nope';
    raw.providers[0]!.region = 'mars';
    Object.assign(raw.models[0]!, { routing: { fallback: ['nope'] } });
    Object.assign(raw, {
      provenance: { c2pa_issuer: { certificate_file: '/nonexistent/ca.pem', key_file: '/nonexistent/ca.key' } },
    });
    expect(problems(raw)).toEqual([
      'regions[0].country: must be an ISO 3166-1 alpha-2 country code such as "SG"',
      'providers[0].base_url: must be an http(s) URL',
      'providers[0].region: unknown region "mars"',
      'models[0].routing.fallback[0]: unknown model "nope"',
      'provenance.c2pa_issuer.certificate_file: cannot read /nonexistent/ca.pem (ENOENT)',
      'provenance.c2pa_issuer.key_file: cannot read /nonexistent/ca.key (ENOENT)',
    ]);
    // An entry that fails its schema still counts for the others: the region, the provider and the model each have
    // their own problem, and none is reported "unknown" or "not served" because of another.
    const standIns = base();
    standIns.regions[0]!.country = 'Singapore';
    standIns.providers = [{ ...standIns.providers[1]!, priority: -1 }] as unknown as typeof standIns.providers;
    Object.assign(standIns.models[0]!, { kind: 'image' });
    expect(problems(standIns)).toEqual([
      'regions[0].country: must be an ISO 3166-1 alpha-2 country code such as "SG"',
      'providers[0].priority: Too small: expected number to be >=0',
      'models[0].kind: Invalid option: expected one of "chat"|"embedding"',
    ]);
  });

  it('keeps tracing off by default and checks its settings', () => {
    expect(validateConfig(base()).observability.tracing).toEqual({
      enabled: false,
      otlp_endpoint: 'http://localhost:4318/v1/traces',
      sample_ratio: 1,
      service_name: 'conduit',
    });
    const tracing = { enabled: true, otlp_endpoint: 'ftp://collector/v1/traces', sample_ratio: 1.5, service_name: '' };
    expect(problems({ ...base(), observability: { tracing } })).toEqual([
      'observability.tracing.otlp_endpoint: must be an http(s) URL',
      'observability.tracing.sample_ratio: Too big: expected number to be <=1',
      'observability.tracing.service_name: Too small: expected string to have >=1 characters',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const file = `${tempDir()}/bad.yaml`;
    writeFileSync(file, 'regions:\n  - id: sg\n   country: SG\n');
    expect(() => loadConfigFile(file)).toThrow(/line \d+/);
    expect(() => loadConfigFile(`${tempDir()}/missing.yaml`)).toThrow(/cannot read file: ENOENT/);
  });
});

describe('shipped example', () => {
  it('examples/conduit.yaml is valid', () => {
    const config = loadConfigFile(new URL('../../examples/conduit.yaml', import.meta.url).pathname);
    expect(config.providers.map((p) => p.type)).toEqual(['openai', 'azure', 'openai']);
  });
});
