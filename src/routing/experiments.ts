// Trying a candidate deployment before switching to it: canary (a share of live traffic, answers returned)
// and shadow (a copy, metered, never returned). Keeps side-by-side figures per model.

export type Arm = 'primary' | 'candidate';
export type ExperimentKind = 'canary' | 'shadow';

interface ArmStats {
  requests: number;
  errors: number;
  latencies: number[];
  tokens: number;
  costPerMillion: number;
}

interface Experiment {
  model: string;
  kind: ExperimentKind;
  candidate: string;
  arms: Record<Arm, ArmStats>;
  agreementSum: number;
  agreementCount: number;
}

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
  private readonly experiments = new Map<string, Experiment>();

  record(model: string, kind: ExperimentKind, candidate: string, arm: Arm, outcome: Outcome): void {
    const stats = this.experiment(model, kind, candidate).arms[arm];
    stats.requests++;
    if (!outcome.ok) stats.errors++;
    if (stats.latencies.length >= LATENCY_SAMPLES)
      stats.latencies.splice(0, stats.latencies.length - LATENCY_SAMPLES + 1);
    stats.latencies.push(outcome.latencyMs);
    stats.tokens += outcome.promptTokens + outcome.completionTokens;
    if (outcome.cost)
      stats.costPerMillion +=
        outcome.promptTokens * outcome.cost.input + outcome.completionTokens * outcome.cost.output;
  }

  agreement(model: string, kind: ExperimentKind, candidate: string, similarity: number): void {
    const e = this.experiment(model, kind, candidate);
    e.agreementSum += similarity;
    e.agreementCount++;
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

  private experiment(model: string, kind: ExperimentKind, candidate: string): Experiment {
    const key = `${model}|${kind}|${candidate}`;
    let e = this.experiments.get(key);
    if (!e) {
      const arm = (): ArmStats => ({ requests: 0, errors: 0, latencies: [], tokens: 0, costPerMillion: 0 });
      e = { model, kind, candidate, arms: { primary: arm(), candidate: arm() }, agreementSum: 0, agreementCount: 0 };
      this.experiments.set(key, e);
    }
    return e;
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
