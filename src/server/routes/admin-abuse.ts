// Admin API for distillation monitoring: risk list, alerts, reviewer decisions, campaign indicator export.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AbuseMonitor } from '../../abuse/monitor.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { notFound } from '../../errors.ts';
import type { OrgPatch } from '../../store/ports.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

const riskQuery = z.object({ flagged: z.enum(['true', 'false']).optional() });
const idParams = z.object({ id: z.string() });
const reviewSchema = z
  .object({ decision: z.enum(['clear', 'throttle', 'require_revetting', 'suspend']), reason: z.string().trim().min(3), requests_per_minute: z.number().int().positive().optional() })
  .strict();

export function adminAbuseRoutes(app: FastifyInstance, deps: { abuse: AbuseMonitor; tenancy: Tenancy; audit: AuditLog; endUserOf: (orgId: string) => string }): void {
  const { abuse, tenancy, audit } = deps;

  app.get('/abuse/risk', api({ summary: 'Distillation risk score and reasons per organisation', querystring: riskQuery }), async (request) => {
    const { flagged } = parseInput(riskQuery, request.query, 'query');
    await abuse.drain();
    const data = abuse.risk().filter((v) => flagged === undefined || String(v.flagged) === flagged);
    return { object: 'list', data };
  });

  app.get('/abuse/alerts', api({ summary: 'Distillation alerts' }), async () => {
    await abuse.drain();
    return { object: 'list', data: abuse.alerts };
  });

  /** A reviewer's decision on a flagged organisation: clear it (lifting throttle or suspension) or act. */
  app.post('/abuse/orgs/:id/review', api({ summary: "A reviewer's decision on a flagged organisation", params: idParams, body: reviewSchema }), async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const input = parseInput(reviewSchema, request.body);
    const org = await tenancy.getOrg(id);
    if (!org) throw notFound(`No organisation with id '${id}'.`, 'org_not_found', 'id');
    // A throttle is an overlay on the operator's limits (Org.enforcement): clearing removes it and nothing else.
    const actor = actorOf(request);
    const patch: OrgPatch =
      input.decision === 'clear'
        ? { status: org.status === 'rejected' ? org.status : 'approved', enforcement: null }
        : input.decision === 'throttle'
          ? { enforcement: { requests_per_minute: input.requests_per_minute ?? abuse.config.throttle_requests_per_minute, by: actor, at: new Date().toISOString(), reason: input.reason } }
          : { status: input.decision === 'suspend' ? 'suspended' : 'needs_review' };
    const updated = await tenancy.updateOrg(id, patch);
    await audit.append({ actor, action: `abuse.review.${input.decision}`, subject_type: 'org', subject_id: id, reason: input.reason, data: { score: abuse.detector.verdict(id)?.score ?? null, ...(patch.enforcement ? { requests_per_minute: patch.enforcement.requests_per_minute } : {}) } });
    return updated;
  });

  /** Shareable indicators of a campaign (for the vendors' own trust and safety teams): no prompts, no names. */
  app.get('/abuse/campaigns/:id/export', api({ summary: "A campaign's shareable indicators (no prompts, no names)", params: idParams }), async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    await abuse.drain();
    const root = id.replace(/^campaign_/, '');
    const indicators = abuse.detector.campaignIndicators(root);
    if (!indicators) throw notFound(`No campaign '${id}'.`, 'campaign_not_found', 'id');
    const { member_orgs, ...rest } = indicators;
    return { format: 'conduit-campaign-indicators/1', exported_at: new Date().toISOString(), ...rest, member_pseudonyms: member_orgs.map((o) => deps.endUserOf(o)) };
  });
}
