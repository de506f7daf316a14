// Stage: which deployments may serve this request, best first.
import { GatewayError } from '../errors.ts';
import type { Stage } from './context.ts';

export const route: Stage = (ctx) => {
  const candidates = ctx.model!.deployments;
  if (candidates.length === 0) throw new GatewayError(503, 'no_deployment', `No deployment can serve '${ctx.model!.name}' right now.`);
  ctx.candidates = candidates;
};
