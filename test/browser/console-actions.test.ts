// The console's actions in a real browser against the demo gateway: creating a customer and its keys, a new price
// version, issuing an invoice and crediting it, principals, due diligence, and what each role is not shown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleDemo, type ConsoleDemo } from '../helpers/console-demo.ts';
import { ensureConsoleBuilt, launchChromium, screenshot, signIn, unlabelledControls } from './console-kit.ts';
import { usageEvent } from '../helpers/usage-event.ts';

let demo: ConsoleDemo;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const consoleDir = await ensureConsoleBuilt();
  [demo, browser] = await Promise.all([startConsoleDemo({ consoleDir }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  // Revoking, deleting and issuing ask for confirmation first.
  page.on('dialog', (dialog) => void dialog.accept());
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.gw.close();
});

async function signInAs(token: string) {
  await page.goto(`${demo.gw.url}/console/`);
  await page.evaluate('sessionStorage.clear()');
  await signIn(page, demo.gw.url, token);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

const lastMonth = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};

describe('console actions', () => {
  it('creates a customer (the gateway’s complaint shown at the field), then a key shown once, its limits, and revokes it', async () => {
    await signInAs(demo.tokens.admin);
    await page.goto(`${demo.gw.url}/console/#/customers`);
    const form = page.getByRole('form', { name: 'Create a customer' });
    await form.getByLabel('Legal name').fill('Tromsø Maritime AS');
    await form.getByLabel('Country (ISO code)').fill('Norway');
    await form.getByRole('button', { name: 'Create customer' }).click();
    // The gateway's own words, beside the field and in the summary.
    const country = form.getByLabel('Country (ISO code)');
    await page.getByText('must be an ISO 3166-1 alpha-2 country code').first().waitFor();
    expect(await country.getAttribute('aria-invalid')).toBe('true');
    await country.fill('no');
    await form.getByRole('button', { name: 'Create customer' }).click();
    await page
      .getByRole('status')
      .getByText(/Created Tromsø Maritime AS: approved/)
      .waitFor();
    expect(await country.getAttribute('aria-invalid')).toBeNull();
    const created = (await demo.gw.admin('GET', '/orgs')).body.data.find(
      (o: { name: string }) => o.name === 'Tromsø Maritime AS',
    );
    expect(created).toMatchObject({ country: 'NO', status: 'approved' });

    await page.getByRole('link', { name: 'Tromsø Maritime AS' }).first().click();
    await page.getByRole('heading', { name: 'Tromsø Maritime AS' }).waitFor();
    const keys = page.getByRole('form', { name: 'Create a key' });
    await keys.getByLabel('New key name').fill('ci');
    await keys.getByRole('button', { name: 'Create key' }).click();
    const secret = page.locator('code.secret');
    await secret.waitFor();
    const token = (await secret.textContent())!;
    expect(token).toMatch(/^sk-/);
    // The key works, for this customer.
    const models = await fetch(`${demo.gw.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(models.status).toBe(200);

    await page.getByText('Key ci: limits and regions').click();
    const limits = page.getByRole('form', { name: 'Key ci: limits' });
    await limits.getByLabel('Requests/min').fill('30');
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Limits saved.').waitFor();
    const stored = (await demo.gw.admin('GET', `/orgs/${created.id}/keys`)).body.data[0];
    expect(stored.limits).toEqual({ requests_per_minute: 30 });
    await screenshot(page, '13-customer-created');

    await page.getByRole('button', { name: 'Revoke ci' }).click();
    await page.getByText(/^revoked /).waitFor();
    const after = await fetch(`${demo.gw.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('finance opens a new price version with an effective date; a bad amount is refused at its cell', async () => {
    await signInAs(demo.tokens.finance);
    await page.goto(`${demo.gw.url}/console/#/money`);
    await page.getByRole('button', { name: 'New price version' }).click();
    const form = page.getByRole('form', { name: 'New price version' });
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Effective from').fill(from);
    const cell = form.getByLabel('input price of gpt-4o', { exact: true });
    await cell.fill('three dollars');
    await form
      .getByLabel('Reason (recorded in the audit log)')
      .fill('Vendor raised gpt-4o input prices from next month.');
    await form.getByRole('button', { name: 'Save new version' }).click();
    await form.getByText('must be a non-negative decimal amount').first().waitFor();
    expect(await cell.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '14-price-version-refused');
    expect((await demo.gw.admin('GET', '/pricing')).body.book.versions).toHaveLength(1);

    await cell.fill('3.30');
    await form.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText(`new prices from ${from}`).waitFor();
    const book = (await demo.gw.admin('GET', '/pricing')).body.book;
    expect(book.versions).toHaveLength(2);
    expect(book.versions[0].effective_to).toBe(from);
    expect(book.versions[1].effective_from).toBe(from);
    const gpt4o = book.versions[1].list_prices.find(
      (p: { model: string; tier?: string }) => p.model === 'gpt-4o' && !p.tier,
    );
    expect(gpt4o).toMatchObject({ input: '3300000', output: '12000000' });
    // Everything else carried over as it was, cache-write rates (the demo's Claude prices) included.
    const others = (prices: Array<{ model: string; tier?: string }>) =>
      prices.filter((p) => p.model !== 'gpt-4o' || p.tier);
    expect(others(book.versions[1].list_prices)).toEqual(others(book.versions[0].list_prices));
    expect(book.versions[1].list_prices).toContainEqual(expect.objectContaining({ cache_write: '4500000' }));
    expect(book.versions[1].vendor_costs).toEqual(book.versions[0].vendor_costs);
    const trail = await demo.gw.admin('GET', '/audit?action=pricing.updated');
    expect(trail.body.data[0]).toMatchObject({ actor: 'Finn Finance' });
    await page.locator('summary').getByText(`From ${from}`).waitFor();
    await screenshot(page, '14-price-version');
  });

  it('finance reconciles an uploaded vendor export against the ledger', async () => {
    await page.goto(`${demo.gw.url}/console/#/money`);
    const form = page.getByRole('form', { name: 'Reconcile' });
    await form.getByRole('combobox', { name: /^Vendor/ }).selectOption('deepseek');
    const today = new Date().toISOString().slice(0, 10);
    await form.getByLabel('Vendor usage export file (CSV)').setInputFiles({
      name: 'deepseek-usage.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`date,deployment,input_tokens,output_tokens,cost\n${today},sim-deepseek-sg,1000,1000,9.99\n`),
    });
    // The file's text is what is sent (and shown, for checking before comparing).
    // (read from the file asynchronously: polled, bounded)
    await expect
      .poll(() => form.getByLabel(/Or paste it/).inputValue(), { timeout: 5_000 })
      .toContain('sim-deepseek-sg,1000,1000,9.99');
    await form.getByRole('button', { name: 'Compare with the ledger' }).click();
    const differences = page.getByRole('table', { name: 'Differences' });
    await differences.getByRole('cell', { name: 'sim-deepseek-sg' }).waitFor();
    expect(await differences.textContent()).toContain('$9.99');
  });

  it('finance issues last month’s invoice and credits part of it, downloads included', async () => {
    // Last month's usage, as the ledger holds it (the demo's traffic is all this month).
    const month = lastMonth();
    const event = usageEvent('req_console_last_month', {
      ts: `${month}-15T10:00:00.000Z`,
      org_id: demo.customer.id,
      key_id: 'key_demo',
      endpoint: 'chat',
      deployment: 'sim-openai-us-east',
      prompt_tokens: 100_000,
      completion_tokens: 20_000,
      latency_ms: 900,
      cost_micros: 450_000,
      list_price_micros: 540_000,
      price_micros: 540_000,
      customer_country: 'NO',
    });
    await demo.gw.store.usage.record(event);

    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    const invoices = page.getByRole('region', { name: 'Invoices' });
    await invoices.getByLabel('Month').fill(month);
    await invoices.getByText(`INV-${month.replace('-', '')}-`).waitFor();
    await invoices.getByRole('button', { name: `Issue invoice for ${month}` }).click();
    const issued = invoices.getByText(/Issued as INV-\d{4}-\d{6}\./);
    await issued.waitFor();
    const number = /INV-\d{4}-\d{6}/.exec((await issued.textContent())!)![0];

    const credit = invoices.getByRole('form', { name: 'Write a credit note' });
    await credit.getByLabel('Amount before tax').fill('0.10');
    await credit.getByLabel('Reason for the credit').fill('Goodwill: an hour of degraded latency.');
    await credit.getByRole('button', { name: 'Write credit note' }).click();
    const written = invoices.getByText(/Credit note CN-\d{4}-\d{6} written: USD 0\.10\./);
    await written.waitFor();
    const cn = /CN-\d{4}-\d{6}/.exec((await written.textContent())!)![0];
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      invoices.getByRole('button', { name: `Download ${cn} as CSV` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${cn}.csv`);

    const stored = (await demo.gw.admin('GET', `/orgs/${demo.customer.id}/invoices/${month}`)).body;
    expect(stored).toMatchObject({ invoice_number: number, draft: false, status: 'issued' });
    const notes = (await demo.gw.admin('GET', `/orgs/${demo.customer.id}/invoices/${month}/credit-notes`)).body.data;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ credit_note_number: cn, invoice_number: number, subtotal_minor: '10' });
    // Issuing twice is refused by the gateway, and the console no longer offers it.
    expect(await invoices.getByRole('button', { name: `Issue invoice for ${month}` }).count()).toBe(0);
    await screenshot(page, '15-invoice-credit-note');
  });

  it('a finance principal has no principals page and no vetting actions', async () => {
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: 'Money' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Principals' }).count()).toBe(0);
    await page.goto(`${demo.gw.url}/console/#/principals`);
    await page.getByText('Your role (finance) may not use this page.').waitFor();
    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    await page.getByRole('region', { name: 'Due diligence' }).waitFor();
    expect(await page.getByRole('form', { name: 'Add an adverse-media note' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Periodic review' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Exclusions' }).count()).toBe(0);
    // Finance does set negotiated prices.
    await page.getByRole('form', { name: 'Negotiated prices' }).waitFor();
  });

  it('compliance notes adverse media and records a periodic review, and may not edit prices', async () => {
    await signInAs(demo.tokens.compliance);
    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    const media = page.getByRole('form', { name: 'Add an adverse-media note' });
    await media.getByLabel('What was reported').fill('Fined by the regulator for late filings, 2025.');
    await media.getByLabel('Severity').selectOption('medium');
    await media.getByRole('button', { name: 'Add note' }).click();
    await media.getByText(/Note added: risk is now medium\./).waitFor();
    await page.getByRole('list', { name: 'Adverse media notes' }).getByText('Fined by the regulator').waitFor();
    const review = page.getByRole('form', { name: 'Periodic review' });
    await review.getByLabel('Reason').fill('Annual review: registry and ownership unchanged.');
    await review.getByRole('button', { name: 'Record decision' }).click();
    await review.getByText(/Reviewed: risk medium, next review \d{4}-\d{2}-\d{2}\./).waitFor();
    const trail = await demo.gw.admin('GET', `/audit?subject_id=${demo.customer.id}&action=vetting.periodic_review`);
    expect(trail.body.data[0]).toMatchObject({ actor: 'Carla Compliance' });
    expect(await page.getByRole('form', { name: 'Negotiated prices' }).count()).toBe(0);
    await screenshot(page, '16-due-diligence');
    await page.goto(`${demo.gw.url}/console/#/money`);
    await page
      .getByRole('region', { name: 'Price book' })
      .getByText(/Book version \d+/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'New price version' }).count()).toBe(0);
  });

  it('compliance records a licence decision on an export-control hit, the gateway naming a missing field', async () => {
    const csv = readFileSync(join(import.meta.dirname, '../fixtures/sanctions/consolidated.csv'), 'utf8');
    expect((await demo.gw.admin('POST', '/sanctions/lists', { format: 'csl', csv })).status).toBe(200);
    const held = (await demo.gw.admin('POST', '/orgs', { name: 'QVS Microelectronics', country: 'MY' })).body;
    expect(held.status).toBe('needs_review');
    await page.goto(`${demo.gw.url}/console/#/customers/${held.id}`);
    const diligence = page.getByRole('region', { name: 'Due diligence' });
    await diligence.getByText(/Quantum Vector Semiconductor Co\. Ltd\. \(Entity List/).waitFor();
    const form = diligence.getByRole('form', { name: 'Record a licence decision' });
    await form.getByRole('combobox', { name: /^Licence/ }).selectOption('granted');
    await form.getByLabel('Why').fill('BIS licence for the items this service exports.');
    await form.getByRole('button', { name: 'Record licence decision' }).click();
    await form.getByText('is required for a licence granted').first().waitFor();
    await form.getByLabel('Licence number').fill('D1234567');
    await form.getByRole('button', { name: 'Record licence decision' }).click();
    await diligence.getByText(/Licence granted \(D1234567\) for CSL:f1 by Carla Compliance/).waitFor();
    await screenshot(page, '16b-licence-decision');
    const trail = await demo.gw.admin('GET', `/audit?subject_id=${held.id}&action=vetting.licence_decision`);
    expect(trail.body.data[0]).toMatchObject({ actor: 'Carla Compliance' });
  });

  it('an admin creates a principal (token shown once) and deletes it', async () => {
    await signInAs(demo.tokens.admin);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Principals' }).click();
    await page.getByRole('heading', { name: 'Principals' }).waitFor();
    const form = page.getByRole('form', { name: 'Create a principal' });
    await form.getByLabel('Name').fill('Olga Operator');
    await form.getByLabel('Role').selectOption('operator');
    await form.getByRole('button', { name: 'Create principal' }).click();
    const token = (await page.locator('code.secret').textContent())!;
    const who = await fetch(`${demo.gw.url}/admin/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await who.json()).toMatchObject({ name: 'Olga Operator', role: 'operator' });
    await screenshot(page, '17-principals');
    await page.getByRole('button', { name: 'Delete Olga Operator' }).click();
    await page.getByRole('button', { name: 'Delete Olga Operator' }).waitFor({ state: 'detached' });
    const gone = await fetch(`${demo.gw.url}/admin/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(401);
  });

  it('shows the demo’s campaign with its members and the canary beside its primary', async () => {
    await page.goto(`${demo.gw.url}/console/#/abuse`);
    const campaigns = page.getByRole('region', { name: 'Campaigns' });
    for (const member of demo.campaign) await campaigns.getByText(member.name).first().waitFor();
    await screenshot(page, '18-abuse-campaign');
    await page.goto(`${demo.gw.url}/console/#/catalogue`);
    const experiments = page.getByRole('region', { name: 'Canary and shadow experiments' });
    await experiments.getByText('deepseek-reasoner').first().waitFor();
    expect(await experiments.textContent()).toContain('sim-deepseek-eu-west');
    await screenshot(page, '19-catalogue-experiment');
  });

  it('labels every control of the new forms, and creates a principal from the keyboard alone', async () => {
    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    await page.getByRole('form', { name: 'Negotiated prices' }).waitFor();
    await page.getByText('Key test: limits and regions').click();
    await page.getByRole('button', { name: 'Add an own rate' }).click();
    expect(await unlabelledControls(page)).toEqual([]);
    await page.goto(`${demo.gw.url}/console/#/money`);
    await page.getByRole('button', { name: 'New price version' }).click();
    await page.getByRole('form', { name: 'New price version' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);

    await page.goto(`${demo.gw.url}/console/#/principals`);
    await page.getByLabel('Name').focus();
    await page.keyboard.type('Kim Keyboard');
    await page.keyboard.press('Tab');
    const focused = 'document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.textContent ?? ""';
    expect(await page.evaluate<string>(focused)).toMatch(/^Role/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>(focused)).toBe('Create principal');
    await page.keyboard.press('Enter');
    await page.getByText('Token for Kim Keyboard (shown once').waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    const list = (await demo.gw.admin('GET', '/principals')).body.data;
    expect(list.find((p: { name: string }) => p.name === 'Kim Keyboard')).toMatchObject({ role: 'viewer' });
  });

  it('fits a tablet: a customer page with its forms does not scroll sideways', async () => {
    await page.setViewportSize({ width: 820, height: 1100 });
    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    await page.getByRole('form', { name: 'Negotiated prices' }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '20-customer-tablet');
  });

  it('an operator manages customers but is offered no price editing, invoicing or principals', async () => {
    const operator = await demo.gw.admin('POST', '/principals', { name: 'Otto Operator', role: 'operator' });
    await signInAs(operator.body.token);
    expect(
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Principals' }).count(),
    ).toBe(0);
    await page.goto(`${demo.gw.url}/console/#/customers`);
    await page.getByRole('form', { name: 'Create a customer' }).waitFor();
    await page.goto(`${demo.gw.url}/console/#/customers/${demo.customer.id}`);
    await page.getByRole('form', { name: 'Create a key' }).waitFor();
    await page.getByRole('form', { name: 'Exclusions' }).waitFor();
    expect(await page.getByRole('form', { name: 'Negotiated prices' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Add an adverse-media note' }).count()).toBe(0);
    // Finance is told when this month's invoice can be issued; an operator is offered nothing about issuing.
    await page.getByText(/INV-\d{6}-/).waitFor();
    expect(await page.getByText(/its invoice can be issued/).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Issue invoice/ }).count()).toBe(0);
    await page.goto(`${demo.gw.url}/console/#/money`);
    await page
      .getByRole('region', { name: 'Price book' })
      .getByText(/Book version \d+/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'New price version' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Reconcile' }).count()).toBe(0);
  });
});
