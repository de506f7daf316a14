// Reconciliation: a vendor's usage export (CSV) against the ledger's cost, per day and deployment.
import { GatewayError } from '../errors.ts';
import type { LedgerStore } from '../store/ports.ts';
import { parseAmount } from './money.ts';
import { parseCsv, ListFileError } from '../formats/csv.ts';

export interface VendorLine {
  date: string;
  deployment: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: bigint;
}

/** Header-driven: date, deployment, input_tokens, output_tokens, cost (currency units). Nothing is applied on error. */
export function parseVendorExport(text: string): VendorLine[] {
  let rows;
  try {
    rows = parseCsv(text, 'vendor export');
  } catch (err) {
    if (err instanceof ListFileError) throw new GatewayError('invalid_vendor_export', err.message, { param: 'csv' });
    throw err;
  }
  const header = rows.shift();
  const cols = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const need = ['date', 'deployment', 'input_tokens', 'output_tokens', 'cost'];
  const missing = need.filter((c) => !cols.includes(c));
  if (missing.length)
    throw new GatewayError('invalid_vendor_export', `vendor export, line 1: header lacks ${missing.join(', ')}`, {
      param: 'csv',
    });
  const at = (name: string) => cols.indexOf(name);
  return rows.map(({ line, fields }) => {
    const bad = (msg: string) =>
      new GatewayError('invalid_vendor_export', `vendor export, line ${line}: ${msg}`, { param: 'csv' });
    if (fields.length !== cols.length) throw bad(`expected ${cols.length} columns, found ${fields.length}`);
    const date = fields[at('date')]!.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw bad(`date must be YYYY-MM-DD, found "${date}"`);
    const int = (name: string) => {
      const v = fields[at(name)]!.trim();
      if (!/^\d+$/.test(v)) throw bad(`${name} must be a whole number, found "${v}"`);
      return Number(v);
    };
    const cost = parseAmount(fields[at('cost')]!);
    if (cost === null) throw bad(`cost must be a non-negative decimal amount, found "${fields[at('cost')]}"`);
    return {
      date,
      deployment: fields[at('deployment')]!.trim(),
      input_tokens: int('input_tokens'),
      output_tokens: int('output_tokens'),
      cost_micros: cost,
    };
  });
}

export async function reconcile(ledger: LedgerStore, vendor: string, lines: VendorLine[], toleranceMicros = 10_000n) {
  if (lines.length === 0) return { vendor, differences: [], checked: 0 };
  const days = lines.map((l) => l.date).sort();
  const from = `${days[0]}T00:00:00.000Z`;
  const last = new Date(`${days.at(-1)}T00:00:00.000Z`);
  last.setUTCDate(last.getUTCDate() + 1);
  const rows = await ledger.aggregate({ group_by: ['day', 'deployment'], from, to: last.toISOString(), vendor });
  const ours = new Map(rows.map((r) => [`${r.group.day}|${r.group.deployment}`, r]));
  const theirs = new Map<string, VendorLine>();
  for (const l of lines) {
    const k = `${l.date}|${l.deployment}`;
    const prior = theirs.get(k);
    theirs.set(
      k,
      prior
        ? {
            ...prior,
            input_tokens: prior.input_tokens + l.input_tokens,
            output_tokens: prior.output_tokens + l.output_tokens,
            cost_micros: prior.cost_micros + l.cost_micros,
          }
        : l,
    );
  }
  const differences = [];
  for (const k of new Set([...ours.keys(), ...theirs.keys()])) {
    const [date, deployment] = k.split('|') as [string, string];
    const o = ours.get(k);
    const t = theirs.get(k);
    const ledgerCost = o?.cost_micros ?? 0n;
    const vendorCost = t?.cost_micros ?? 0n;
    const delta = vendorCost - ledgerCost;
    const tokensDiffer =
      (o?.prompt_tokens ?? 0) !== (t?.input_tokens ?? 0) || (o?.completion_tokens ?? 0) !== (t?.output_tokens ?? 0);
    if ((delta < 0n ? -delta : delta) > toleranceMicros || tokensDiffer) {
      differences.push({
        date,
        deployment,
        ledger: {
          input_tokens: o?.prompt_tokens ?? 0,
          output_tokens: o?.completion_tokens ?? 0,
          cost_micros: ledgerCost.toString(),
        },
        vendor: {
          input_tokens: t?.input_tokens ?? 0,
          output_tokens: t?.output_tokens ?? 0,
          cost_micros: vendorCost.toString(),
        },
        cost_difference_micros: delta.toString(),
        only_in: !o ? 'vendor' : !t ? 'ledger' : null,
      });
    }
  }
  return {
    vendor,
    checked: theirs.size,
    differences: differences.sort((a, b) => a.date.localeCompare(b.date) || a.deployment.localeCompare(b.deployment)),
  };
}
