// Money is integer micro-units of the price book's currency. Rates are written as decimal strings per
// million tokens and converted exactly (no binary floating point anywhere on the way).

/** "2.50" (currency units) → 2_500_000 micro-units; up to 6 decimal places; null when not a valid amount. */
export function parseAmount(value: string | number): bigint | null {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

function numberText(n: number): string {
  if (!Number.isFinite(n) || n < 0) return 'invalid';
  // Numbers from YAML: take their shortest decimal form, never their binary expansion.
  return String(n).includes('e') ? 'invalid' : String(n);
}

/** tokens × rate (micro-units per million tokens) → micro-units, rounded half up. */
export function costOf(tokens: number, ratePerMillion: bigint): bigint {
  const exact = BigInt(tokens) * ratePerMillion;
  return (exact + 500_000n) / 1_000_000n;
}

export function formatMicros(micros: bigint | number, currency = ''): string {
  const v = BigInt(micros);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  const units = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${sign}${currency ? `${currency} ` : ''}${units.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

export const ISO_4217 = new Set([
  'USD', 'EUR', 'GBP', 'JPY', 'CNY', 'SGD', 'HKD', 'CHF', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'INR', 'KRW',
  'BRL', 'MXN', 'ZAR', 'AED', 'SAR', 'TRY', 'ILS', 'TWD', 'THB', 'MYR', 'IDR', 'PHP', 'VND',
]);
