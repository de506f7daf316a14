import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from './load.ts';

const provider = (id: string, base_url: string) => ({
  id,
  vendor: 'openai',
  type: 'openai',
  region: 'sg',
  base_url,
  models: [{ model: 'gpt-4o' }],
});

const config = (urls: string[], extra: Record<string, unknown> = {}) => ({
  regions: [{ id: 'sg', country: 'SG' }],
  vendors: [{ id: 'openai' }],
  providers: urls.map((url, i) => provider(`p${i}`, url)),
  models: [{ name: 'gpt-4o', vendor: 'openai', free_of_charge: true }],
  ...extra,
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

describe('upstream URLs in the configuration', () => {
  it('takes http and https only, and never a credential in the URL', () => {
    expect(
      problems(
        config([
          'file:///etc/passwd',
          'gopher://example.com/',
          'https://user:secret@api.example.com/v1',
          'https://api.example.com/v1',
        ]),
      ),
    ).toEqual([
      'providers[0].base_url: must be an http(s) URL',
      'providers[1].base_url: must be an http(s) URL',
      'providers[2].base_url: must not carry credentials (user:password@): name the environment variable that holds the secret',
    ]);
    expect(problems(config(['https://api.example.com/v1'], { audit: { checkpoint_url: 'ftp://x/' } }))).toEqual([
      'audit.checkpoint_url: must be an http(s) URL',
    ]);
  });

  it('refuses link-local addresses (cloud metadata) unless the allow-list names them', () => {
    expect(problems(config(['http://169.254.169.254/latest', 'http://[fe80::1]/v1', 'http://127.0.0.1:9/v1']))).toEqual(
      [
        'providers[0].base_url: host 169.254.169.254 is link-local (cloud metadata services answer there); list it in security.upstream_allow to call it',
        'providers[1].base_url: host fe80::1 is link-local (cloud metadata services answer there); list it in security.upstream_allow to call it',
      ],
    );
    expect(
      problems(config(['http://169.254.169.254/latest'], { security: { upstream_allow: ['169.254.169.254/32'] } })),
    ).toEqual([]);
  });

  it('with security.upstream_allow, calls only the host names, addresses and ranges it lists', () => {
    const allow = ['api.openai.com', '*.openai.azure.com', '10.0.0.0/8', '::1'];
    const urls = [
      'https://api.openai.com/v1',
      'https://eastus.openai.azure.com/openai',
      'http://10.2.3.4:8000/v1',
      'http://[::1]:9000/v1',
      'https://API.OPENAI.COM/v1',
      'https://openai.azure.com/',
      'https://api.openai.com.evil.example/v1',
      'http://localhost:9000/v1',
      'http://127.0.0.1:9000/v1',
      'http://169.254.169.254/',
      'http://11.0.0.1/',
    ];
    expect(
      problems(
        config(urls, { security: { upstream_allow: allow }, audit: { checkpoint_url: 'https://logs.example/' } }),
      ),
    ).toEqual([
      'providers[5].base_url: host openai.azure.com is not in security.upstream_allow',
      'providers[6].base_url: host api.openai.com.evil.example is not in security.upstream_allow',
      'providers[7].base_url: host localhost is not in security.upstream_allow',
      'providers[8].base_url: host 127.0.0.1 is not in security.upstream_allow',
      'providers[9].base_url: host 169.254.169.254 is not in security.upstream_allow',
      'providers[10].base_url: host 11.0.0.1 is not in security.upstream_allow',
      'audit.checkpoint_url: host logs.example is not in security.upstream_allow',
    ]);
  });

  it('names each allow-list entry that is neither a host name, an address nor a range', () => {
    expect(
      problems(
        config(['https://api.openai.com/v1'], {
          security: { upstream_allow: ['api.openai.com', 'http://x', '10.0.0.0/33', '*', 'a..b'] },
        }),
      ),
    ).toEqual(
      [1, 2, 3, 4].map(
        (i) =>
          `security.upstream_allow[${i}]: must be a host name (optionally starting "*."), an IP address or a CIDR range such as 10.0.0.0/8`,
      ),
    );
  });
});
