// Markets and control: rules that name a market, conditions that look through ownership, and where control lies.
import { describe, expect, it } from 'vitest';
import { PolicyEngine, type Subject } from './engine.ts';
import { ultimateShares, type Owner } from './ownership.ts';
import { policySchema } from './schema.ts';

const engineOf = (policy: unknown) => new PolicyEngine(policySchema.parse(policy), 1);
const markets = [{ id: 'greater-china', countries: ['CN', 'HK', 'MO'] }];
const subject = (
  country: string,
  ownership: Owner[] | null = null,
  region = { id: 'us-east', country: 'US' },
): Subject => ({
  org: { id: 'o', country, tier: 'verified', ownership },
  vendor: 'openai',
  model: 'gpt-4o',
  region,
  features: new Set(),
});
const viaHongKong: Owner[] = [
  { name: 'HK holding', country: 'HK', share_pct: 60, owners: [{ name: 'CN parent', country: 'CN', share_pct: 100 }] },
  { name: 'Float', country: 'US', share_pct: 40 },
];

describe('markets in rules', () => {
  it('stand for their countries wherever a rule names a country', () => {
    const engine = engineOf({
      markets,
      rules: [
        { id: 'r', effect: 'deny', reason: 'x', when: { customer_country: ['greater-china'] } },
        { id: 's', effect: 'deny', reason: 'y', when: { region_country: ['greater-china'] } },
      ],
    });
    expect(engine.evaluate(subject('MO')).rule).toBe('r');
    expect(engine.evaluate(subject('SG', null, { id: 'hk', country: 'HK' })).rule).toBe('s');
    expect(engine.evaluate(subject('SG')).allowed).toBe(true);
  });

  it('count a market once in owned_from: 30% from CN and 30% from HK is 60% from the market, not from either country', () => {
    const split: Owner[] = [
      { name: 'a', country: 'CN', share_pct: 30 },
      { name: 'b', country: 'HK', share_pct: 30 },
      { name: 'c', country: 'US', share_pct: 40 },
    ];
    const byMarket = engineOf({
      markets,
      rules: [{ id: 'r', effect: 'deny', reason: 'x', when: { owned_from: ['greater-china'] } }],
    });
    const byCountry = engineOf({
      markets,
      rules: [{ id: 'r', effect: 'deny', reason: 'x', when: { owned_from: ['CN', 'HK'] } }],
    });
    expect(byMarket.evaluate(subject('SG', split)).allowed).toBe(false);
    expect(byCountry.evaluate(subject('SG', split)).allowed).toBe(true);
  });
});

describe('rules by vendor', () => {
  it("runs only the rules a request's vendor can match, in their order", () => {
    const engine = engineOf({
      rules: [
        { id: 'trial-anything', effect: 'deny', reason: 'x', when: { tier_in: ['verified'] } },
        { id: 'openai-only', effect: 'deny', reason: 'y', when: { vendor: ['openai', 'azure'] } },
        { id: 'allow-all', effect: 'allow', reason: 'z', when: {} },
      ],
    });
    expect(engine.evaluate(subject('DE'))).toMatchObject({
      rule: 'trial-anything',
      matched: ['trial-anything', 'openai-only', 'allow-all'],
    });
    expect(engine.evaluate({ ...subject('DE'), vendor: 'azure' }).matched).toEqual([
      'trial-anything',
      'openai-only',
      'allow-all',
    ]);
    expect(engine.evaluate({ ...subject('DE'), vendor: 'deepseek' }).matched).toEqual(['trial-anything', 'allow-all']);
  });
});

describe('customer_jurisdiction', () => {
  const engine = engineOf({
    markets,
    rules: [
      { id: 'in', effect: 'deny', reason: 'x', when: { vendor: ['openai'], customer_jurisdiction: ['greater-china'] } },
      { id: 'outside-only', effect: 'allow', reason: 'y', when: { customer_jurisdiction_not_in: ['greater-china'] } },
    ],
  });

  it('matches by address or by control, and its negation matches neither', () => {
    expect(engine.evaluate(subject('HK')).rule).toBe('in');
    expect(engine.evaluate(subject('SG', viaHongKong)).rule).toBe('in');
    expect(engine.evaluate(subject('SG', [{ name: 'CN', country: 'CN', share_pct: 50 }])).rule).toBe('outside-only');
    expect(engine.evaluate(subject('DE')).rule).toBe('outside-only');
  });

  it("takes the policy's control threshold, or the rule's own", () => {
    const minority: Owner[] = [{ name: 'CN', country: 'CN', share_pct: 30 }];
    const looser = engineOf({
      markets,
      control_threshold_pct: 25,
      rules: [{ id: 'in', effect: 'deny', reason: 'x', when: { customer_jurisdiction: ['CN'] } }],
    });
    expect(looser.evaluate(subject('SG', minority)).allowed).toBe(false);
    const own = engineOf({
      markets,
      control_threshold_pct: 25,
      rules: [
        { id: 'in', effect: 'deny', reason: 'x', when: { customer_jurisdiction: ['CN'], ownership_threshold_pct: 40 } },
      ],
    });
    expect(own.evaluate(subject('SG', minority)).allowed).toBe(true);
  });
});

describe('jurisdictionOf', () => {
  const engine = engineOf({ markets, rules: [] });

  it('follows control to where it ultimately lies, by country and by market', () => {
    expect(engine.jurisdictionOf({ country: 'SG', ownership: viaHongKong })).toEqual({
      incorporated: 'SG',
      incorporated_market: 'SG',
      controlled_from: [
        { country: 'HK', share_pct: 60 },
        { country: 'CN', share_pct: 60 },
      ],
      controlling_country: 'CN',
      controlling_market: 'greater-china',
      threshold_pct: 50,
    });
  });

  it('stops at an intermediate holding whose owners are dispersed, and at the address when nobody controls', () => {
    const dispersed: Owner[] = [
      {
        name: 'HK holding',
        country: 'HK',
        share_pct: 70,
        owners: [
          { name: 'a', country: 'US', share_pct: 30 },
          { name: 'b', country: 'JP', share_pct: 30 },
          { name: 'c', country: 'DE', share_pct: 40 },
        ],
      },
    ];
    expect(engine.jurisdictionOf({ country: 'SG', ownership: dispersed })).toMatchObject({
      controlling_country: 'HK',
      controlling_market: 'greater-china',
    });
    expect(engine.jurisdictionOf({ country: 'MO', ownership: null })).toMatchObject({
      controlled_from: [],
      controlling_country: 'MO',
      controlling_market: 'greater-china',
    });
    // No one country controls, but the market does.
    const split: Owner[] = [
      { name: 'a', country: 'CN', share_pct: 30 },
      { name: 'b', country: 'HK', share_pct: 30 },
      { name: 'c', country: 'US', share_pct: 40 },
    ];
    expect(engine.jurisdictionOf({ country: 'SG', ownership: split })).toMatchObject({
      controlling_country: 'SG',
      controlling_market: 'greater-china',
    });
  });

  it("leaves what a holding's recorded owners do not account for with the holding's country", () => {
    const shares = ultimateShares([
      { name: 'h', country: 'HK', share_pct: 80, owners: [{ name: 'p', country: 'CN', share_pct: 50 }] },
      { name: 'f', country: 'US', share_pct: 20 },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ CN: 40, HK: 40, US: 20 });
  });
});
