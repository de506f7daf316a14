// Stage: which deployments may serve this request, best first (region rules, capabilities, strategy, health).
import type { Router } from '../routing/router.ts';
import { needsOf } from '../routing/router.ts';
import type { Stage } from './context.ts';

export function route(router: Router): Stage {
  return (ctx) => {
    const { org, key } = ctx.principal!;
    const needs = needsOf(ctx.body!, ctx.stream === true, ctx.bodyBytes);
    needs.responses = ctx.endpoint === 'responses';
    ctx.attempts = router.plan(ctx.model!, needs, { country: org.country, org: org.routing ?? undefined, key: key.routing ?? undefined });
  };
}
