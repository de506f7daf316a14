// Provenance endpoints: the public key set, public text verification (rate-limited), manifest verification,
// and the admin side (key rotation, registry figures, per-organisation disclosure settings).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError, notFound } from '../../errors.ts';
import { disclosureSchema, type ProvenanceService } from '../../provenance/service.ts';
import type { RateLimits } from '../../ratelimit/limiter.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { bearerToken } from '../../tenancy/api-keys.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { actorOf } from '../actor.ts';
import { adminTokenCheck } from '../admin-auth.ts';
import { parseInput } from '../validate.ts';

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
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return provenance.keys.jwks();
  });

  const limited = (ip: string) => {
    const outcome = deps.limits.admit([{ scope: `verify:${ip}`, requestsPerMinute: deps.verifyPerMinute }], 0);
    if (!outcome.ok) throw new GatewayError(429, 'rate_limit_exceeded', outcome.message, { headers: { ...outcome.headers, 'retry-after': String(outcome.retryAfterSeconds) } });
    outcome.release(0);
  };

  app.post('/v1/provenance/verify', async (request) => {
    limited(request.ip);
    const body = (request.body ?? {}) as { text?: unknown };
    // Manifests (which name the request) are shown to their own customer and to operators only.
    const auth = bearerToken(request.headers.authorization);
    const isAdmin = isAdminToken(auth);
    const principal = auth && !isAdmin ? await tenancy.authenticate(auth) : undefined;
    return provenance.verifyText(body.text, (orgId) => isAdmin || principal?.org.id === orgId);
  });

  app.post('/v1/provenance/verify-manifest', async (request) => {
    limited(request.ip);
    const body = (request.body ?? {}) as { manifest?: unknown; text?: unknown };
    return provenance.verifyManifest(body.manifest, body.text);
  });
}

export function adminProvenanceRoutes(app: FastifyInstance, deps: ProvenanceDeps): void {
  app.post('/provenance/keys/rotate', async (request) => {
    const { key, retired } = await deps.provenance.keys.rotateKeys();
    await deps.audit.append({ actor: actorOf(request), action: 'provenance.key_rotated', subject_type: 'signing_key', subject_id: key.kid, reason: 'signing key rotated', data: { kid: key.kid, retired } });
    return { key, retired, jwks: deps.provenance.keys.jwks() };
  });
  app.post('/provenance/keys/:kid/revoke', async (request) => {
    const { kid } = parseInput(z.object({ kid: z.string().min(1).max(100) }), request.params, 'path');
    const { reason } = parseInput(z.object({ reason: z.string().trim().min(1).max(500) }).strict(), request.body);
    const key = await deps.provenance.keys.revoke(kid, reason);
    await deps.audit.append({ actor: actorOf(request), action: 'provenance.key_revoked', subject_type: 'signing_key', subject_id: kid, reason, data: { kid, revoked_at: key.revoked_at } });
    return { key, jwks: deps.provenance.keys.jwks() };
  });
  app.put('/orgs/:id/disclosure', async (request) => {
    const { id } = parseInput(z.object({ id: z.string() }), request.params, 'path');
    const settings = parseInput(disclosureSchema, request.body);
    const org = await deps.tenancy.updateOrg(id, { disclosure: settings });
    if (!org) throw notFound(`No organisation with id '${id}'.`, 'org_not_found', 'id');
    return org.disclosure;
  });
  // What the organisation's outputs get, and from where: its own setting or the default for its country.
  app.get('/orgs/:id/disclosure', async (request) => {
    const { id } = parseInput(z.object({ id: z.string() }), request.params, 'path');
    const org = await deps.tenancy.getOrg(id);
    if (!org) throw notFound(`No organisation with id '${id}'.`, 'org_not_found', 'id');
    return effectiveDisclosure(deps.provenance, org);
  });
  // Back to the operator's default (provenance.disclosure_default in the config).
  app.delete('/orgs/:id/disclosure', async (request) => {
    const { id } = parseInput(z.object({ id: z.string() }), request.params, 'path');
    const org = await deps.tenancy.updateOrg(id, { disclosure: null });
    if (!org) throw notFound(`No organisation with id '${id}'.`, 'org_not_found', 'id');
    return effectiveDisclosure(deps.provenance, org);
  });
}

function effectiveDisclosure(provenance: ProvenanceService, org: { country: string; disclosure: Record<string, unknown> | null }) {
  const { disclosure, source } = provenance.disclosureFor(org);
  return { source, notice: disclosure?.notice ?? null, position: disclosure?.position ?? 'append', c2pa_text: disclosure?.c2pa_text ?? false };
}
