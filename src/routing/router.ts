// Plans where a request may go: the requested model's eligible deployments in strategy order (preferred
// regions first, unhealthy ones last), then its fallback models'. Denials say exactly why.
import type { ConduitConfig } from '../config/schema.ts';
import { GatewayError } from '../errors.ts';
import type { Catalogue, CatalogueModel, Deployment } from './catalogue.ts';
import type { HealthBook } from './health.ts';
import { regionBlockedBy, type RoutingPreferences } from './preferences.ts';
import { strategyOrders } from './strategies.ts';

export interface RequestNeeds {
  streaming: boolean;
  tools: boolean;
  vision: boolean;
  responses: boolean;
  /** Rough prompt size, to skip deployments whose context is too small. */
  promptTokens: number;
}

export interface Attempt {
  deployment: Deployment;
  model: CatalogueModel;
  /** Chosen as the model's canary for this request. */
  canary?: boolean;
}

export interface Customer {
  country: string;
  org?: RoutingPreferences;
  key?: RoutingPreferences;
}

export class Router {
  constructor(
    private readonly catalogue: Catalogue,
    readonly health: HealthBook,
    private readonly config: ConduitConfig['routing'],
    private readonly random: () => number = Math.random,
  ) {}

  plan(model: CatalogueModel, needs: RequestNeeds, customer: Customer): Attempt[] {
    const primary = this.eligible(model, needs, customer);
    if (primary.allowed.length === 0) {
      if (primary.regionReasons.length > 0 && primary.capable === primary.regionReasons.length) {
        throw new GatewayError(
          'region_not_allowed',
          `No deployment of '${model.name}' is in a region you may be served from: ${primary.regionReasons.join('; ')}.`,
          { param: 'model' },
        );
      }
      throw new GatewayError(
        'model_capability_missing',
        `No deployment of '${model.name}' supports this request (${missing(needs)}).`,
        { param: 'model' },
      );
    }
    const attempts: Attempt[] = this.order(model, primary.allowed, customer).map((deployment) => ({
      deployment,
      model,
    }));
    const canary = model.routing.canary;
    if (canary && this.random() < canary.share) {
      const index = attempts.findIndex((a) => a.deployment.id === canary.provider);
      if (index > 0) attempts.unshift({ ...attempts.splice(index, 1)[0]!, canary: true });
      else if (index === 0) attempts[0]!.canary = true;
    }
    for (const name of model.routing.fallback) {
      const fallback = this.catalogue.resolve(name)!;
      for (const deployment of this.order(fallback, this.eligible(fallback, needs, customer).allowed, customer))
        attempts.push({ deployment, model: fallback });
    }
    return attempts;
  }

  /** Deployments of this model the customer may be served from and that can serve the request. */
  eligible(
    model: CatalogueModel,
    needs: RequestNeeds,
    customer: Customer,
  ): { allowed: Deployment[]; regionReasons: string[]; capable: number } {
    const allowed: Deployment[] = [];
    const regionReasons: string[] = [];
    let capable = 0;
    for (const d of model.deployments) {
      const c = d.capabilities;
      if (
        (needs.streaming && !c.streaming) ||
        (needs.tools && !c.tools) ||
        (needs.vision && !c.vision) ||
        (needs.responses && !c.responses) ||
        needs.promptTokens > c.context_length
      )
        continue;
      capable++;
      const blocked = regionBlockedBy(d.region, customer.country, customer.org, customer.key);
      if (blocked) regionReasons.push(blocked);
      else allowed.push(d);
    }
    return { allowed, regionReasons, capable };
  }

  private order(model: CatalogueModel, deployments: Deployment[], customer: Customer): Deployment[] {
    const strategy = customer.key?.strategy ?? customer.org?.strategy ?? model.routing.strategy ?? this.config.strategy;
    const ordered = strategyOrders[strategy]({
      deployments,
      health: this.health,
      random: this.random,
      latencyBoundMs: model.routing.latency_bound_ms,
    });
    const preferred = customer.key?.preferred_regions ?? customer.org?.preferred_regions ?? [];
    const rank = (d: Deployment) => (this.health.available(d.id) ? 0 : 2) + (preferred.includes(d.region.id) ? 0 : 1);
    return ordered
      .map((d, i) => ({ d, i, r: rank(d) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.d);
  }
}

function missing(needs: RequestNeeds): string {
  const wants = [
    needs.streaming && 'streaming',
    needs.tools && 'tools',
    needs.vision && 'image input',
    needs.responses && 'the Responses API',
  ].filter(Boolean);
  return `${wants.length ? `needs ${wants.join(', ')}; ` : ''}~${needs.promptTokens} prompt tokens`;
}

/** What a chat or embeddings request needs from a deployment, read cheaply from the body. */
export function needsOf(body: Record<string, unknown>, stream: boolean, rawBytes: number): RequestNeeds {
  let vision = false;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as Array<{ content?: unknown }>) {
      if (
        Array.isArray(m.content) &&
        m.content.some(
          (p) => (p as { type?: string })?.type === 'image_url' || (p as { type?: string })?.type === 'input_image',
        )
      )
        vision = true;
    }
  }
  return {
    streaming: stream,
    tools: Array.isArray(body.tools) && body.tools.length > 0,
    vision,
    responses: false,
    promptTokens: Math.ceil(rawBytes / 4),
  };
}
