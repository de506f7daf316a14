// This node's data-plane traffic over the last minutes, in one-second buckets: request rate, error rate and latency
// for the console's overview. Recording is a few array writes per reply; reading sums at most WINDOW_SECONDS buckets.

const WINDOW_SECONDS = 300;
/** Latency bucket upper bounds, ms; the last bucket takes everything slower. */
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

interface SecondBucket {
  second: number;
  requests: number;
  errors: number;
  latency: number[];
}

export interface TrafficSummary {
  /** The window summed over, seconds. */
  window_seconds: number;
  requests: number;
  requests_per_second: number;
  /** Replies with a status of 500 or more, and 429s, over all replies (0 when there were none). */
  errors: number;
  error_rate: number;
  /** Upper bounds of the latency buckets the percentiles fall in, ms (60000: a minute or more; null without requests). */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Requests per second, one point per `step_seconds`, oldest first. */
  step_seconds: number;
  series: Array<{ at: string; requests: number; errors: number }>;
}

export class LiveTraffic {
  private readonly buckets: SecondBucket[] = Array.from({ length: WINDOW_SECONDS }, () => ({
    second: -1,
    requests: 0,
    errors: 0,
    latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  }));

  constructor(private readonly now: () => number = Date.now) {}

  record(status: number, latencyMs: number): void {
    const second = Math.floor(this.now() / 1000);
    const bucket = this.buckets[second % WINDOW_SECONDS]!;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.errors = 0;
      bucket.latency.fill(0);
    }
    bucket.requests++;
    if (status >= 500 || status === 429) bucket.errors++;
    let i = 0;
    while (i < LATENCY_BOUNDS_MS.length && latencyMs > LATENCY_BOUNDS_MS[i]!) i++;
    bucket.latency[i]!++;
  }

  /** The last `windowSeconds` (at most 300), with a series of `steps` points. */
  summary(windowSeconds = 60, steps = 30): TrafficSummary {
    const window = Math.min(Math.max(1, Math.floor(windowSeconds)), WINDOW_SECONDS);
    const step = Math.max(1, Math.ceil(window / steps));
    const nowSecond = Math.floor(this.now() / 1000);
    const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    const series: TrafficSummary['series'] = [];
    let requests = 0;
    let errors = 0;
    for (let start = nowSecond - window + 1; start <= nowSecond; start += step) {
      let stepRequests = 0;
      let stepErrors = 0;
      for (let second = start; second < start + step && second <= nowSecond; second++) {
        const bucket = this.buckets[second % WINDOW_SECONDS]!;
        if (bucket.second !== second) continue;
        stepRequests += bucket.requests;
        stepErrors += bucket.errors;
        for (let i = 0; i < latency.length; i++) latency[i]! += bucket.latency[i]!;
      }
      requests += stepRequests;
      errors += stepErrors;
      series.push({ at: new Date(start * 1000).toISOString(), requests: stepRequests, errors: stepErrors });
    }
    return {
      window_seconds: window,
      requests,
      requests_per_second: requests / window,
      errors,
      error_rate: requests === 0 ? 0 : errors / requests,
      latency_p50_ms: percentile(latency, requests, 0.5),
      latency_p95_ms: percentile(latency, requests, 0.95),
      step_seconds: step,
      series,
    };
  }
}

function percentile(latency: number[], total: number, q: number): number | null {
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i]!;
    if (seen >= q * total) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return null;
}
