// Bounded customer traffic for the cluster's failure tests, through the official OpenAI SDK, and the one-by-one
// comparison of what the client received complete with the usage ledger in PostgreSQL.
import OpenAI from 'openai';
import pg from 'pg';

/** What the client was billed for, as the response told it (by the request id of its x-request-id header). */
export interface Received {
  /** The node that served it. */
  node: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface LoadOutcome {
  /** Responses received complete, by request id. */
  complete: Map<string, Received>;
  /** Requests that failed or ended early (a node killed, an outage): not billed in full, not compared. */
  failed: number;
  /** Why they failed: each distinct message and how often (for a failing test to show). */
  errors: Map<string, number>;
  /** Requests sent: the ledger holds at most one row for each. */
  sent: number;
}

export interface LoadOptions {
  /** The nodes to send to now (asked before each request: a test takes a killed node out). */
  nodes: () => string[];
  key: string;
  /** Requests to send at most, and how many at once. */
  requests: number;
  concurrency: number;
  /** No request starts after this long. */
  maxMs: number;
  /** Each worker starts a request at most this often (spreads the load over an outage). */
  paceMs?: number;
  /** Heard after each request, complete or not (a test acts at a point of the load). */
  onDone?: (done: number) => void;
}

/** Sends `requests` chat completions, every other one streamed, round robin over the nodes. */
export async function sendLoad(options: LoadOptions): Promise<LoadOutcome> {
  const outcome: LoadOutcome = { complete: new Map(), failed: 0, errors: new Map(), sent: 0 };
  const clients = new Map<string, OpenAI>();
  const clientOf = (url: string) => {
    let client = clients.get(url);
    if (!client) {
      client = new OpenAI({ baseURL: `${url}/v1`, apiKey: options.key, maxRetries: 0, timeout: 40_000 });
      clients.set(url, client);
    }
    return client;
  };
  const stopAt = Date.now() + options.maxMs;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.requests && Date.now() < stopAt) {
      const i = next++;
      const started = Date.now();
      const nodes = options.nodes();
      // Pairs of requests (one plain, one streamed) take turns over the nodes, so each node serves both kinds.
      const node = nodes[Math.floor(i / 2) % nodes.length]!;
      const client = clientOf(node);
      outcome.sent++;
      const received = await (i % 2 ? streamed(client, i) : plain(client, i)).catch((err: unknown) => {
        const message = err instanceof Error ? err.message.slice(0, 200) : String(err);
        outcome.errors.set(message, (outcome.errors.get(message) ?? 0) + 1);
        return undefined;
      });
      if (received) outcome.complete.set(received.id, { node, ...received.usage });
      else outcome.failed++;
      options.onDone?.(++done);
      const rest = (options.paceMs ?? 0) - (Date.now() - started);
      if (rest > 0) await new Promise((r) => setTimeout(r, Math.min(rest, stopAt - Date.now())));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcome;
}

const prompt = (i: number) => [{ role: 'user' as const, content: `request ${i}: tell me about rivers and the sea` }];

async function plain(client: OpenAI, i: number) {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o', messages: prompt(i) })
    .withResponse();
  const id = response.headers.get('x-request-id')!;
  const usage = data.usage!;
  return {
    id,
    usage: { stream: false, prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens },
  };
}

/** Complete when the stream ended normally (the SDK throws on a cut one) and carried its usage chunk. */
async function streamed(client: OpenAI, i: number) {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o', messages: prompt(i), stream: true, stream_options: { include_usage: true } })
    .withResponse();
  const id = response.headers.get('x-request-id')!;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of data) if (chunk.usage) usage = chunk.usage;
  if (!usage) return undefined;
  return {
    id,
    usage: { stream: true, prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens },
  };
}

export interface LedgerRow {
  request_id: string;
  prompt_tokens: number;
  completion_tokens: number;
  interim: number | null;
}

/** The usage ledger's rows, read straight from the database (not through any proxy a test put in the way). */
export async function ledgerRows(databaseUrl: string): Promise<LedgerRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<LedgerRow>(
      'select request_id, prompt_tokens::int, completion_tokens::int, interim from usage_events',
    );
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Waits (bounded) until every complete response has its final row, then returns what is wrong, one line per
 * request: a response with no row, an interim row only, tokens that differ; and more rows than requests sent.
 */
export async function compareWithLedger(
  databaseUrl: string,
  load: LoadOutcome,
  waitMs: number,
): Promise<{ problems: string[]; rows: LedgerRow[] }> {
  const deadline = Date.now() + waitMs;
  let rows: LedgerRow[] = [];
  for (let i = 0; i < 1_000; i++) {
    rows = await ledgerRows(databaseUrl);
    const final = new Set(rows.filter((r) => r.interim === null).map((r) => r.request_id));
    if ([...load.complete.keys()].every((id) => final.has(id)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const byId = new Map(rows.map((r) => [r.request_id, r]));
  const problems: string[] = [];
  for (const [id, received] of load.complete) {
    const row = byId.get(id);
    if (!row) problems.push(`${id}: received complete, no ledger row`);
    else if (row.interim !== null)
      problems.push(`${id}: received complete, ledger holds interim record ${row.interim}`);
    else if (row.prompt_tokens !== received.prompt_tokens || row.completion_tokens !== received.completion_tokens)
      problems.push(
        `${id}: received ${received.prompt_tokens}+${received.completion_tokens} tokens, ledger ${row.prompt_tokens}+${row.completion_tokens}`,
      );
  }
  if (rows.length > load.sent) problems.push(`${rows.length} ledger rows for ${load.sent} requests sent`);
  return { problems, rows };
}
