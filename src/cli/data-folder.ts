// What the CLI finds in the gateway's data folder on this machine: the generated admin token (admin-token, kept by
// the gateway) and the URL the gateway listens on (gateway-url, recorded by `conduit start`).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A value kept in the data folder (one line), if the file is there. */
export function readKept(dataDir: string, name: 'admin-token' | 'gateway-url'): string | undefined {
  const file = join(dataDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** Records where a client on this machine reaches the gateway (a wildcard listen address means loopback), mode 0600. */
export function recordGatewayUrl(dataDir: string, listening: string): void {
  const url = new URL(listening);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  else if (url.hostname === '[::]') url.hostname = '[::1]';
  const file = join(dataDir, 'gateway-url');
  writeFileSync(file, `${url.origin}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
