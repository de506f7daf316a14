// Vetting: self-service applications (public), the review queue, decisions, and sanctions lists.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError, notFound } from '../../errors.ts';
import { ListFileError } from '../../formats/csv.ts';
import { parseConsolidatedList, parseOfacSdn } from '../../vetting/sanctions/lists.ts';
import type { SanctionsBook } from '../../vetting/sanctions/book.ts';
import { applicationSchema, type VettingConfig } from '../../vetting/schema.ts';
import type { VettingService } from '../../vetting/service.ts';
import { actorOf } from '../actor.ts';
import { parseInput } from '../validate.ts';

const decisionSchema = z.object({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000) });
const approveSchema = decisionSchema.extend({ tier: z.enum(['trial', 'verified', 'strategic']).optional() });
const listSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('ofac_sdn'), sdn_csv: z.string().min(1), alt_csv: z.string().optional() }).strict(),
  z.object({ format: z.literal('csl'), csv: z.string().min(1) }).strict(),
]);
const params = z.object({ id: z.string().min(1) });

export interface VettingDeps {
  vetting: VettingService;
  sanctions: SanctionsBook;
  vettingConfig: VettingConfig;
}

/** POST /v1/applications: how a prospective customer applies (no key needed). */
export function publicVettingRoutes(app: FastifyInstance, deps: VettingDeps): void {
  app.post('/v1/applications', async (request, reply) => {
    const input = parseInput(applicationSchema, request.body);
    const { org } = await deps.vetting.submit(input);
    reply.code(201);
    return { org_id: org.id, status: org.status };
  });
}

export function adminVettingRoutes(app: FastifyInstance, deps: VettingDeps): void {
  const { vetting, sanctions } = deps;
  app.get('/vetting/queue', async () => ({ object: 'list', data: await vetting.queue() }));
  app.get('/orgs/:id/application', async (request) => {
    const { id } = parseInput(params, request.params, 'path');
    const application = await vetting.getApplication(id);
    if (!application) throw notFound(`Organisation '${id}' has no application.`, 'application_not_found', 'id');
    return application;
  });
  app.post('/orgs/:id/approve', async (request) => {
    const { id } = parseInput(params, request.params, 'path');
    return vetting.approve(id, { ...parseInput(approveSchema, request.body), actor: actorOf(request) });
  });
  for (const verb of ['reject', 'suspend', 'reinstate'] as const) {
    app.post(`/orgs/:id/${verb}`, async (request) => {
      const { id } = parseInput(params, request.params, 'path');
      return vetting[verb](id, { ...parseInput(decisionSchema, request.body), actor: actorOf(request) });
    });
  }
  app.post('/orgs/:id/screen', async (request) => {
    const { id } = parseInput(params, request.params, 'path');
    return vetting.screen(id, actorOf(request));
  });

  app.get('/sanctions/lists', async () => ({ object: 'list', data: sanctions.summary() }));
  app.get('/sanctions/screen', async (request) => {
    const { name } = parseInput(z.object({ name: z.string().trim().min(2) }), request.query, 'query');
    return { name, hits: sanctions.screen([name], deps.vettingConfig.sanctions_threshold) };
  });
  /** Loads a new list version, then re-screens every customer and reports new hits. */
  app.post('/sanctions/lists', async (request) => {
    const input = parseInput(listSchema, request.body);
    let entries;
    try {
      entries = input.format === 'ofac_sdn' ? parseOfacSdn(Buffer.from(input.sdn_csv), input.alt_csv ? Buffer.from(input.alt_csv) : undefined) : parseConsolidatedList(Buffer.from(input.csv));
    } catch (err) {
      if (err instanceof ListFileError) throw new GatewayError(422, 'invalid_list_file', err.message, { param: input.format === 'ofac_sdn' ? 'sdn_csv' : 'csv' });
      throw err;
    }
    const list = await sanctions.load(input.format, entries);
    const newHits = await vetting.rescreenAll(actorOf(request));
    return { source: list.source, version: list.version, entries: list.entries.length, new_hits: newHits };
  });
}
