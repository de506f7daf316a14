// The CLI's client of the admin API: it does nothing the HTTP API does not.
import type { Command } from 'commander';
import { readKept } from './data-folder.ts';

/** Options every admin command takes (see withConnection), plus --json where it prints data. */
export type ConnOpts = { url?: string; token?: string; data: string; json?: boolean; actor?: string };

export interface AdminConnection {
  url: string;
  token: string;
  /** Who is acting, for the audit log. */
  actor?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Adds --url/--token/--data to a command; defaults come from CONDUIT_URL, CONDUIT_ADMIN_TOKEN or the data folder. */
export function withConnection(command: Command): Command {
  return command
    .option(
      '--url <url>',
      `gateway URL (default: env CONDUIT_URL, else the URL the gateway recorded in --data, else ${DEFAULT_URL})`,
    )
    .option('--token <token>', 'admin token (env CONDUIT_ADMIN_TOKEN)')
    .option('--data <dir>', "the gateway's data folder: its generated admin token and the URL it listens on", './data');
}

export function connection(opts: { url?: string; token?: string; data: string }): AdminConnection {
  const token = opts.token ?? process.env.CONDUIT_ADMIN_TOKEN ?? readKept(opts.data, 'admin-token');
  if (!token)
    fail("no admin token: pass --token, set CONDUIT_ADMIN_TOKEN, or point --data at the gateway's data folder");
  // `conduit start` records DATA/gateway-url once listening, so --data alone finds a gateway on any port.
  const recorded = readKept(opts.data, 'gateway-url');
  const url =
    opts.url ?? process.env.CONDUIT_URL ?? (recorded && /^https?:\/\//.test(recorded) ? recorded : DEFAULT_URL);
  return { url: url.replace(/\/+$/, ''), token };
}

export async function adminCall(conn: AdminConnection, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${conn.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${conn.token}`,
        'x-conduit-actor': conn.actor ?? process.env.CONDUIT_ACTOR ?? process.env.USER ?? 'cli',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    fail(
      `cannot reach ${conn.url}: ${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}`,
    );
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? text;
    fail(`${res.status}: ${message}`);
  }
  return json;
}

export function fail(message: string): never {
  console.error(`conduit: ${message}`);
  process.exit(1);
}

export function print(value: unknown, asJson: boolean, table?: () => string): void {
  console.log(asJson || !table ? JSON.stringify(value, null, 2) : table());
}

/** A plain aligned text table. */
export function renderTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
