// Provenance endpoints: the public key set, public text verification (rate-limited), manifest verification,
// and the admin side (key rotation, registry figures, per-organisation disclosure settings).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import { disclosureSchema, type ProvenanceService } from '../../provenance/service.ts';
import type { RateLimits } from '../../ratelimit/limiter.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { bearerToken } from '../../tenancy/api-keys.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { actorOf } from '../actor.ts';
import { adminTokenCheck } from '../admin-auth.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

// The verify bodies as the API document shows them; ProvenanceService checks them itself (codes invalid_text,
// empty_text, text_too_large, missing_manifest, manifest_too_large).
const verifyTextBody = z.object({
  text: z.string().min(1).describe('The text to look up (at most provenance.verify_max_bytes)'),
});
const verifyManifestBody = z.object({
  manifest: z.string().min(1).max(16_384).describe('A compact JWS from x-conduit-provenance'),
  text: z.string().optional().describe('The text it should sign for'),
});
const idParams = z.object({ id: z.string() });
const kidParams = z.object({ kid: z.string().min(1).max(100) });
const revokeBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export interface ProvenanceDeps {
  provenance: ProvenanceService;
  tenancy: Tenancy;
  limits: RateLimits;
  verifyPerMinute: number;
  adminToken: string;
  /** Key rotations and revocations are recorded with the key ids. */
  audit: AuditLog;
}

export function publicProvenanceRoutes(app: FastifyInstance, deps: ProvenanceDeps): void {
  const isAdminToken = adminTokenCheck(deps.adminToken);
  const { provenance, tenancy } = deps;
  app.get(
    '/.well-known/jwks.json',
    api({ summary: 'The public keys that verify provenance manifests (JWK Set, with x5c chains)', public: true }),
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return provenance.keys.jwks();
    },
  );

  const limited = (ip: string) => {
    const outcome = deps.limits.admit([{ scope: `verify:${ip}`, requestsPerMinute: deps.verifyPerMinute }], 0);
    if (!outcome.ok)
      throw new GatewayError('rate_limit_exceeded', outcome.message, {
        headers: { ...outcome.headers, 'retry-after': String(outcome.retryAfterSeconds) },
      });
    outcome.release(0);
  };

  app.post(
    '/v1/provenance/verify',
    api({
      summary: 'Was this text served through this gateway? (public, rate-limited)',
      body: verifyTextBody,
      public: true,
    }),
    async (request) => {
      limited(request.ip);
      const body = (request.body ?? {}) as { text?: unknown };
      // Manifests (which name the request) are shown to their own customer and to operators only.
      const auth = bearerToken(request.headers.authorization);
      const isAdmin = isAdminToken(auth);
      const principal = auth && !isAdmin ? await tenancy.authenticate(auth) : undefined;
      return provenance.verifyText(body.text, (orgId) => isAdmin || principal?.org.id === orgId);
    },
  );

  app.post(
    '/v1/provenance/verify-manifest',
    api({
      summary: 'Check a provenance manifest, and optionally the text it signs for (public, rate-limited)',
      body: verifyManifestBody,
      public: true,
    }),
    async (request) => {
      limited(request.ip);
      const body = (request.body ?? {}) as { manifest?: unknown; text?: unknown };
      return provenance.verifyManifest(body.manifest, body.text);
    },
  );
}

export function adminProvenanceRoutes(app: FastifyInstance, deps: ProvenanceDeps): void {
  app.post(
    '/provenance/keys/rotate',
    api({ role: 'admin', summary: 'Rotate the manifest signing key (old keys keep verifying)', body: null }),
    async (request) => {
      const { key, retired } = await deps.provenance.keys.rotateKeys();
      await deps.audit.append({
        actor: actorOf(request),
        action: 'provenance.key_rotated',
        subject_type: 'signing_key',
        subject_id: key.kid,
        reason: 'signing key rotated',
        data: { kid: key.kid, retired },
      });
      return { key, retired, jwks: deps.provenance.keys.jwks() };
    },
  );
  app.post(
    '/provenance/keys/:kid/revoke',
    api({
      role: 'admin',
      summary: 'Revoke a retired signing key (rotate first); its manifests then verify as revoked',
      params: kidParams,
      body: revokeBody,
    }),
    async (request) => {
      const { kid } = parseInput(kidParams, request.params, 'path');
      const { reason } = parseInput(revokeBody, request.body);
      const key = await deps.provenance.keys.revoke(kid, reason);
      await deps.audit.append({
        actor: actorOf(request),
        action: 'provenance.key_revoked',
        subject_type: 'signing_key',
        subject_id: kid,
        reason,
        data: { kid, revoked_at: key.revoked_at },
      });
      return { key, jwks: deps.provenance.keys.jwks() };
    },
  );
  app.put(
    '/orgs/:id/disclosure',
    api({
      role: 'compliance',
      summary: "An organisation's AI-disclosure settings: visible notice, in-band C2PA mark",
      params: idParams,
      body: disclosureSchema,
    }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const settings = parseInput(disclosureSchema, request.body);
      const org = await deps.tenancy.updateOrg(id, { disclosure: settings });
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
      return org.disclosure;
    },
  );
  // What the organisation's outputs get, and from where: its own setting or the default for its country.
  app.get(
    '/orgs/:id/disclosure',
    api({
      role: 'viewer',
      summary: "What an organisation's outputs get, and from where (its own setting or its country's default)",
      params: idParams,
    }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const org = await deps.tenancy.getOrg(id);
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
      return effectiveDisclosure(deps.provenance, org);
    },
  );
  // Back to the operator's default (provenance.disclosure_default in the config).
  app.delete(
    '/orgs/:id/disclosure',
    api({ role: 'compliance', summary: "Back to the operator's default disclosure", params: idParams }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const org = await deps.tenancy.updateOrg(id, { disclosure: null });
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
      return effectiveDisclosure(deps.provenance, org);
    },
  );
}

function effectiveDisclosure(
  provenance: ProvenanceService,
  org: { country: string; disclosure: Record<string, unknown> | null },
) {
  const { disclosure, source } = provenance.disclosureFor(org);
  return {
    source,
    notice: disclosure?.notice ?? null,
    position: disclosure?.position ?? 'append',
    c2pa_text: disclosure?.c2pa_text ?? false,
  };
}
