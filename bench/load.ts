// One load run with autocannon, keeping every response time at full (sub-millisecond) precision:
// autocannon's own histogram rounds to whole milliseconds, too coarse for a gateway's overhead.
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

export async function load(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const times: number[] = [];
  const instance: autocannon.Instance = autocannon({
    url: opts.url,
    method: 'POST',
    body: opts.body,
    headers: { 'content-type': 'application/json', ...opts.headers },
    connections: opts.connections,
    pipelining: 1,
    duration: opts.seconds,
  }) as unknown as autocannon.Instance;
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status === 200) times.push(responseTime);
  });
  const result = await (instance as unknown as Promise<autocannon.Result>);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return {
    rps: result.requests.total / opts.seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}
