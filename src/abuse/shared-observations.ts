// A cluster's nodes tell each other what the detector observed, so that each sees an organisation's traffic on every
// node: a campaign spread over nodes is still one campaign. Only the features travel (counts, flags and hashes,
// the client address already pseudonymised), never prompt or completion text; sent in batches, about ten a second.
import { z } from 'zod';
import { publishOrReport, subscribeChecked, type PeerChannel } from '../store/peer-channel.ts';
import type { RequestFeatures } from './features.ts';
import type { TrafficRecord } from './record.ts';

/** One request as another node's detector needs it. */
export interface SharedObservation {
  record: Pick<TrafficRecord, 'ts' | 'org' | 'key' | 'ip'>;
  features: RequestFeatures;
}

const BATCH_MS = 100;
const BATCH_MAX = 200;

const hash = z.number().int().min(0).max(0xffff_ffff);
const count = z.number().int().min(0);
const featuresSchema = z
  .object({
    t: z.number().finite(),
    hour: z.number().int().min(0).max(23),
    singleTurn: z.boolean(),
    promptTokens: count,
    completionTokens: count,
    longAnswer: z.boolean(),
    logprobs: z.boolean(),
    multiSample: z.boolean(),
    samples: count,
    reasoning: z.boolean(),
    generative: z.boolean(),
    maxLength: z.boolean(),
    words: z.array(hash).transform((w) => Uint32Array.from(w)),
    templateKey: hash,
    systemKey: hash,
    promptKey: hash,
    historyKeys: z.array(hash),
    assistantTurns: count,
    threadKey: hash.optional(),
    previousKey: hash.optional(),
  })
  .strict();
const batchSchema = z
  .object({
    observations: z.array(
      z
        .object({
          record: z.object({ ts: z.string(), org: z.string(), key: z.string(), ip: z.string() }).strict(),
          features: featuresSchema,
        })
        .strict(),
    ),
  })
  .strict();

export class ObservationShare {
  private batch: SharedObservation[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: PeerChannel,
    onReceived: (observations: SharedObservation[]) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    subscribeChecked(channel, batchSchema, 'batch of observations', (batch) => onReceived(batch.observations), onError);
  }

  /** Queues what this node observed for the others. */
  add(observation: SharedObservation): void {
    this.batch.push(observation);
    if (this.batch.length >= BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const observations = this.batch.map(({ record, features }) => ({
      record: { ts: record.ts, org: record.org, key: record.key, ip: record.ip },
      features: { ...features, words: Array.from(features.words) },
    }));
    this.batch = [];
    publishOrReport(this.channel, { observations }, this.onError);
  }
}
