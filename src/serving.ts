// Part of the composition root: what the gateway builds from the reloadable sections of its configuration (the
// catalogue and its deployments' connection pools, routing and health, the pipelines and the tier limits they
// admit by), as one generation that a reload replaces whole (config/live-config.ts). The services built once
// (stores, counters, pricing, policy, provenance, abuse, metrics, traces) are shared by every generation.
import type { ConduitConfig } from './config/schema.ts';
import type { Generation } from './config/live-config.ts';
import type { BudgetCounter } from './metering/budgets.ts';
import type { InterimUsage } from './metering/interim-usage.ts';
import type { PricingService } from './metering/pricing.ts';
import type { AbuseMonitor } from './abuse/monitor.ts';
import type { GatewayMetrics } from './observability/metrics.ts';
import type { PolicyService } from './policy/service.ts';
import type { ProvenanceService } from './provenance/service.ts';
import { createAdapter } from './providers/registry.ts';
import type { RateLimiter } from './ratelimit/limiter.ts';
import { Catalogue, type CatalogueModel } from './routing/catalogue.ts';
import type { ExperimentBook } from './routing/experiments.ts';
import { HealthBook } from './routing/health.ts';
import { HealthChecker } from './routing/health-checker.ts';
import { Router } from './routing/router.ts';
import type { Store } from './store/ports.ts';
import type { Principal, Tenancy } from './tenancy/tenancy.ts';
import { usableModels } from './server/usable-models.ts';
import { authenticate } from './pipeline/authenticate.ts';
import { authorize } from './pipeline/authorize.ts';
import { compose, type Pipeline } from './pipeline/compose.ts';
import { keepConversation, recallConversation, saveConversation } from './pipeline/conversation.ts';
import { countInputTokens } from './pipeline/count-tokens.ts';
import { disposeDeadline, forward } from './pipeline/forward.ts';
import { admit, releaseRateLimits, settleBudgets } from './pipeline/admit.ts';
import { label, registerFingerprints } from './pipeline/label.ts';
import { observe } from './pipeline/observe.ts';
import { logPrompts } from './pipeline/log-prompts.ts';
import { parse } from './pipeline/parse.ts';
import { requirePrice } from './pipeline/require-price.ts';
import { resolveModel } from './pipeline/resolve-model.ts';
import { route } from './pipeline/route.ts';
import { openInterimUsage, recordUsage } from './pipeline/settle.ts';
import { sampleShadow, shadowCopy } from './pipeline/shadow.ts';
import { untraced, type RequestTracer } from './pipeline/trace.ts';

/** What every generation uses and none owns. */
export interface SharedServices {
  tenancy: Tenancy;
  store: Store;
  limits: RateLimiter;
  budgets: BudgetCounter;
  pricing: PricingService;
  policy: PolicyService;
  provenance: ProvenanceService;
  abuse: AbuseMonitor;
  interim: InterimUsage;
  experiments: ExperimentBook;
  endUserOf: (orgId: string) => string;
  metrics?: GatewayMetrics;
  tracer?: RequestTracer;
  /** A shadow request failed (logged; the client had its reply). */
  onShadowError: (err: unknown) => void;
}

/** One configuration's catalogue, routing and pipelines. */
export interface Serving extends Generation {
  readonly config: Readonly<ConduitConfig>;
  readonly catalogue: Catalogue;
  readonly health: HealthBook;
  readonly router: Router;
  /** The data plane's requests. */
  readonly pipeline: Pipeline;
  /** Anthropic's token count: refused where a call would be (the same first stages), then counted; never billed. */
  readonly countTokens: Pipeline;
  /** The models a principal may use (GET /v1/models). */
  readonly visibleModels: (principal: Principal) => CatalogueModel[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Builds what `config` describes. `previous`, on a reload: its health book (circuit states, latencies) is kept
 * when the circuit settings did not change, so a reload does not reopen deployments that were failing.
 */
export function buildServing(config: Readonly<ConduitConfig>, shared: SharedServices, previous?: Serving): Serving {
  const { tenancy, store, pricing, policy, metrics, tracer } = shared;
  const catalogue = new Catalogue(config, createAdapter);
  const health =
    previous && same(previous.config.routing.circuit, config.routing.circuit)
      ? previous.health
      : new HealthBook(config.routing.circuit);
  const router = new Router(catalogue, health, config.routing);
  const healthChecker = new HealthChecker(catalogue.adapters, health);
  const span = tracer?.phase ?? untraced;

  // A request's work, in the order it runs (compose.ts): each stage and hook is a file of src/pipeline/. Stages
  // that take a few microseconds (parse, authorize, releasing counters) get no span: one costs more than they do.
  const pipeline = compose({
    beforeForward: [
      span('authenticate', authenticate(tenancy)),
      parse,
      resolveModel(catalogue),
      authorize,
      recallConversation(store.responses),
      // The availability policy is decided here, deployment by deployment.
      span('route', route(router, policy)),
      requirePrice(pricing),
      span('admit', admit(shared.limits, shared.budgets, pricing, config.limits.tiers)),
      sampleShadow(),
    ],
    forward: span(
      'forward',
      forward(health, config.routing.retry, shared.experiments, shared.endUserOf, metrics?.failedAttempt),
    ),
    beforeStreamStarts: [
      ...(metrics ? [metrics.firstToken] : []),
      span('meter_interim', openInterimUsage(shared.interim)),
    ],
    afterForward: [keepConversation(), span('label', label(shared.provenance))],
    beforeReplyCompletes: [
      ...(tracer ? [tracer.streamEnded] : []),
      saveConversation(store.responses),
      disposeDeadline,
      span('meter', recordUsage(store.usage, pricing, shared.interim)),
      releaseRateLimits,
      settleBudgets,
      ...(metrics ? [metrics.requestDone] : []),
    ],
    afterDelivery: [
      registerFingerprints(shared.provenance),
      observe(shared.abuse),
      shadowCopy(shared.experiments, store.usage, pricing, shared.onShadowError),
      // Only for organisations that opted in; nothing is stored for the others.
      logPrompts(store.promptLogs),
    ],
    tracer,
  });
  const countTokens = compose({
    beforeForward: [authenticate(tenancy), parse, resolveModel(catalogue), authorize, route(router, policy)],
    forward: countInputTokens,
  });

  return {
    config,
    catalogue,
    health,
    router,
    pipeline,
    countTokens,
    visibleModels: usableModels(catalogue, router, policy),
    // Health checks of a replaced configuration stop at once; its pools stay open for the requests that hold it.
    retire: () => healthChecker.stop(),
    async close() {
      healthChecker.stop();
      await catalogue.close();
    },
  };
}
