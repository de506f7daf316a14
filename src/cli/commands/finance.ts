// `conduit report margin`, `conduit invoice`, `conduit reconcile`: finance's views of the ledger.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { marginTable } from '../../metering/report.ts';
import { adminCall, connection, fail, print, withConnection, type ConnOpts } from '../admin-client.ts';


export function register(program: Command): void {
  const report = program.command('report').description('finance reports');
  withConnection(report.command('margin').description('revenue, cost and margin for a month, with growth on the month before'))
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--by <dimension>', 'territory | vendor | model | customer | region | controlling_territory | market (the last two: where customers are controlled from)', 'territory')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { month: string; by: string }) => {
      const res = (await adminCall(connection(opts), 'GET', `/reports/margin?${new URLSearchParams({ month: opts.month, by: opts.by })}`)) as Parameters<typeof marginTable>[0] & { currency: string };
      print(res, opts.json === true, () => marginTable(res, res.currency));
    });

  withConnection(program.command('invoice').description("an organisation's invoice for a month"))
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--format <format>', 'json | csv | html', 'json')
    .action(async (opts: ConnOpts & { org: string; month: string; format: string }) => {
      const conn = connection(opts);
      const res = await fetch(`${conn.url}/admin/v1/orgs/${encodeURIComponent(opts.org)}/invoices/${encodeURIComponent(opts.month)}?format=${encodeURIComponent(opts.format)}`, { headers: { authorization: `Bearer ${conn.token}` } });
      const text = await res.text();
      if (!res.ok) fail(`${res.status}: ${text}`);
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });

  withConnection(program.command('reconcile').description("compare a vendor's usage export (CSV) with the ledger's cost"))
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
      const res = (await adminCall(connection(opts), 'POST', '/reconcile', { vendor: opts.vendor, csv })) as { checked: number; differences: Array<{ date: string; deployment: string; cost_difference_micros: string; only_in: string | null }> };
      print(res, opts.json === true, () =>
        [`${res.checked} vendor lines checked, ${res.differences.length} difference(s)`, ...res.differences.map((d) => `  ${d.date} ${d.deployment}: cost differs by ${Number(d.cost_difference_micros) / 1e6}${d.only_in ? ` (only in ${d.only_in})` : ''}`)].join('\n'),
      );
    });
}
