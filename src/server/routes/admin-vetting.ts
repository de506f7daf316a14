// Vetting: self-service applications (public), the review queue, decisions, and sanctions lists.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import { ListFileError } from '../../formats/csv.ts';
import { parseConsolidatedList, parseOfacSdn } from '../../vetting/sanctions/lists.ts';
import type { SanctionsBook } from '../../vetting/sanctions/book.ts';
import { adverseMediaSchema } from '../../vetting/kyb.ts';
import { licenceDecisionSchema } from '../../vetting/licence.ts';
import { applicationSchema, type VettingConfig } from '../../vetting/schema.ts';
import type { VettingService } from '../../vetting/service.ts';
import { actorOf, principalOf } from '../actor.ts';
import { parseInput } from '../validate.ts';
import { api } from '../api.ts';

const decisionSchema = z.object({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000) });
const approveSchema = decisionSchema.extend({ tier: z.enum(['trial', 'verified', 'strategic']).optional() });
const listSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('ofac_sdn'), sdn_csv: z.string().min(1), alt_csv: z.string().optional() }).strict(),
  z.object({ format: z.literal('csl'), csv: z.string().min(1) }).strict(),
]);
const params = z.object({ id: z.string().min(1) });
const screenQuery = z.object({ name: z.string().trim().min(2) });
const dueQuery = z.object({ due_by: z.string().date('must be a date (YYYY-MM-DD)').optional() });

export interface VettingDeps {
  vetting: VettingService;
  sanctions: SanctionsBook;
  vettingConfig: VettingConfig;
}

/** POST /v1/applications: how a prospective customer applies (no key needed). */
export function publicVettingRoutes(app: FastifyInstance, deps: VettingDeps): void {
  app.post(
    '/v1/applications',
    api({
      summary: 'Apply to become a customer (no key needed); screened, then approved or queued for review',
      body: applicationSchema,
      status: 201,
      public: true,
    }),
    async (request, reply) => {
      const input = parseInput(applicationSchema, request.body);
      const { org } = await deps.vetting.submit(input);
      reply.code(201);
      return { org_id: org.id, status: org.status };
    },
  );
}

export function adminVettingRoutes(app: FastifyInstance, deps: VettingDeps): void {
  const { vetting, sanctions } = deps;
  app.get('/vetting/queue', api({ role: 'viewer', summary: 'Organisations waiting for review' }), async () => ({
    object: 'list',
    data: await vetting.queue(),
  }));
  app.get(
    '/orgs/:id/application',
    api({ role: 'viewer', summary: "An organisation's application and latest screening", params }),
    async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      const application = await vetting.getApplication(id);
      if (!application)
        throw new GatewayError('application_not_found', `Organisation '${id}' has no application.`, { param: 'id' });
      return application;
    },
  );
  app.post(
    '/orgs/:id/approve',
    api({
      role: 'compliance',
      summary: 'Approve an organisation (the actor is the calling principal)',
      params,
      body: approveSchema,
    }),
    async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      return vetting.approve(id, {
        ...parseInput(approveSchema, request.body),
        actor: actorOf(request),
        actor_id: principalOf(request).id,
      });
    },
  );
  for (const verb of ['reject', 'suspend', 'reinstate'] as const) {
    app.post(
      `/orgs/:id/${verb}`,
      api({
        role: 'compliance',
        summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} an organisation (the actor is the calling principal)`,
        params,
        body: decisionSchema,
      }),
      async (request) => {
        const { id } = parseInput(params, request.params, 'path');
        return vetting[verb](id, { ...parseInput(decisionSchema, request.body), actor: actorOf(request) });
      },
    );
  }
  app.get(
    '/vetting/reviews',
    api({
      role: 'viewer',
      summary: 'Approved customers due a periodic review by a date (default today), soonest first',
      querystring: dueQuery,
    }),
    async (request) => {
      const { due_by } = parseInput(dueQuery, request.query, 'query');
      return {
        object: 'list',
        due_by: due_by ?? new Date().toISOString().slice(0, 10),
        data: await vetting.dueDiligence.reviewsDue(due_by ?? new Date().toISOString().slice(0, 10)),
      };
    },
  );
  app.post(
    '/orgs/:id/periodic-review',
    api({
      role: 'compliance',
      summary:
        'Record a periodic review: screen again, reassess the risk, set the next review date (the actor is the calling principal)',
      params,
      body: decisionSchema,
    }),
    async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      return vetting.dueDiligence.periodicReview(id, {
        ...parseInput(decisionSchema, request.body),
        actor: actorOf(request),
      });
    },
  );
  app.post(
    '/orgs/:id/adverse-media',
    api({
      role: 'compliance',
      summary:
        'Attach an adverse-media note to an organisation (weighed in its risk level; the actor is the calling principal)',
      params,
      body: adverseMediaSchema,
      status: 201,
    }),
    async (request, reply) => {
      const { id } = parseInput(params, request.params, 'path');
      const note = await vetting.dueDiligence.addAdverseMedia(
        id,
        parseInput(adverseMediaSchema, request.body),
        actorOf(request),
      );
      reply.code(201);
      return note;
    },
  );
  app.post(
    '/applications/:id/licence',
    api({
      role: 'compliance',
      summary:
        "Record a licence decision on an organisation's export-control hits (BIS Entity List); the id is the organisation's",
      params,
      body: licenceDecisionSchema,
      status: 201,
    }),
    async (request, reply) => {
      const { id } = parseInput(params, request.params, 'path');
      const decision = await vetting.dueDiligence.recordLicence(
        id,
        parseInput(licenceDecisionSchema, request.body),
        actorOf(request),
      );
      reply.code(201);
      return decision;
    },
  );
  app.post(
    '/orgs/:id/screen',
    api({
      role: 'compliance',
      summary: 'Screen an organisation against the sanctions lists again',
      params,
      body: null,
    }),
    async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      return vetting.screen(id, actorOf(request));
    },
  );

  app.get(
    '/sanctions/lists',
    api({ role: 'viewer', summary: 'The sanctions lists loaded, with versions' }),
    async () => ({ object: 'list', data: sanctions.summary() }),
  );
  app.get(
    '/sanctions/screen',
    api({ role: 'viewer', summary: 'Screen a name against the sanctions lists', querystring: screenQuery }),
    async (request) => {
      const { name } = parseInput(screenQuery, request.query, 'query');
      return { name, hits: sanctions.screen([name], deps.vettingConfig.sanctions_threshold) };
    },
  );
  /** Loads a new list version, then re-screens every customer and reports new hits. */
  app.post(
    '/sanctions/lists',
    api({
      role: 'compliance',
      summary: 'Load a new list version (OFAC SDN or the Consolidated Screening List), then re-screen every customer',
      body: listSchema,
    }),
    async (request) => {
      const input = parseInput(listSchema, request.body);
      let entries;
      try {
        entries =
          input.format === 'ofac_sdn'
            ? parseOfacSdn(Buffer.from(input.sdn_csv), input.alt_csv ? Buffer.from(input.alt_csv) : undefined)
            : parseConsolidatedList(Buffer.from(input.csv));
      } catch (err) {
        if (err instanceof ListFileError)
          throw new GatewayError('invalid_list_file', err.message, {
            param: input.format === 'ofac_sdn' ? 'sdn_csv' : 'csv',
          });
        throw err;
      }
      const list = await sanctions.load(input.format, entries);
      const newHits = await vetting.dueDiligence.rescreenAll(actorOf(request));
      return { source: list.source, version: list.version, entries: list.entries.length, new_hits: newHits };
    },
  );
}
