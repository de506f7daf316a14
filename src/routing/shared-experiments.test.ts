// Experiment figures shared between nodes: each node's report holds the others' traffic, a malformed batch is
// ignored and said, and latency samples stay bounded.
import { describe, expect, it } from 'vitest';
import type { PeerChannel } from '../store/peer-channel.ts';
import { ExperimentBook } from './experiments.ts';

/** Channels between nodes in one process: a message reaches every node but its sender. */
function peers(n: number): PeerChannel[] {
  const listeners: Array<Array<(m: string) => void>> = Array.from({ length: n }, () => []);
  return listeners.map((_, self) => ({
    publish: (m) => listeners.forEach((ls, i) => i !== self && ls.forEach((l) => l(m))),
    subscribe: (l) => void listeners[self]!.push(l),
  }));
}

const outcome = (latencyMs: number, ok = true) => ({ ok, latencyMs, promptTokens: 10, completionTokens: 5 });

describe('experiment figures across nodes', () => {
  it("adds each node's figures to the others' once they are sent", () => {
    const [ca, cb] = peers(2);
    const [a, b] = [new ExperimentBook(ca), new ExperimentBook(cb)];
    a.record('m', 'canary', 'cheap', 'candidate', outcome(100));
    a.record('m', 'canary', 'cheap', 'primary', outcome(200, false));
    b.record('m', 'canary', 'cheap', 'candidate', outcome(300));
    b.agreement('m', 'canary', 'cheap', 0.5);
    expect(b.report()[0]!.candidate_stats.requests).toBe(1);
    a.flush();
    b.flush();
    const report = a.report();
    expect(b.report()).toEqual(report);
    expect(report[0]).toMatchObject({
      candidate_stats: { requests: 2, tokens_per_request: 15 },
      primary: { requests: 1, error_rate: 1 },
      agreement: { mean_similarity: 0.5, samples: 1 },
    });
    // Sent once: a second flush has nothing new.
    a.flush();
    expect(b.report()).toEqual(report);
  });

  it('ignores a malformed batch and says so; keeps a bounded number of latency samples', () => {
    const [ca, cb] = peers(2);
    const problems: unknown[] = [];
    const b = new ExperimentBook(cb, (err) => problems.push(err));
    ca!.publish('{"experiments":[{"model":"m"}]}');
    ca!.publish('not json');
    expect(problems).toHaveLength(2);
    expect(b.report()).toEqual([]);
    const a = new ExperimentBook(ca);
    for (let i = 0; i < 3_000; i++) a.record('m', 'shadow', 'cheap', 'candidate', outcome(i));
    a.flush();
    const [e] = b.report();
    // All requests count; the latencies are the latest samples sent (500 a batch).
    expect(e!.candidate_stats.requests).toBe(3_000);
    expect(e!.candidate_stats.latency_p50_ms).toBeGreaterThan(2_500);
  });
});
