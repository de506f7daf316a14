import { describe, expect, it } from 'vitest';
import { invoicingConfigSchema, taxOn, taxRateOf, taxRuleFor, taxRuleSchema } from './tax.ts';

const rules = invoicingConfigSchema.parse({
  taxes: [
    { id: 'home', countries: ['SG'], name: 'GST', rate_pct: 9 },
    { id: 'eu-b2b', countries: ['EU'], buyer_tax_id: 'required', name: 'VAT', treatment: 'reverse_charge' },
    {
      id: 'eu',
      countries: ['EU'],
      buyer_tax_id: 'absent',
      name: 'VAT',
      rate_pct: '20',
      rates_by_country: { DE: 19, FI: '25.5' },
    },
    { id: 'rest', countries: ['*'], name: 'GST', treatment: 'zero_rated' },
  ],
}).taxes;

describe('tax rules', () => {
  it('the first rule that matches the customer applies', () => {
    expect(taxRuleFor(rules, 'SG', 'M123')?.id).toBe('home');
    expect(taxRuleFor(rules, 'DE', 'DE123456789')?.id).toBe('eu-b2b');
    expect(taxRuleFor(rules, 'DE', null)?.id).toBe('eu');
    expect(taxRuleFor(rules, 'US', null)?.id).toBe('rest');
    expect(taxRuleFor(rules.slice(0, 3), 'US', null)).toBeUndefined();
  });

  it("rates by country, else the rule's rate; none but for the standard treatment", () => {
    const eu = rules[2]!;
    expect([taxRateOf(eu, 'DE'), taxRateOf(eu, 'FI'), taxRateOf(eu, 'FR')]).toEqual([1900, 2550, 2000]);
    expect(taxRateOf(rules[1]!, 'DE')).toBe(0);
  });

  it('tax is rounded half away from zero to the minor unit', () => {
    expect(taxOn(1235n, 900)).toBe(111n); // 111.15
    expect(taxOn(250n, 900)).toBe(23n); // 22.5
    expect(taxOn(-250n, 900)).toBe(-23n);
  });

  it('refuses rules that would tax by accident', () => {
    const problems = (rule: unknown) =>
      taxRuleSchema.safeParse(rule).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ id: 'eu', countries: ['EU'], name: 'VAT', rates_by_country: { DE: 19 } })![0]).toMatch(
      /^rate_pct: gives no rate for AT, BE, /,
    );
    expect(problems({ id: 'rc', countries: ['EU'], name: 'VAT', treatment: 'reverse_charge' })).toEqual([
      'buyer_tax_id: must be "required": the reverse charge applies to customers that gave their tax id',
    ]);
    expect(problems({ id: 'z', countries: ['*'], name: 'VAT', treatment: 'zero_rated', rate_pct: 5 })![0]).toMatch(
      /^rate_pct: a zero_rated rule charges no tax/,
    );
    expect(problems({ id: 'x', countries: ['SG'], name: 'GST', rate_pct: '9.125' })![0]).toMatch(
      /^rate_pct: must be a percentage/,
    );
    expect(
      invoicingConfigSchema.safeParse({
        taxes: [
          { id: 'a', countries: ['SG'], name: 'GST', rate_pct: 9 },
          { id: 'a', countries: ['*'], name: 'GST', rate_pct: 0 },
        ],
      }).error?.issues[0]?.path,
    ).toEqual(['taxes', 1, 'id']);
  });
});

describe('tax rules in a parsed configuration', () => {
  it('read back as the same rules: a parsed configuration is a valid configuration', () => {
    const again = invoicingConfigSchema.parse({ taxes: rules });
    expect(again.taxes).toEqual(rules);
    expect(taxRateOf(again.taxes[2]!, 'FI')).toBe(2550);
  });
});
