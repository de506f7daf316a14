// Prometheus metrics (prom-client), named after the OpenTelemetry GenAI semantic conventions where they define one
// (gen_ai.client.token.usage → gen_ai_client_token_usage, ...; their attributes become labels, dots as
// underscores), and conduit_* for what they do not cover. Fed by hooks at the pipeline's named phases; every label
// value comes from the catalogue or the configuration (never from what a client sent), so series stay bounded.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Hook, RequestContext } from '../pipeline/context.ts';
import { GEN_AI_OPERATION, requestedModel } from './gen-ai.ts';
import type { Attempt } from '../routing/router.ts';
import { processMetrics } from './process-metrics.ts';

/** The conventions' advised bucket boundaries. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const MODEL_LABELS = [
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
  'conduit_deployment',
  'conduit_region',
] as const;
const REQUEST_LABELS = [...MODEL_LABELS, 'http_response_status_code', 'error_type'] as const;

/** What is read when Prometheus scrapes, rather than counted per request. */
export interface MetricsSources {
  version: string;
  currency: () => string;
  /** Circuit state by deployment id. */
  circuits: () => Record<string, { state: string }>;
  /** Work queued off the request path, by queue name (the usage outbox...). */
  queues: () => Record<string, number>;
}

/** Told of each upstream attempt that failed (forward): its duration and why. */
export type FailedAttempt = (ctx: RequestContext, attempt: Attempt, errorType: string, ms: number) => void;

export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly requestDuration: Histogram<(typeof REQUEST_LABELS)[number]>;
  private readonly operationDuration: Histogram<(typeof REQUEST_LABELS)[number]>;
  private readonly timeToFirstToken: Histogram<(typeof MODEL_LABELS)[number]>;
  private readonly tokenUsage: Histogram<(typeof MODEL_LABELS)[number] | 'gen_ai_token_type'>;
  private readonly cost: Counter<(typeof MODEL_LABELS)[number] | 'currency'>;
  private readonly revenue: Counter<(typeof MODEL_LABELS)[number] | 'currency'>;
  private readonly upstreamErrors: Counter<'conduit_deployment' | 'error_type'>;
  private readonly retries: Counter<'gen_ai_request_model'>;

  constructor(private readonly sources: MetricsSources) {
    // Started with the first gateway, so that event-loop lag is watched from then, not from the first scrape.
    processMetrics();
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'gen_ai_server_request_duration',
      help: 'Time from a request arriving to its reply completing (last byte of a stream), seconds; its count is the requests by model, deployment, region and status.',
      labelNames: REQUEST_LABELS,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'gen_ai_client_operation_duration',
      help: 'Duration of each call to an upstream deployment (retries each count), seconds.',
      labelNames: REQUEST_LABELS,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'gen_ai_server_time_to_first_token',
      help: "Time from a streamed request arriving to its upstream's first event, seconds.",
      labelNames: MODEL_LABELS,
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.tokenUsage = new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per request, input and output (gen_ai_token_type), as billed.',
      labelNames: [...MODEL_LABELS, 'gen_ai_token_type'],
      buckets: TOKEN_BUCKETS,
      registers,
    });
    this.cost = new Counter({
      name: 'conduit_vendor_cost_micros_total',
      help: 'What the vendors charge for the requests served, in micro-units of the price book currency.',
      labelNames: [...MODEL_LABELS, 'currency'],
      registers,
    });
    this.revenue = new Counter({
      name: 'conduit_customer_price_micros_total',
      help: 'What the customers are charged for the requests served, in micro-units of the price book currency.',
      labelNames: [...MODEL_LABELS, 'currency'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'conduit_upstream_errors_total',
      help: 'Upstream calls that failed, by deployment and kind (timeout, connection, status, protocol...).',
      labelNames: ['conduit_deployment', 'error_type'],
      registers,
    });
    this.retries = new Counter({
      name: 'conduit_upstream_retries_total',
      help: 'Upstream calls beyond the first (retries and failovers), by the model requested.',
      labelNames: ['gen_ai_request_model'],
      registers,
    });
    const build = new Gauge({
      name: 'conduit_build_info',
      help: 'This build: its version (the value is always 1).',
      labelNames: ['version'],
      registers,
    });
    build.set({ version: sources.version }, 1);
    new Gauge({
      name: 'conduit_circuit_state',
      help: 'Circuit breaker state by deployment: 1 for the state it is in (closed, open, half_open), 0 for the others.',
      labelNames: ['conduit_deployment', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [deployment, { state }] of Object.entries(sources.circuits()))
          for (const s of ['closed', 'open', 'half_open'])
            this.set({ conduit_deployment: deployment, state: s }, +(s === state));
      },
    });
    new Gauge({
      name: 'conduit_queue_depth',
      help: "Work waiting off the request path, by queue (usage_outbox: usage events durable in the node's outbox, not yet in the database; with NATS, not yet on JetStream).",
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const [queue, depth] of Object.entries(sources.queues())) this.set({ queue }, depth);
      },
    });
  }

  /** Before a stream's first byte (its upstream's first event is in): time to first token. */
  readonly firstToken: Hook = (ctx) => {
    const d = ctx.deployment;
    this.timeToFirstToken.observe(
      {
        gen_ai_operation_name: GEN_AI_OPERATION[ctx.endpoint],
        gen_ai_provider_name: d?.vendor ?? '',
        gen_ai_request_model: requestedModel(ctx),
        gen_ai_response_model: ctx.model?.name ?? '',
        conduit_deployment: d?.id ?? '',
        conduit_region: d?.region.id ?? '',
      },
      ((ctx.firstEventAt ?? performance.now()) - ctx.startedAt) / 1000,
    );
  };

  /** Last before the reply completes: the request's duration, status, tokens and money. */
  readonly requestDone: Hook = (ctx) => {
    const now = performance.now();
    const status = ctx.status ?? 500;
    const d = ctx.deployment;
    const operation = GEN_AI_OPERATION[ctx.endpoint];
    const vendor = d?.vendor ?? '';
    const requested = requestedModel(ctx);
    const served = status < 400 ? (ctx.model?.name ?? '') : '';
    const deployment = d?.id ?? '';
    const region = d?.region.id ?? '';
    const code = String(status);
    const errorType = ctx.errorType ?? (status >= 400 ? code : '');
    // Literal label objects, one per instrument: spreading one into another takes V8's slow path per request.
    const withStatus = {
      gen_ai_operation_name: operation,
      gen_ai_provider_name: vendor,
      gen_ai_request_model: requested,
      gen_ai_response_model: served,
      conduit_deployment: deployment,
      conduit_region: region,
      http_response_status_code: code,
      error_type: errorType,
    };
    this.requestDuration.observe(withStatus, (now - ctx.startedAt) / 1000);
    if (!d) return;
    if (ctx.upstreamStartedAt !== undefined)
      this.operationDuration.observe(withStatus, (now - ctx.upstreamStartedAt) / 1000);
    if (ctx.tries !== undefined && ctx.tries > 1) this.retries.inc({ gen_ai_request_model: requested }, ctx.tries - 1);
    const usage = ctx.usage;
    if (usage) {
      const tokens = (type: string, n: number) =>
        this.tokenUsage.observe(
          {
            gen_ai_operation_name: operation,
            gen_ai_provider_name: vendor,
            gen_ai_request_model: requested,
            gen_ai_response_model: served,
            conduit_deployment: deployment,
            conduit_region: region,
            gen_ai_token_type: type,
          },
          n,
        );
      tokens('input', usage.prompt_tokens);
      tokens('output', usage.completion_tokens);
    }
    const charges = ctx.charges;
    if (charges) {
      const money = {
        gen_ai_operation_name: operation,
        gen_ai_provider_name: vendor,
        gen_ai_request_model: requested,
        gen_ai_response_model: served,
        conduit_deployment: deployment,
        conduit_region: region,
        currency: this.sources.currency(),
      };
      if (charges.cost_micros > 0) this.cost.inc(money, charges.cost_micros);
      if (charges.price_micros > 0) this.revenue.inc(money, charges.price_micros);
    }
  };

  /** forward: an upstream call failed (it may be retried). */
  readonly failedAttempt: FailedAttempt = (ctx, attempt, errorType, ms) => {
    const { deployment } = attempt;
    this.upstreamErrors.inc({ conduit_deployment: deployment.id, error_type: errorType });
    this.operationDuration.observe(
      {
        gen_ai_operation_name: GEN_AI_OPERATION[ctx.endpoint],
        gen_ai_provider_name: deployment.vendor,
        gen_ai_request_model: requestedModel(ctx),
        gen_ai_response_model: '',
        conduit_deployment: deployment.id,
        conduit_region: deployment.region.id,
        http_response_status_code: '',
        error_type: errorType,
      },
      ms / 1000,
    );
  };

  /** The Prometheus text exposition: this gateway's metrics, then the process's (event-loop lag, memory, CPU). */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const process = processMetrics();
    return {
      contentType: this.registry.contentType,
      text: `${await this.registry.metrics()}\n${await process.metrics()}`,
    };
  }
}
