// The gateway serves the console's built files at /console, with content types, caching and a page policy, and
// runs without them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { precompressDir } from '../../console/precompress.ts';

const built = tempDir('conduit-console-');
mkdirSync(join(built, 'assets'));
writeFileSync(join(built, 'index.html'), '<!doctype html><title>Conduit console</title><div id="root"></div>');
writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("console");');
writeFileSync(join(built, 'assets', 'index-abc123.css'), 'body{margin:0}');
// A bundle-like script, repetitive as bundles are, compressed as the build compresses it.
const bundle = Array.from(
  { length: 400 },
  (_, i) => `export const value${i} = ${JSON.stringify('x'.repeat(i % 40))};`,
).join('\n');
writeFileSync(join(built, 'assets', 'app-def456.js'), bundle);
precompressDir(built);

let gw: TestGateway;
let bare: TestGateway;
beforeAll(async () => {
  [gw, bare] = await Promise.all([
    startTestGateway({ consoleDir: built }),
    startTestGateway({ consoleDir: join(tempDir(), 'not-built') }),
  ]);
});
afterAll(() => Promise.all([gw?.close(), bare?.close()]));

describe('console files', () => {
  it('serves the page with a page policy and no caching, and every page path falls back to it', async () => {
    for (const path of ['/console/', '/console/customers/org_1']) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain('Conduit console');
    }
    const redirect = await fetch(`${gw.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');
  });

  it('serves hashed assets with their content type, cached for good', async () => {
    const js = await fetch(`${gw.url}/console/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(`${gw.url}/console/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers a missing asset or a path outside the folder with a 404, not the page', async () => {
    const missing = await fetch(`${gw.url}/console/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('unknown_url');
    const outside = await fetch(`${gw.url}/console/..%2f..%2fpackage.json`);
    expect([403, 404]).toContain(outside.status);
    expect(await outside.text()).not.toContain('"name": "conduit"');
  });

  it('starts without the built console, and /console says how to build it', async () => {
    expect((await fetch(`${bare.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${bare.url}/console/`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('console_not_built');
    expect(body.error.message).toContain('npm install');
  });

  it('sends the precompressed file the client accepts, with Content-Encoding, Vary and the same caching', async () => {
    const url = `${gw.url}/console/assets/app-def456.js`;
    // undici's request() does not decompress: the bytes on the wire are checked.
    const get = async (acceptEncoding?: string) => {
      const res = await request(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });
      return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
    };
    const br = await get('gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.body).toString()).toBe(bundle);
    expect(br.body.length).toBeLessThan(bundle.length / 4);

    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(bundle);

    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(bundle);
  });

  it('sends the page compressed too, still uncached and under its page policy', async () => {
    const res = await request(`${gw.url}/console/customers/org_1`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(gunzipSync(Buffer.from(await res.body.arrayBuffer())).toString()).toContain('Conduit console');
  });
});
