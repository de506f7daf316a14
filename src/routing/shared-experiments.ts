// A cluster's nodes tell each other what their experiments' arms did, so that the report on any node holds the
// traffic of all: a canary that sends a share of each node's requests is judged on the whole share. Figures only
// (counts, sums, latency samples), sent about twice a second; best effort, as the figures themselves are.
import { z } from 'zod';
import { publishOrReport, subscribeChecked, type PeerChannel } from '../store/peer-channel.ts';

const FLUSH_MS = 500;
/** Latency samples an arm sends at most in one batch (the report keeps the latest 2,000 anyway). */
export const SAMPLES_PER_BATCH = 500;

const count = z.number().int().min(0);
const armSchema = z
  .object({
    requests: count,
    errors: count,
    latencies: z.array(z.number().finite().min(0)).max(SAMPLES_PER_BATCH),
    tokens: count,
    costPerMillion: z.number().finite().min(0),
  })
  .strict();
const experimentSchema = z
  .object({
    model: z.string().min(1).max(256),
    kind: z.enum(['canary', 'shadow']),
    candidate: z.string().min(1).max(256),
    arms: z.object({ primary: armSchema, candidate: armSchema }).strict(),
    agreementSum: z.number().finite().min(0),
    agreementCount: count,
  })
  .strict();
const batchSchema = z.object({ experiments: z.array(experimentSchema).max(1_000) }).strict();

/** An experiment's figures: its whole record on a node, or what it did since the last batch sent to the others. */
export type ExperimentFigures = z.infer<typeof experimentSchema>;
export type ArmStats = ExperimentFigures['arms']['primary'];

export function emptyExperiment(model: string, kind: ExperimentFigures['kind'], candidate: string): ExperimentFigures {
  const arm = (): ArmStats => ({ requests: 0, errors: 0, latencies: [], tokens: 0, costPerMillion: 0 });
  return { model, kind, candidate, arms: { primary: arm(), candidate: arm() }, agreementSum: 0, agreementCount: 0 };
}

/** What an experiment is known by: its model, kind and candidate deployment. */
export const experimentKey = (model: string, kind: ExperimentFigures['kind'], candidate: string) =>
  `${model}|${kind}|${candidate}`;

/** Adds `more` to `into`, keeping the latest `maxSamples` latencies. */
export function addArm(into: ArmStats, more: ArmStats, maxSamples: number): void {
  into.requests += more.requests;
  into.errors += more.errors;
  into.tokens += more.tokens;
  into.costPerMillion += more.costPerMillion;
  into.latencies.push(...more.latencies);
  if (into.latencies.length > maxSamples) into.latencies.splice(0, into.latencies.length - maxSamples);
}

/** Sends this node's figures to the others in batches, and hands theirs to `onReceived`. */
export class ExperimentShare {
  private pending = new Map<string, ExperimentFigures>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: PeerChannel,
    onReceived: (figures: ExperimentFigures[]) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    subscribeChecked(
      channel,
      batchSchema,
      'batch of experiment figures',
      (batch) => onReceived(batch.experiments),
      onError,
    );
  }

  /** This node's figures for one experiment since the last batch, to add to (sent with the next one). */
  pendingFor(model: string, kind: ExperimentFigures['kind'], candidate: string): ExperimentFigures {
    const key = experimentKey(model, kind, candidate);
    let d = this.pending.get(key);
    if (!d) {
      d = emptyExperiment(model, kind, candidate);
      this.pending.set(key, d);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
    return d;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const experiments = [...this.pending.values()];
    this.pending = new Map();
    publishOrReport(this.channel, { experiments }, this.onError);
  }
}
