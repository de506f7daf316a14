// The gateway serves the console's built files at /console, with content types, caching and a page policy, and
// runs without them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const built = tempDir('conduit-console-');
mkdirSync(join(built, 'assets'));
writeFileSync(join(built, 'index.html'), '<!doctype html><title>Conduit console</title><div id="root"></div>');
writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("console");');
writeFileSync(join(built, 'assets', 'index-abc123.css'), 'body{margin:0}');

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
});
