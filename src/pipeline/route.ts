// Stage: which deployments may serve this request, best first: the availability policy (vendor contracts,
// jurisdictions), the customer's region constraints, capabilities, strategy and health.
import { GatewayError } from '../errors.ts';
import type { Decision } from '../policy/engine.ts';
import type { Feature } from '../policy/schema.ts';
import { featureField, featuresOf, NO_FEATURES, type PolicyService } from '../policy/service.ts';
import type { CatalogueModel, Deployment } from '../routing/catalogue.ts';
import { needsOf, type Attempt, type RequestNeeds, type Router } from '../routing/router.ts';
import type { Org } from '../store/ports.ts';
import { chatCannotCarry } from '../protocols/openai/responses-to-chat.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import type { Stage } from './context.ts';

export function route(router: Pick<Router, 'plan'>, policy: Pick<PolicyService, 'decide'>): Stage {
  return (ctx) => {
    const needs = needsOf(ctx.body!, ctx.stream === true, ctx.bodyBytes);
    // A Responses request chat can carry goes to chat-only deployments too (translated there); the rest needs the API itself.
    needs.responses = ctx.endpoint === 'responses' && chatCannotCarry(ctx.body!) !== undefined;
    const features = featuresOf(ctx.body!, needs.streaming, needs.vision);
    ctx.attempts = plannedAttempts(router, policy, ctx.principal!, ctx.model!, needs, features, ctx.body!);
  };
}

/**
 * Where a request for `requested` may go, best first; throws the 403 (or the router's 400) that refuses it. The
 * route stage asks this for every request, /v1/models for every model (server/usable-models.ts): one decision for both.
 */
export function plannedAttempts(
  router: Pick<Router, 'plan'>,
  policy: Pick<PolicyService, 'decide'>,
  principal: Principal,
  requested: CatalogueModel,
  needs: RequestNeeds,
  features: ReadonlySet<Feature>,
  body: Record<string, unknown>,
): Attempt[] {
  const { org, key } = principal;
  // Each (model, deployment) is decided once per request, whichever check asks first.
  const decisions = new Map<string, Decision>();
  const decide = (model: CatalogueModel, d: Deployment) => {
    const k = `${model.name}|${d.id}`;
    let decision = decisions.get(k);
    if (!decision) decisions.set(k, (decision = policy.decide(org, model, d, features)));
    return decision;
  };
  const primary = requested.deployments.map((d) => decide(requested, d));
  if (!primary.some((d) => d.allowed)) {
    const refused = requested.deployments.map((deployment, i) => ({
      model: requested,
      deployment,
      decision: primary[i]!,
    }));
    throw policyDenial(policy, org, refused, body, `'${requested.name}' is not available to your organisation`);
  }
  const planned = router.plan(requested, needs, {
    country: org.country,
    org: org.routing ?? undefined,
    key: key.routing ?? undefined,
  });
  const attempts = planned.filter((a) => decide(a.model, a.deployment).allowed);
  if (attempts.length === 0) {
    const refused = planned.map((a) => ({
      model: a.model,
      deployment: a.deployment,
      decision: decide(a.model, a.deployment),
    }));
    throw policyDenial(
      policy,
      org,
      refused,
      body,
      `No deployment of '${requested.name}' you may be served from is allowed`,
    );
  }
  return attempts;
}

interface Refusal {
  model: CatalogueModel;
  deployment: Deployment;
  decision: Decision;
}

/**
 * Why every deployment the request could go to refused it. When one would serve it but for features the request
 * asks for (logprobs, tools...), the error names the feature, its rule and the request field; otherwise the model
 * is not available, and the rule named is one that refuses it whatever the request asks.
 */
function policyDenial(
  policy: Pick<PolicyService, 'decide'>,
  org: Org,
  refused: Refusal[],
  body: Record<string, unknown>,
  unavailable: string,
): GatewayError {
  for (const { model, deployment, decision } of refused) {
    if (!decision.features?.length || !policy.decide(org, model, deployment, NO_FEATURES).allowed) continue;
    return featureDenial(decision.features, decision, model, body);
  }
  const first = refused[0]!;
  const denial = policy.decide(org, first.model, first.deployment, NO_FEATURES);
  const { reason, rule } = denial.allowed ? first.decision : denial;
  return new GatewayError('policy_denied', `${unavailable}: ${reason} (rule ${rule}).`, { param: 'model' });
}

function featureDenial(
  features: Feature[],
  decision: Decision,
  model: CatalogueModel,
  body: Record<string, unknown>,
): GatewayError {
  const fields = features.map((f) => featureField(f, body));
  const named = features.map((f, i) => (f === fields[i] ? `'${f}'` : `'${f}' (${fields[i]})`)).join(' and ');
  const message = `The feature ${named} ${features.length > 1 ? 'are' : 'is'} not available to your organisation on '${model.name}': ${decision.reason} (rule ${decision.rule}).`;
  return new GatewayError('policy_denied', message, { param: fields[0]! });
}
