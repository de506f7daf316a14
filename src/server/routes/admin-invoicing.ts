// Admin API for invoices: drafts and issued invoices, issuing, credit notes, customers' billing details.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import { creditNoteCsv, creditNoteHtml, invoiceCsv, invoiceHtml } from '../../metering/invoice-render.ts';
import { billingProfileSchema, creditNoteInputSchema, type InvoicingService } from '../../metering/invoicing.ts';
import type { Tenancy } from '../../tenancy/tenancy.ts';
import { actorOf } from '../actor.ts';
import { api } from '../api.ts';
import { orgOr404 as findOrg } from '../lookups.ts';
import { parseInput } from '../validate.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03');
const idParams = z.object({ id: z.string() });
const invoiceParams = z.object({ id: z.string(), month });
const creditNoteParams = z.object({ id: z.string(), number: z.string() });
const formatQuery = z.object({ format: z.enum(['json', 'csv', 'html']).default('json') });

/** JSON, or the document rendered as CSV or HTML. */
function send<T>(
  reply: FastifyReply,
  format: 'json' | 'csv' | 'html',
  doc: T,
  csv: (d: T) => string,
  html: (d: T) => string,
) {
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csv(doc));
  if (format === 'html') return reply.type('text/html; charset=utf-8').send(html(doc));
  return doc;
}

export function adminInvoicingRoutes(
  app: FastifyInstance,
  deps: { tenancy: Tenancy; invoicing: InvoicingService },
): void {
  const { tenancy, invoicing } = deps;
  const orgOr404 = (id: string) => findOrg(tenancy, id);

  app.get(
    '/orgs/:id/invoices/:month',
    api({
      role: 'viewer',
      summary: "An organisation's invoice for a month: as issued, or a draft from the ledger until then",
      params: invoiceParams,
      querystring: formatQuery,
      produces: ['text/csv', 'text/html'],
    }),
    async (request, reply) => {
      const p = parseInput(invoiceParams, request.params, 'path');
      const { format } = parseInput(formatQuery, request.query, 'query');
      const org = await orgOr404(p.id);
      return send(reply, format, await invoicing.invoice(org, p.month), invoiceCsv, invoiceHtml);
    },
  );

  app.post(
    '/orgs/:id/invoices/:month/issue',
    api({
      role: 'finance',
      summary: "Issue a month's invoice: numbered from the operator's sequence and stored as issued, once",
      params: invoiceParams,
      body: null,
      status: 201,
    }),
    async (request, reply) => {
      const p = parseInput(invoiceParams, request.params, 'path');
      const org = await orgOr404(p.id);
      const invoice = await invoicing.issue(org, p.month, actorOf(request));
      reply.code(201);
      return invoice;
    },
  );

  app.post(
    '/orgs/:id/invoices/:month/credit-notes',
    api({
      role: 'finance',
      summary: 'Credit an issued invoice (all that is left of it, or an amount before tax), under a number of its own',
      params: invoiceParams,
      body: creditNoteInputSchema,
      status: 201,
    }),
    async (request, reply) => {
      const p = parseInput(invoiceParams, request.params, 'path');
      const input = parseInput(creditNoteInputSchema, request.body);
      const org = await orgOr404(p.id);
      const note = await invoicing.creditNote(org, p.month, input, actorOf(request));
      reply.code(201);
      return note;
    },
  );

  app.get(
    '/orgs/:id/invoices/:month/credit-notes',
    api({ role: 'viewer', summary: "The credit notes of a month's issued invoice", params: invoiceParams }),
    async (request) => {
      const p = parseInput(invoiceParams, request.params, 'path');
      await orgOr404(p.id);
      return { object: 'list', data: await invoicing.creditNotes(p.id, p.month) };
    },
  );

  app.get(
    '/orgs/:id/credit-notes/:number',
    api({
      role: 'viewer',
      summary: 'One credit note, by its number',
      params: creditNoteParams,
      querystring: formatQuery,
      produces: ['text/csv', 'text/html'],
    }),
    async (request, reply) => {
      const p = parseInput(creditNoteParams, request.params, 'path');
      const { format } = parseInput(formatQuery, request.query, 'query');
      await orgOr404(p.id);
      const note = await invoicing.creditNoteOf(p.id, p.number);
      if (!note)
        throw new GatewayError('credit_note_not_found', `No credit note '${p.number}' for organisation '${p.id}'.`, {
          param: 'number',
        });
      return send(reply, format, note, creditNoteCsv, creditNoteHtml);
    },
  );

  app.get(
    '/orgs/:id/billing',
    api({
      role: 'viewer',
      summary: "An organisation's billing details: legal name, address, tax id, purchase order, payment terms",
      params: idParams,
    }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      return (await invoicing.profile(org.id)) ?? {};
    },
  );

  app.put(
    '/orgs/:id/billing',
    api({
      role: 'finance',
      summary: "Replace an organisation's billing details (what its invoices say about it)",
      params: idParams,
      body: billingProfileSchema,
    }),
    async (request) => {
      const org = await orgOr404(parseInput(idParams, request.params, 'path').id);
      return invoicing.setProfile(org, parseInput(billingProfileSchema, request.body), actorOf(request));
    },
  );
}
