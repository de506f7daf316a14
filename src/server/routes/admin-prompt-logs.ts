// Admin API: an organisation's opt-in to prompt logging, and what it logged. Prompts and replies are stored only
// for an organisation whose setting is on (none is by default), each for its retention; reading them is audited.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { PromptLogEntry, PromptLogStore } from '../../store/ports.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf, principalOf } from '../actor.ts';
import { api } from '../api.ts';
import { orgOr404 } from '../lookups.ts';
import { parseInput } from '../validate.ts';

const idParams = z.object({ id: z.string().min(1) });

export const promptLoggingSchema = z
  .object({
    enabled: z.boolean(),
    /** How long each prompt and reply is kept, from the request (1 day to 10 years). */
    retention_days: z.number().int().min(1).max(3650).default(30),
  })
  .strict();

const logsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The next page: entries created before this time (the last entry's created_at). */
    before: z.iso
      .datetime()
      .transform((v) => new Date(v).toISOString())
      .optional(),
    request_id: z.string().min(1).max(200).optional(),
  })
  .strict();

const OFF = { enabled: false, retention_days: null };

export function adminPromptLogRoutes(
  app: FastifyInstance,
  deps: { tenancy: Tenancy; promptLogs: PromptLogStore; audit: AuditLog },
): void {
  const { tenancy, promptLogs, audit } = deps;

  app.get(
    '/orgs/:id/prompt-logging',
    api({ role: 'viewer', summary: "An organisation's prompt logging: off unless it opted in", params: idParams }),
    async (request) => (await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id)).prompt_logging ?? OFF,
  );

  app.put(
    '/orgs/:id/prompt-logging',
    api({
      role: 'compliance',
      summary: "Turn an organisation's prompt logging on (with its retention) or off, as it asked",
      params: idParams,
      body: promptLoggingSchema,
    }),
    async (request) => {
      const org = await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id);
      const settings = parseInput(promptLoggingSchema, request.body);
      await tenancy.updateOrg(org.id, { prompt_logging: settings.enabled ? settings : null });
      await audit.append({
        actor: actorOf(request),
        action: 'org.prompt_logging.updated',
        subject_type: 'org',
        subject_id: org.id,
        data: { prompt_logging: settings.enabled ? settings : OFF },
      });
      return settings.enabled ? settings : OFF;
    },
  );

  app.get(
    '/orgs/:id/prompt-logs',
    api({
      role: 'compliance',
      summary: "An organisation's logged prompts and replies, newest first (only while it opted in; reads are audited)",
      params: idParams,
      querystring: logsQuery,
    }),
    async (request) => {
      const org = await orgOr404(tenancy, parseInput(idParams, request.params, 'path').id);
      const query = parseInput(logsQuery, request.query, 'query');
      const entries = await promptLogs.list(org.id, query);
      // Customer content was read: who read how much of whose is on the record.
      await audit.append({
        actor: actorOf(request),
        action: 'org.prompt_logs.read',
        subject_type: 'org',
        subject_id: org.id,
        data: { principal_id: principalOf(request).id, entries: entries.length, ...query },
      });
      return { object: 'list', data: entries.map(publicEntry) };
    },
  );
}

/** An entry with its bodies as JSON again (stored as the text that was sent). */
function publicEntry({ org_id: _org, request, response, ...rest }: PromptLogEntry) {
  return { ...rest, request: JSON.parse(request) as unknown, response: JSON.parse(response) as unknown };
}
