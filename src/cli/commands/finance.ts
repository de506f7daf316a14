// `conduit report margin`, `conduit invoice` (show, issue, credit), `conduit billing`, `conduit reconcile`: finance's verbs.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { marginTable } from '../../metering/report.ts';
import type { CreditNote } from '../../metering/credit-note.ts';
import type { Invoice } from '../../metering/invoice.ts';
import { formatMinor } from '../../metering/money.ts';
import { adminCall, connection, fail, print, renderTable, withConnection, type ConnOpts } from '../admin-client.ts';

export function register(program: Command): void {
  const report = program.command('report').description('finance reports');
  withConnection(
    report.command('margin').description('revenue, cost and margin for a month, with growth on the month before'),
  )
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option(
      '--by <dimension>',
      'territory | vendor | model | customer | region | controlling_territory | market (the last two: where customers are controlled from)',
      'territory',
    )
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { month: string; by: string }) => {
      const res = (await adminCall(
        connection(opts),
        'GET',
        `/reports/margin?${new URLSearchParams({ month: opts.month, by: opts.by })}`,
      )) as Parameters<typeof marginTable>[0] & { currency: string };
      print(res, opts.json === true, () => marginTable(res, res.currency));
    });

  withConnection(
    program
      .command('invoice')
      .description("an organisation's invoice for a month: show it (a draft until issued), issue it, credit it"),
  )
    .argument('[action]', 'show (the default) | issue | credit-note | credit-notes', 'show')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--format <format>', 'show: json | csv | html', 'json')
    .option(
      '--amount <amount>',
      'credit-note: the amount before tax, in currency units (default: all that is left to credit)',
    )
    .option('--reason <text>', 'credit-note: why (required)')
    .option('--json', 'issue, credit-note, credit-notes: print JSON')
    .action(
      async (
        action: string,
        opts: ConnOpts & { org: string; month: string; format: string; amount?: string; reason?: string },
      ) => {
        const conn = connection(opts);
        const path = `/orgs/${encodeURIComponent(opts.org)}/invoices/${encodeURIComponent(opts.month)}`;
        if (action === 'show') {
          const res = await fetch(`${conn.url}/admin/v1${path}?format=${encodeURIComponent(opts.format)}`, {
            headers: { authorization: `Bearer ${conn.token}` },
          });
          const text = await res.text();
          if (!res.ok) fail(`${res.status}: ${text}`);
          process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        } else if (action === 'issue') {
          const inv = (await adminCall(conn, 'POST', `${path}/issue`)) as Invoice;
          print(
            inv,
            opts.json === true,
            () =>
              `issued ${inv.invoice_number} to ${inv.org_id} for ${inv.month}: ${formatMinor(inv.total_due_minor, inv.currency)} due ${inv.due_date} (${[`subtotal ${formatMinor(inv.subtotal_minor, inv.currency)}`, ...inv.tax.map((t) => `${t.name} ${t.rate_pct}% ${formatMinor(t.tax_minor, inv.currency)}`)].join(', ')})`,
          );
        } else if (action === 'credit-note') {
          if (!opts.reason) fail('credit-note needs --reason');
          const cn = (await adminCall(conn, 'POST', `${path}/credit-notes`, {
            amount: opts.amount,
            reason: opts.reason,
          })) as CreditNote;
          print(
            cn,
            opts.json === true,
            () =>
              `issued credit note ${cn.credit_note_number} against ${cn.invoice_number}: ${formatMinor(cn.total_minor, cn.currency)} (before tax ${formatMinor(cn.subtotal_minor, cn.currency)})`,
          );
        } else if (action === 'credit-notes') {
          const { data } = (await adminCall(conn, 'GET', `${path}/credit-notes`)) as { data: CreditNote[] };
          print(data, opts.json === true, () =>
            renderTable(
              ['NUMBER', 'INVOICE', 'DATE', 'TOTAL', 'REASON'],
              data.map((c) => [
                c.credit_note_number,
                c.invoice_number,
                c.issue_date,
                formatMinor(c.total_minor, c.currency),
                c.reason,
              ]),
            ),
          );
        } else {
          fail(`unknown invoice action '${action}': show, issue, credit-note or credit-notes`);
        }
      },
    );

  const billing = program
    .command('billing')
    .description("an organisation's billing details, as its invoices show them");
  withConnection(billing.command('show').description('show the billing details'))
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts: ConnOpts & { org: string }) =>
      print(await adminCall(connection(opts), 'GET', `/orgs/${encodeURIComponent(opts.org)}/billing`), true),
    );
  withConnection(billing.command('set').description('change the billing details given (the others stay as they are)'))
    .requiredOption('--org <id>', 'organisation id')
    .option('--legal-name <name>', "the name invoices are addressed to (default: the organisation's name)")
    .option('--address <line...>', 'address lines')
    .option(
      '--tax-id <id>',
      'VAT or GST number (an EU company: its VAT number, such as DE123456789); "none" removes it',
    )
    .option('--email <address>', 'where invoices go')
    .option('--po <reference>', 'purchase order to quote on invoices')
    .option('--terms-days <days>', "payment terms in days (default: the configuration's)")
    .action(
      async (
        opts: ConnOpts & {
          org: string;
          legalName?: string;
          address?: string[];
          taxId?: string;
          email?: string;
          po?: string;
          termsDays?: string;
        },
      ) => {
        const conn = connection(opts);
        const path = `/orgs/${encodeURIComponent(opts.org)}/billing`;
        const current = (await adminCall(conn, 'GET', path)) as Record<string, unknown>;
        const given = {
          legal_name: opts.legalName,
          address: opts.address,
          tax_id: opts.taxId === 'none' ? null : opts.taxId,
          email: opts.email,
          purchase_order: opts.po,
          payment_terms_days: opts.termsDays === undefined ? undefined : Number(opts.termsDays),
        };
        const next = { ...current, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
        print(await adminCall(conn, 'PUT', path, next), true);
      },
    );

  withConnection(
    program.command('reconcile').description("compare a vendor's usage export (CSV) with the ledger's cost"),
  )
    .requiredOption('--vendor <id>', 'vendor id')
    .requiredOption('--file <export.csv>', 'columns: date, deployment, input_tokens, output_tokens, cost')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { vendor: string; file: string }) => {
      let csv: string;
      try {
        csv = readFileSync(opts.file, 'utf8');
      } catch (err) {
        fail(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code}`);
      }
      const res = (await adminCall(connection(opts), 'POST', '/reconcile', { vendor: opts.vendor, csv })) as {
        checked: number;
        differences: Array<{
          date: string;
          deployment: string;
          cost_difference_micros: string;
          only_in: string | null;
        }>;
      };
      print(res, opts.json === true, () =>
        [
          `${res.checked} vendor lines checked, ${res.differences.length} difference(s)`,
          ...res.differences.map(
            (d) =>
              `  ${d.date} ${d.deployment}: cost differs by ${Number(d.cost_difference_micros) / 1e6}${d.only_in ? ` (only in ${d.only_in})` : ''}`,
          ),
        ].join('\n'),
      );
    });
}
