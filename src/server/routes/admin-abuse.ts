// Admin API for distillation monitoring: risk list, alerts, reviewer decisions, campaign indicator export,
// evidence reports on one organisation for the vendors.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AbuseMonitor } from '../../abuse/monitor.ts';
import { distillationReportSchema, REPORT_FORMAT } from '../../abuse/report.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { abuseHold, statusAfterClear } from '../../abuse/enforcement.ts';
import { GatewayError } from '../../errors.ts';
import type { OrgPatch, OrgStatus } from '../../store/ports.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

/** Entries of an organisation's audit trail read to tell an abuse hold from a vetting one (newest first). */
const TRAIL_LIMIT = 1000;
const riskQuery = z.object({ flagged: z.enum(['true', 'false']).optional() });
const idParams = z.object({ id: z.string() });
const reportQuery = z.object({ recipient: z.string().trim().min(1).max(200).optional() });
const reviewSchema = z
  .object({
    decision: z.enum(['clear', 'throttle', 'require_revetting', 'suspend']),
    reason: z.string().trim().min(3),
    requests_per_minute: z.number().int().positive().optional(),
  })
  .strict();

export function adminAbuseRoutes(
  app: FastifyInstance,
  deps: { abuse: AbuseMonitor; tenancy: Tenancy; audit: AuditLog; endUserOf: (orgId: string) => string },
): void {
  const { abuse, tenancy, audit } = deps;

  app.get(
    '/abuse/risk',
    api({ role: 'viewer', summary: 'Distillation risk score and reasons per organisation', querystring: riskQuery }),
    async (request) => {
      const { flagged } = parseInput(riskQuery, request.query, 'query');
      await abuse.drain();
      const data = abuse.risk().filter((v) => flagged === undefined || String(v.flagged) === flagged);
      return { object: 'list', data };
    },
  );

  app.get('/abuse/alerts', api({ role: 'viewer', summary: 'Distillation alerts' }), async () => {
    await abuse.drain();
    return { object: 'list', data: abuse.alerts };
  });

  /** A reviewer's decision on a flagged organisation: clear it (lifting throttle or suspension) or act. */
  app.post(
    '/abuse/orgs/:id/review',
    api({
      role: 'compliance',
      summary: "A reviewer's decision on a flagged organisation",
      params: idParams,
      body: reviewSchema,
    }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const input = parseInput(reviewSchema, request.body);
      const org = await tenancy.getOrg(id);
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
      // A throttle is an overlay on the operator's limits (Org.enforcement): clearing removes it, and gives back only a
      // status abuse enforcement itself took away; what vetting or compliance holds stays held.
      const actor = actorOf(request);
      const trail = input.decision === 'throttle' ? [] : await audit.list({ subject_id: id, limit: TRAIL_LIMIT });
      let patch: OrgPatch;
      let change: { from: string; to: string; restores?: string } | undefined;
      if (input.decision === 'clear') {
        const to = statusAfterClear(org.status, trail) as OrgStatus | undefined;
        patch = to ? { status: to, enforcement: null } : { enforcement: null };
        if (to) change = { from: org.status, to };
      } else if (input.decision === 'throttle') {
        patch = {
          enforcement: {
            requests_per_minute: input.requests_per_minute ?? abuse.config.throttle_requests_per_minute,
            by: actor,
            at: new Date().toISOString(),
            reason: input.reason,
          },
        };
      } else {
        // Only a served organisation can be held for abuse (or one already held for it, escalated): holding one that
        // vetting has not approved would let a vetting verb (reinstate, approve) or a later clear approve it.
        const to: OrgStatus = input.decision === 'suspend' ? 'suspended' : 'needs_review';
        const from = org.status === 'approved' ? 'approved' : abuseHold(org.status, trail)?.from;
        if (from !== 'approved')
          throw new GatewayError(
            'invalid_transition',
            `Cannot ${input.decision === 'suspend' ? 'suspend' : 'require re-vetting of'} organisation ${id} for abuse: it is ${org.status}, held by vetting or compliance, not served; their decision comes first.`,
          );
        patch = { status: to };
        // `restores`: what a clear gives back, also after an escalation (re-vetting, then suspension).
        change = { from: org.status, to, restores: from };
      }
      const updated = await tenancy.updateOrg(id, patch);
      await audit.append({
        actor,
        action: `abuse.review.${input.decision}`,
        subject_type: 'org',
        subject_id: id,
        reason: input.reason,
        data: {
          score: abuse.detector.verdict(id)?.score ?? null,
          ...(patch.enforcement ? { requests_per_minute: patch.enforcement.requests_per_minute } : {}),
          ...change,
        },
      });
      return updated;
    },
  );

  /** Shareable indicators of a campaign (for the vendors' own trust and safety teams): no prompts, no names. */
  app.get(
    '/abuse/campaigns/:id/export',
    api({ role: 'compliance', summary: "A campaign's shareable indicators (no prompts, no names)", params: idParams }),
    async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      await abuse.drain();
      const root = id.replace(/^campaign_/, '');
      const indicators = abuse.detector.campaignIndicators(root);
      if (!indicators) throw new GatewayError('campaign_not_found', `No campaign '${id}'.`, { param: 'id' });
      const { member_orgs, ...rest } = indicators;
      return {
        format: 'conduit-campaign-indicators/1',
        exported_at: new Date().toISOString(),
        ...rest,
        member_pseudonyms: member_orgs.map((o) => deps.endUserOf(o)),
      };
    },
  );

  /**
   * An organisation's evidence report, for a vendor: the customer as the vendor knows it upstream, no internal ids,
   * addresses as keyed hashes. Each report is recorded in the audit log (who, when, which organisation, its
   * SHA-256) before it is sent, and the hash goes with it in a header.
   */
  app.get(
    '/abuse/orgs/:id/report',
    api({
      role: 'compliance',
      summary: `An organisation's distillation evidence report for a vendor (${REPORT_FORMAT}), recorded in the audit log`,
      params: idParams,
      querystring: reportQuery,
    }),
    async (request, reply) => {
      const { id } = parseInput(idParams, request.params, 'path');
      const { recipient } = parseInput(reportQuery, request.query, 'query');
      const org = await tenancy.getOrg(id);
      if (!org) throw new GatewayError('org_not_found', `No organisation with id '${id}'.`, { param: 'id' });
      await abuse.drain();
      const report = abuse.report(org, deps.endUserOf, recipient ?? null);
      if (!report)
        throw new GatewayError(
          'no_distillation_evidence',
          `The distillation detector has seen no requests from organisation '${id}': there is nothing to report.`,
          { param: 'id' },
        );
      const text = JSON.stringify(report);
      const sha256 = createHash('sha256').update(text).digest('hex');
      await audit.append({
        actor: actorOf(request),
        action: 'abuse.report',
        subject_type: 'org',
        subject_id: id,
        reason: recipient ? `distillation evidence report for ${recipient}` : 'distillation evidence report',
        data: {
          format: REPORT_FORMAT,
          report_id: report.report_id,
          sha256,
          recipient: report.recipient,
          customer: report.subject.customer,
          score: report.assessment.score,
        },
      });
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-conduit-report-sha256', sha256)
        .send(text);
    },
  );

  /** The report's format as JSON Schema, for the vendors that ingest it. */
  app.get(
    '/abuse/report-schema',
    api({ role: 'viewer', summary: `JSON Schema of the distillation evidence report (${REPORT_FORMAT})` }),
    async () => ({
      $id: `urn:conduit:${REPORT_FORMAT.replace('/', ':')}`,
      ...z.toJSONSchema(distillationReportSchema),
    }),
  );
}
