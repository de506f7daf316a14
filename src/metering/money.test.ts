import { describe, expect, it } from 'vitest';
import { formatMinor, parseMinor, toMinor } from './money.ts';

describe('minor units', () => {
  it('rounds micro-units to the currency minor unit, half away from zero', () => {
    expect([
      toMinor(3_931n, 'USD'),
      toMinor(5_000n, 'USD'),
      toMinor(4_999n, 'USD'),
      toMinor(-5_000n, 'USD'),
      toMinor(2_009_998n, 'USD'),
    ]).toEqual([0n, 1n, 0n, -1n, 201n]);
    expect(toMinor(1_500_000n, 'JPY')).toBe(2n);
  });

  it('formats and parses amounts at the minor unit', () => {
    expect([formatMinor(123_456n, 'USD'), formatMinor(-5n, 'EUR'), formatMinor(1_234n, 'JPY')]).toEqual([
      'USD 1,234.56',
      '-EUR 0.05',
      'JPY 1,234',
    ]);
    expect([
      parseMinor('12.34', 'USD'),
      parseMinor('12.345', 'USD'),
      parseMinor(5, 'USD'),
      parseMinor('12.5', 'JPY'),
    ]).toEqual([1234n, null, 500n, null]);
  });
});
