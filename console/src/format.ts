// Display formats. Amounts arrive as integer micro-units in strings; they are shown in currency units, and only shown:
// nothing the console computes from them is sent back.

const formatters = new Map<string, Intl.NumberFormat>();

export function money(micros: string | number | bigint, currency = 'USD'): string {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    });
    formatters.set(currency, f);
  }
  return f.format(Number(micros) / 1e6);
}

/** Micro-units as a number of currency units, for charts. */
export const units = (micros: string | number | bigint): number => Number(micros) / 1e6;

export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)}%`;
}

export function growth(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? 'no change' : 'new this period';
  const g = ((current - previous) / previous) * 100;
  return `${g >= 0 ? '+' : ''}${g.toFixed(1)}% on the previous period`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export const thisMonth = (): string => new Date().toISOString().slice(0, 7);

export function monthStart(month = thisMonth()): string {
  return `${month}-01T00:00:00.000Z`;
}
