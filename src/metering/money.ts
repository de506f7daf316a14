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

/** ISO 4217 minor-unit digits: 2 but for these (of the codes above). */
const MINOR_DIGITS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0 };

/** How many decimals the currency's minor unit has: 2 for USD (cents), 0 for JPY. */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** Micro-units per minor unit: 10,000 for USD, 1,000,000 for JPY. */
export function microsPerMinor(currency: string): bigint {
  return 10n ** BigInt(6 - minorDigits(currency));
}

/** Micro-units → whole minor units, rounded half away from zero (USD 0.003931 → 0 cents, 0.005 → 1 cent). */
export function toMinor(micros: bigint, currency: string): bigint {
  const unit = microsPerMinor(currency);
  const half = unit / 2n;
  return micros < 0n ? -((-micros + half) / unit) : (micros + half) / unit;
}

/** Minor units as currency units: 1234 → "USD 12.34", -5 → "-USD 0.05", 1234 JPY → "JPY 1,234". */
export function formatMinor(minor: bigint | string, currency: string, withCode = true): string {
  const digits = minorDigits(currency);
  const v = BigInt(minor);
  const abs = v < 0n ? -v : v;
  const scale = 10n ** BigInt(digits);
  const units = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${v < 0n ? '-' : ''}${withCode ? `${currency} ` : ''}${units}${frac}`;
}

/** "12.34" (currency units, at most the currency's minor digits) → 1234 minor units; null when not such an amount. */
export function parseMinor(value: string | number, currency: string): bigint | null {
  const micros = parseAmount(value);
  if (micros === null) return null;
  const unit = microsPerMinor(currency);
  return micros % unit === 0n ? micros / unit : null;
}

export const ISO_4217 = new Set([
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'CNY',
  'SGD',
  'HKD',
  'CHF',
  'CAD',
  'AUD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'INR',
  'KRW',
  'BRL',
  'MXN',
  'ZAR',
  'AED',
  'SAR',
  'TRY',
  'ILS',
  'TWD',
  'THB',
  'MYR',
  'IDR',
  'PHP',
  'VND',
]);
