// Issue 24: invoices a finance team can send. A due date, seller and buyer with their tax ids, tax by the customer's
// country (reverse charge for EU businesses), amounts in cents with the rounding a line of its own, the micro-unit
// detail as an annex; issued once under a gapless operator-wide number, immutable after, corrected by credit notes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

let seq = 0;
/** A usage event with its money given outright (micro-units): the invoice takes the ledger's amounts as they are. */
async function usage(orgId: string, ts: string, model: string, price: number, list = price): Promise<void> {
  const e = usageEvent(`req_issue_${++seq}`, {
    ts,
    org_id: orgId,
    key_id: 'key_x',
    endpoint: 'chat',
    model,
    deployment: 'sim-openai-us-east',
    prompt_tokens: 1000,
    completion_tokens: 100,
    latency_ms: 5,
    cost_micros: 1,
    list_price_micros: list,
    price_micros: price,
    customer_country: 'XX',
  });
  await gw.store.usage.record(e);
}
const text = async (path: string) =>
  (await fetch(`${gw.url}/admin/v1${path}`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).text();
const issue = (orgId: string, month: string) => gw.admin('POST', `/orgs/${orgId}/invoices/${month}/issue`);
const year = () => new Date().getUTCFullYear();
const numberOf = (n: string) => Number(/^INV-\d{4}-(\d{6})$/.exec(n)![1]);

describe('the face of an invoice', () => {
  it('a due date, seller and buyer with tax ids, tax by country, cents with a rounding line; micro-units in the annex', async () => {
    const { orgId } = await gw.newOrgKey({ name: 'Acme GmbH', country: 'DE' });
    // USD 1.004999 twice: each line shows USD 1.00, the exact total 2.009998 is USD 2.01: a rounding line of 0.01.
    await usage(orgId, '2026-10-03T10:00:00.000Z', 'gpt-4o', 1_004_999, 1_100_000);
    await usage(orgId, '2026-10-04T10:00:00.000Z', 'deepseek-chat', 1_004_999);
    const inv = (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-10`)).body;
    expect(inv).toMatchObject({
      draft: true,
      status: 'final',
      invoice_number: `INV-202610-${orgId}`,
      issue_date: '2026-11-01',
      due_date: '2026-12-01',
      payment_terms_days: 30,
      period: { from: '2026-10-01', to: '2026-10-31' },
      minor_unit_digits: 2,
      seller: { country: 'SG', tax_id: 'M90312345X' },
      buyer: { name: 'Acme GmbH', country: 'DE', tax_id: null },
      total_micros: '2009998',
      subtotal_minor: '201',
      rounding_minor: '1',
      rounding_micros: '2',
      tax: [
        { rule: 'eu-vat', name: 'VAT', treatment: 'standard', rate_pct: '19', taxable_minor: '201', tax_minor: '38' },
      ],
      tax_total_minor: '38',
      total_due_minor: '239',
      warnings: [],
    });
    expect(inv.lines.map((l: any) => [l.model, l.amount_micros, l.amount_minor, l.list_amount_minor])).toEqual([
      ['deepseek-chat', '1004999', '100', '100'],
      ['gpt-4o', '1004999', '100', '110'],
    ]);

    const html = await text(`/orgs/${orgId}/invoices/2026-10?format=html`);
    expect(html).toContain('Due date <strong class="due-date">2026-12-01</strong>');
    expect(html).toContain('<span class="tax-id">M90312345X</span>');
    expect(html).toMatch(/Rounding to 2 decimals<\/td><td class="n">USD 0\.01</);
    expect(html).toMatch(/VAT 19% on USD 2\.01<\/td><td class="n">USD 0\.38</);
    expect(html).toMatch(/Total due<\/td><td class="n">USD 2\.39</);
    expect(html).not.toMatch(/\d\.\d{6}/); // no six-decimal amounts on the face
    expect(html).toContain('<strong>Draft:</strong> not issued yet');

    // The annex: every amount to the micro-unit, from the ledger's lines to the amount due.
    const csv = (await text(`/orgs/${orgId}/invoices/2026-10?format=csv`))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const amount = (line: string) => csv.filter((r) => r[0] === line).map((r) => r[6]);
    expect(amount('usage')).toEqual(['1.004999', '1.004999']);
    expect(amount('total')).toEqual(['2.009998']);
    expect(amount('rounding')).toEqual(['0.000002']);
    expect(amount('tax')).toEqual(['0.380000']);
    expect(amount('total_due')).toEqual(['2.390000']);
  });

  it('tax follows the customer: reverse charge for an EU business with its VAT number, GST at home, zero-rated abroad', async () => {
    const de = await gw.newOrgKey({ country: 'FR' });
    await usage(de.orgId, '2026-10-05T00:00:00.000Z', 'gpt-4o', 10_000_000);
    const badVat = await gw.admin('PUT', `/orgs/${de.orgId}/billing`, { tax_id: 'DE123456789' });
    expect(badVat.status).toBe(400);
    expect(badVat.body.error.param).toBe('tax_id');
    expect(
      (
        await gw.admin('PUT', `/orgs/${de.orgId}/billing`, {
          legal_name: 'Acme SAS',
          address: ['1 rue de la Paix', '75002 Paris'],
          tax_id: 'fr 12 345678901',
          purchase_order: 'PO-77',
        })
      ).body.tax_id,
    ).toBe('FR12345678901');
    const rc = (await gw.admin('GET', `/orgs/${de.orgId}/invoices/2026-10`)).body;
    expect(rc.buyer).toMatchObject({
      name: 'Acme SAS',
      tax_id: 'FR12345678901',
      address: ['1 rue de la Paix', '75002 Paris'],
    });
    expect(rc.tax).toEqual([
      expect.objectContaining({
        rule: 'eu-reverse-charge',
        treatment: 'reverse_charge',
        rate_pct: '0',
        tax_minor: '0',
      }),
    ]);
    expect(rc.notes[0]).toMatch(/^Reverse charge/);
    expect(rc.total_due_minor).toBe('1000');
    expect(await text(`/orgs/${de.orgId}/invoices/2026-10?format=html`)).toContain('Purchase order PO-77');

    const sg = await gw.newOrgKey({ country: 'SG' });
    await usage(sg.orgId, '2026-10-05T00:00:00.000Z', 'gpt-4o', 10_000_000);
    expect((await gw.admin('GET', `/orgs/${sg.orgId}/invoices/2026-10`)).body).toMatchObject({
      tax: [{ name: 'GST', rate_pct: '9', tax_minor: '90' }],
      total_due_minor: '1090',
    });
    const us = await gw.newOrgKey({ country: 'US' });
    await usage(us.orgId, '2026-10-05T00:00:00.000Z', 'gpt-4o', 10_000_000);
    expect((await gw.admin('GET', `/orgs/${us.orgId}/invoices/2026-10`)).body.tax).toEqual([
      expect.objectContaining({ rule: 'export', treatment: 'zero_rated', tax_minor: '0' }),
    ]);
  });
});

describe('issuing', () => {
  it('numbers issued invoices from one gapless sequence; what cannot be issued uses no number', async () => {
    const orgs = await Promise.all(Array.from({ length: 6 }, () => gw.newOrgKey({ country: 'SG' })));
    for (const { orgId } of orgs) await usage(orgId, '2026-09-10T00:00:00.000Z', 'gpt-4o', 2_000_000);
    const empty = await gw.newOrgKey();
    const [first] = orgs;
    const one = await issue(first!.orgId, '2026-09');
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({
      status: 'issued',
      draft: false,
      issue_date: new Date().toISOString().slice(0, 10),
      warnings: [],
    });
    expect(one.body.invoice_number).toMatch(new RegExp(`^INV-${year()}-\\d{6}$`));
    // Refused: issued already, a month under way, nothing to invoice.
    expect((await issue(first!.orgId, '2026-09')).body.error.code).toBe('invoice_already_issued');
    expect((await issue(first!.orgId, new Date().toISOString().slice(0, 7))).body.error.code).toBe('month_not_over');
    expect((await issue(empty.orgId, '2026-09')).body.error.code).toBe('nothing_to_invoice');
    // Five at once: the next five numbers, each used once.
    const rest = await Promise.all(orgs.slice(1).map(({ orgId }) => issue(orgId, '2026-09')));
    expect(rest.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const numbers = rest.map((r) => numberOf(r.body.invoice_number)).sort((a, b) => a - b);
    const start = numberOf(one.body.invoice_number);
    expect(numbers).toEqual([start + 1, start + 2, start + 3, start + 4, start + 5]);
    // GET shows the issued invoice; the audit log has it, with its hash.
    expect((await gw.admin('GET', `/orgs/${first!.orgId}/invoices/2026-09`)).body).toEqual(one.body);
    const [entry] = (await gw.admin('GET', `/audit?action=invoice.issued&subject_id=${one.body.invoice_number}`)).body
      .data;
    expect(entry.data).toMatchObject({
      org_id: first!.orgId,
      month: '2026-09',
      total_due_minor: '218',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('an issued invoice never changes: late usage goes on the next invoice issued, billing details changed later are not on it', async () => {
    const { orgId } = await gw.newOrgKey({ country: 'SG' });
    await usage(orgId, '2026-08-10T00:00:00.000Z', 'gpt-4o', 3_000_000);
    const issued = (await issue(orgId, '2026-08')).body;
    expect(issued.total_micros).toBe('3000000');
    await usage(orgId, '2026-08-31T23:59:00.000Z', 'gpt-4o', 500_000); // recorded after the invoice was issued
    await gw.admin('PUT', `/orgs/${orgId}/billing`, { legal_name: 'Renamed Pte Ltd' });
    expect((await gw.admin('GET', `/orgs/${orgId}/invoices/2026-08`)).body).toEqual(issued);
    expect(await text(`/orgs/${orgId}/invoices/2026-08?format=csv`)).toContain(',3.000000,USD,');

    await usage(orgId, '2026-09-02T00:00:00.000Z', 'gpt-4o', 1_000_000);
    const next = (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-09`)).body;
    expect(next.adjustments).toEqual([
      expect.objectContaining({
        kind: 'late_usage',
        period: '2026-08',
        invoice_number: issued.invoice_number,
        model: 'gpt-4o',
        requests: 1,
        amount_micros: '500000',
        amount_minor: '50',
      }),
    ]);
    expect(next).toMatchObject({
      usage_total_micros: '1000000',
      late_usage_micros: '500000',
      total_micros: '1500000',
      buyer: { name: 'Renamed Pte Ltd' },
    });
    const september = (await issue(orgId, '2026-09')).body;
    expect(september.adjustments).toHaveLength(1);
    // Billed once: the next invoice does not bill it again.
    await usage(orgId, '2026-10-02T00:00:00.000Z', 'gpt-4o', 1_000_000);
    expect((await gw.admin('GET', `/orgs/${orgId}/invoices/2026-10`)).body.adjustments).toEqual([]);
  });

  it('late usage first fills the commitment shortfall its month was billed', async () => {
    const { orgId } = await gw.newOrgKey({ country: 'US' });
    await gw.admin('PUT', `/orgs/${orgId}/pricing`, { committed_monthly: '10.00' });
    await usage(orgId, '2026-07-10T00:00:00.000Z', 'gpt-4o', 4_000_000);
    expect((await issue(orgId, '2026-07')).body).toMatchObject({
      commitment_shortfall_micros: '6000000',
      total_micros: '10000000',
    });
    await usage(orgId, '2026-07-20T00:00:00.000Z', 'gpt-4o', 1_500_000);
    const next = (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-08`)).body;
    expect(next.adjustments.map((a: any) => [a.kind, a.amount_micros])).toEqual([
      ['late_usage', '1500000'],
      ['commitment_offset', '-1500000'],
    ]);
    expect(next.late_usage_micros).toBe('0');
  });
});

describe('credit notes', () => {
  it('correct an issued invoice under numbers of their own, never beyond what it billed, tax credited at its rate', async () => {
    const { orgId } = await gw.newOrgKey({ country: 'SG' });
    expect(
      (await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, { reason: 'not issued' })).body.error
        .code,
    ).toBe('invoice_not_issued');
    await usage(orgId, '2026-06-10T00:00:00.000Z', 'gpt-4o', 12_345_678);
    const inv = (await issue(orgId, '2026-06')).body;
    expect(inv).toMatchObject({ subtotal_minor: '1235', tax: [{ tax_minor: '111' }], total_due_minor: '1346' });
    const part = await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, {
      amount: '2.50',
      reason: 'service credit, SLA breach',
    });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      invoice_number: inv.invoice_number,
      subtotal_minor: '250',
      tax: [{ name: 'GST', rate_pct: '9', tax_minor: '23' }],
      total_minor: '273',
      reason: 'service credit, SLA breach',
    });
    expect(part.body.credit_note_number).toMatch(new RegExp(`^CN-${year()}-\\d{6}$`));
    expect(
      (await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, { amount: '2.505', reason: 'x y z' }))
        .body.error.param,
    ).toBe('amount');
    expect(
      (await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, { amount: '10.00', reason: 'too much' }))
        .body.error.code,
    ).toBe('credit_exceeds_invoice');
    const rest = (await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, { reason: 'cancelled' })).body;
    expect(rest).toMatchObject({ subtotal_minor: '985', tax: [{ tax_minor: '88' }] });
    expect(Number(rest.credit_note_number.slice(-6))).toBe(Number(part.body.credit_note_number.slice(-6)) + 1);
    // Together they credit exactly what the invoice billed.
    expect(BigInt(part.body.total_minor) + BigInt(rest.total_minor)).toBe(BigInt(inv.total_due_minor));
    expect(
      (await gw.admin('POST', `/orgs/${orgId}/invoices/2026-06/credit-notes`, { reason: 'again' })).body.error.code,
    ).toBe('credit_exceeds_invoice');
    expect(
      (await gw.admin('GET', `/orgs/${orgId}/invoices/2026-06/credit-notes`)).body.data.map(
        (c: any) => c.credit_note_number,
      ),
    ).toEqual([part.body.credit_note_number, rest.credit_note_number]);
    expect((await gw.admin('GET', `/orgs/${orgId}/invoices/2026-06`)).body).toEqual(inv); // the invoice itself stands
    const html = await text(`/orgs/${orgId}/credit-notes/${rest.credit_note_number}?format=html`);
    expect(html).toContain(`Credits invoice <strong class="invoice-number">${inv.invoice_number}</strong>`);
    expect(html).toMatch(/Total credited<\/td><td class="n">USD 10\.73</);
    expect((await gw.admin('GET', `/orgs/${orgId}/credit-notes/CN-1999-000001`)).status).toBe(404);
  });
});

describe('conduit invoice and conduit billing', () => {
  const conduit = (args: string[]) =>
    promisify(execFile)('node', ['bin/conduit.mjs', ...args], {
      env: { ...process.env, CONDUIT_URL: gw.url, CONDUIT_ADMIN_TOKEN: gw.adminToken },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('sets billing details, issues, credits and lists', async () => {
    const { orgId } = await gw.newOrgKey({ country: 'DE' });
    await usage(orgId, '2026-05-10T00:00:00.000Z', 'gpt-4o', 20_000_000);
    const set = await conduit([
      'billing',
      'set',
      '--org',
      orgId,
      '--tax-id',
      'DE123456789',
      '--address',
      'Hauptstr. 1',
      '10115 Berlin',
    ]);
    expect(JSON.parse(set.stdout)).toEqual({ tax_id: 'DE123456789', address: ['Hauptstr. 1', '10115 Berlin'] });
    const issued = await conduit(['invoice', 'issue', '--org', orgId, '--month', '2026-05']);
    expect(issued.stdout).toMatch(
      new RegExp(
        `^issued INV-${year()}-\\d{6} to ${orgId} for 2026-05: USD 20\\.00 due \\d{4}-\\d\\d-\\d\\d \\(subtotal USD 20\\.00, VAT 0% USD 0\\.00\\)`,
      ),
    );
    const again = await conduit(['invoice', 'issue', '--org', orgId, '--month', '2026-05']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409: The invoice of 2026-05 was issued as INV-/);
    const shown = JSON.parse((await conduit(['invoice', '--org', orgId, '--month', '2026-05'])).stdout);
    expect(shown.status).toBe('issued');
    const credited = await conduit([
      'invoice',
      'credit-note',
      '--org',
      orgId,
      '--month',
      '2026-05',
      '--amount',
      '5',
      '--reason',
      'goodwill',
    ]);
    expect(credited.stdout).toMatch(/^issued credit note CN-\d{4}-\d{6} against INV-\d{4}-\d{6}: USD 5\.00/);
    expect((await conduit(['invoice', 'credit-notes', '--org', orgId, '--month', '2026-05'])).stdout).toContain(
      'goodwill',
    );
  });
});

describe('without the configuration an invoice needs', () => {
  let bare: TestGateway;
  beforeAll(async () => {
    const config = {
      regions: [{ id: 'sg', country: 'SG' }],
      vendors: [{ id: 'v' }],
      providers: [{ id: 'p', vendor: 'v', type: 'simulator', region: 'sg', models: [{ model: 'm' }] }],
      models: [{ name: 'm', vendor: 'v' }],
    };
    bare = await startTestGateway({ config });
  });
  afterAll(() => bare.close());

  it('a draft renders, says what is missing, and is not issued', async () => {
    const { orgId } = await bare.newOrgKey({ country: 'DE' });
    await bare.store.usage.record(
      usageEvent('req_bare', {
        ts: '2026-10-01T00:00:00.000Z',
        org_id: orgId,
        key_id: 'k',
        endpoint: 'chat',
        model: 'm',
        vendor: 'v',
        deployment: 'p',
        region: 'sg',
        prompt_tokens: 1,
        completion_tokens: 1,
        latency_ms: 1,
        cost_micros: 0,
        list_price_micros: 1_000_000,
        price_micros: 1_000_000,
      }),
    );
    const draft = (await bare.admin('GET', `/orgs/${orgId}/invoices/2026-10`)).body;
    expect(draft).toMatchObject({ seller: null, tax: [], total_due_minor: '100' });
    expect(draft.warnings).toHaveLength(2);
    const refused = await bare.admin('POST', `/orgs/${orgId}/invoices/2026-10/issue`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invoicing_not_configured');
  });
});
