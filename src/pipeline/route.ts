// Stage: which deployments may serve this request, best first: the availability policy (vendor contracts,
// jurisdictions), the customer's region constraints, capabilities, strategy and health.
import { GatewayError } from '../errors.ts';
import { featuresOf, type PolicyService } from '../policy/service.ts';
import type { Router } from '../routing/router.ts';
import { needsOf } from '../routing/router.ts';
import type { Stage } from './context.ts';

export function route(router: Router, policy: PolicyService): Stage {
  return (ctx) => {
    const { org, key } = ctx.principal!;
    const needs = needsOf(ctx.body!, ctx.stream === true, ctx.bodyBytes);
    needs.responses = ctx.endpoint === 'responses';
    const features = featuresOf(ctx.body!, needs.streaming, needs.vision);
    const requested = ctx.model!;
    // Each (model, deployment) is decided once per request, whichever check asks first.
    const decisions = new Map<string, ReturnType<PolicyService['decide']>>();
    const decide = (model: typeof requested, d: (typeof requested)['deployments'][number]) => {
      const k = `${model.name}|${d.id}`;
      let decision = decisions.get(k);
      if (!decision) decisions.set(k, (decision = policy.decide(org, model, d, features)));
      return decision;
    };
    const primary = requested.deployments.map((d) => decide(requested, d));
    if (!primary.some((d) => d.allowed)) {
      const denial = primary.find((d) => !d.allowed)!;
      throw new GatewayError(403, 'policy_denied', `'${requested.name}' is not available to your organisation: ${denial.reason} (rule ${denial.rule}).`, { param: 'model' });
    }
    const planned = router.plan(requested, needs, { country: org.country, org: org.routing ?? undefined, key: key.routing ?? undefined });
    ctx.attempts = planned.filter((a) => decide(a.model, a.deployment).allowed);
    if (ctx.attempts.length === 0) {
      const blocked = planned.map((a) => decide(a.model, a.deployment)).find((d) => !d.allowed)!;
      throw new GatewayError(403, 'policy_denied', `No deployment of '${requested.name}' you may be served from is allowed: ${blocked.reason} (rule ${blocked.rule}).`, { param: 'model' });
    }
  };
}
