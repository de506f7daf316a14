// The models a caller can use, for GET /v1/models: those a request would get through the authorize and route
// stages with (no feature asked for, nothing needed beyond the model's kind), so the list never names a model
// every call would refuse (the policy for the caller's organisation, on a deployment in a region it and its key
// may be served from).
import { GatewayError } from '../errors.ts';
import { NO_FEATURES, type PolicyService } from '../policy/service.ts';
import type { Catalogue, CatalogueModel } from '../routing/catalogue.ts';
import type { RequestNeeds, Router } from '../routing/router.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import { assertMayUseDataPlane } from '../pipeline/authorize.ts';
import { plannedAttempts } from '../pipeline/route.ts';

/** Throws the authorize stage's 403 for an organisation that may not use the data plane at all. */
export function usableModels(
  catalogue: Catalogue,
  router: Router,
  policy: PolicyService,
): (principal: Principal) => CatalogueModel[] {
  return (principal) => {
    assertMayUseDataPlane(principal.org);
    return catalogue.models.filter((model) => {
      try {
        return plannedAttempts(router, policy, principal, model, plainRequest(), NO_FEATURES, {}).length > 0;
      } catch (err) {
        if (err instanceof GatewayError) return false;
        throw err;
      }
    });
  };
}

const plainRequest = (): RequestNeeds => ({
  streaming: false,
  tools: false,
  vision: false,
  responses: false,
  promptTokens: 0,
});
