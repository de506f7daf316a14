// Trying a candidate deployment before switching to it: canary (a share of live traffic, answers returned)
// and shadow (a copy, metered, never returned). Keeps side-by-side figures per model: in a cluster, every node's
// (shared-experiments.ts), so that any node reports the experiment as a whole.
import type { PeerChannel } from '../store/peer-channel.ts';
import {
  addArm,
  emptyExperiment,
  experimentKey,
  ExperimentShare,
  SAMPLES_PER_BATCH,
  type ArmStats,
  type ExperimentFigures,
} from './shared-experiments.ts';

export type Arm = 'primary' | 'candidate';
export type ExperimentKind = 'canary' | 'shadow';

const LATENCY_SAMPLES = 2000;

export interface Outcome {
  ok: boolean;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Deployment cost per million tokens, if configured. */
  cost?: { input: number; output: number };
}

export class ExperimentBook {
  private readonly experiments = new Map<string, ExperimentFigures>();
  private readonly share: ExperimentShare | undefined;

  /** With `peers`, the other nodes' figures join this node's, and this node's go to them. */
  constructor(peers?: PeerChannel, onError: (err: unknown) => void = () => {}) {
    if (peers) this.share = new ExperimentShare(peers, (figures) => figures.forEach((f) => this.add(f)), onError);
  }

  record(model: string, kind: ExperimentKind, candidate: string, arm: Arm, outcome: Outcome): void {
    const one: ArmStats = {
      requests: 1,
      errors: outcome.ok ? 0 : 1,
      latencies: [outcome.latencyMs],
      tokens: outcome.promptTokens + outcome.completionTokens,
      costPerMillion: outcome.cost
        ? outcome.promptTokens * outcome.cost.input + outcome.completionTokens * outcome.cost.output
        : 0,
    };
    addArm(this.experiment(model, kind, candidate).arms[arm], one, LATENCY_SAMPLES);
    if (this.share) addArm(this.pending(model, kind, candidate).arms[arm], one, SAMPLES_PER_BATCH);
  }

  agreement(model: string, kind: ExperimentKind, candidate: string, similarity: number): void {
    const e = this.experiment(model, kind, candidate);
    e.agreementSum += similarity;
    e.agreementCount++;
    if (!this.share) return;
    const pending = this.pending(model, kind, candidate);
    pending.agreementSum += similarity;
    pending.agreementCount++;
  }

  report() {
    return [...this.experiments.values()].map((e) => ({
      model: e.model,
      kind: e.kind,
      candidate: e.candidate,
      primary: summarise(e.arms.primary),
      candidate_stats: summarise(e.arms.candidate),
      agreement: e.agreementCount
        ? { mean_similarity: round(e.agreementSum / e.agreementCount), samples: e.agreementCount }
        : null,
    }));
  }

  /** Sends what the other nodes have not heard yet now, rather than with the next batch. */
  flush(): void {
    this.share?.flush();
  }

  /** Another node's figures, added to this node's. */
  private add(figures: ExperimentFigures): void {
    const e = this.experiment(figures.model, figures.kind, figures.candidate);
    addArm(e.arms.primary, figures.arms.primary, LATENCY_SAMPLES);
    addArm(e.arms.candidate, figures.arms.candidate, LATENCY_SAMPLES);
    e.agreementSum += figures.agreementSum;
    e.agreementCount += figures.agreementCount;
  }

  private experiment(model: string, kind: ExperimentKind, candidate: string): ExperimentFigures {
    const key = experimentKey(model, kind, candidate);
    let e = this.experiments.get(key);
    if (!e) {
      e = emptyExperiment(model, kind, candidate);
      this.experiments.set(key, e);
    }
    return e;
  }

  private pending(model: string, kind: ExperimentKind, candidate: string): ExperimentFigures {
    return this.share!.pendingFor(model, kind, candidate);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function summarise(s: ArmStats) {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : null;
  return {
    requests: s.requests,
    error_rate: s.requests ? round(s.errors / s.requests) : 0,
    latency_p50_ms: at(0.5),
    latency_p95_ms: at(0.95),
    tokens_per_request: s.requests ? round(s.tokens / s.requests) : 0,
    /** Vendor cost per request in currency units (decimal, for comparison only; the ledger holds exact money). */
    cost_per_request: s.requests ? round((s.costPerMillion / 1e6 / s.requests) * 1e6) / 1e6 : 0,
  };
}

/** How far two outputs agree: Jaccard similarity of their word bigram sets (1 = same wording). */
export function outputSimilarity(a: string, b: string): number {
  const grams = (text: string) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const set = new Set<string>();
    for (let i = 0; i < words.length; i++) set.add(i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : words[i]!);
    return set;
  };
  const x = grams(a);
  const y = grams(b);
  if (x.size === 0 && y.size === 0) return 1;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared);
}
