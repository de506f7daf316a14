// The embedded default: a demo catalogue served entirely by the in-process simulator (no vendor is called).
import { validateConfig } from './load.ts';
import type { ConduitConfig } from './schema.ts';

const sim = (id: string, vendor: string, region: string, models: string[]) => ({
  id,
  vendor,
  type: 'simulator' as const,
  region,
  models: models.map((model) => ({ model })),
});

export function demoConfig(): Readonly<ConduitConfig> {
  return validateConfig(
    {
      regions: [
        { id: 'sg', name: 'Singapore', country: 'SG' },
        { id: 'us-east', name: 'US East', country: 'US' },
        { id: 'eu-west', name: 'EU West (Ireland)', country: 'IE' },
      ],
      vendors: [
        { id: 'openai', name: 'OpenAI' },
        { id: 'anthropic', name: 'Anthropic' },
        { id: 'deepseek', name: 'DeepSeek (self-hosted open weights)' },
      ],
      providers: [
        sim('sim-openai-us-east', 'openai', 'us-east', ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']),
        sim('sim-openai-sg', 'openai', 'sg', ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']),
        sim('sim-anthropic-eu-west', 'anthropic', 'eu-west', ['claude-sonnet-4']),
        sim('sim-anthropic-us-east', 'anthropic', 'us-east', ['claude-sonnet-4']),
        sim('sim-deepseek-sg', 'deepseek', 'sg', ['deepseek-chat', 'deepseek-reasoner']),
        sim('sim-deepseek-eu-west', 'deepseek', 'eu-west', ['deepseek-chat', 'deepseek-reasoner']),
      ],
      models: [
        { name: 'gpt-4o', vendor: 'openai', description: 'Simulated stand-in for OpenAI gpt-4o' },
        { name: 'gpt-4o-mini', vendor: 'openai' },
        { name: 'text-embedding-3-small', vendor: 'openai', kind: 'embedding' },
        { name: 'claude-sonnet-4', aliases: ['claude-sonnet-4-0'], vendor: 'anthropic' },
        { name: 'deepseek-chat', aliases: ['deepseek-v3'], vendor: 'deepseek' },
        // A canary, so the console has an experiment to show: a quarter of this model's traffic tries the EU deployment.
        {
          name: 'deepseek-reasoner',
          aliases: ['deepseek-r1'],
          vendor: 'deepseek',
          routing: { canary: { provider: 'sim-deepseek-eu-west', share: 0.25 } },
        },
      ],
      // The situation this product exists for: vendors' terms per jurisdiction, enforced on every request. The line
      // is drawn around a market (China with its special administrative regions), and through ownership: a customer
      // controlled from there is treated as being there, whatever its address.
      policy: {
        default: 'allow',
        markets: [{ id: 'greater-china', name: 'China, Hong Kong and Macau', countries: ['CN', 'HK', 'MO'] }],
        rules: [
          {
            id: 'anthropic-no-cn-customers',
            effect: 'deny',
            reason: "Anthropic's models are not offered to customers incorporated in China, Hong Kong or Macau",
            when: { vendor: ['anthropic'], customer_country: ['greater-china'] },
          },
          {
            id: 'anthropic-no-cn-ownership',
            effect: 'deny',
            reason:
              "Anthropic's models are not offered to customers owned more than 50% from China, Hong Kong or Macau",
            when: { vendor: ['anthropic'], owned_from: ['greater-china'] },
          },
          {
            id: 'openai-cn-verified-only',
            effect: 'deny',
            reason:
              "OpenAI's models are offered to customers in or controlled from China, Hong Kong or Macau only at tier verified or above",
            when: { vendor: ['openai'], customer_jurisdiction: ['greater-china'], tier_below: 'verified' },
          },
          {
            id: 'openai-cn-from-singapore',
            effect: 'deny',
            reason:
              "OpenAI's models are served to customers in or controlled from China, Hong Kong or Macau only from Singapore",
            when: { vendor: ['openai'], customer_jurisdiction: ['greater-china'], region_country_not_in: ['SG'] },
          },
          {
            id: 'no-serving-from-cn',
            effect: 'deny',
            reason: 'No model is served from a data centre in China, Hong Kong or Macau',
            when: { region_country: ['greater-china'] },
          },
          {
            id: 'no-logprobs-on-trial',
            effect: 'deny',
            reason: 'Log probabilities are available from tier verified up',
            when: { feature: ['logprobs'], tier_below: 'verified' },
          },
        ],
      },
      // Enhanced due diligence where sanctions programmes bite, and in China, which the vendors' rules above single out.
      vetting: { edd_countries: ['RU', 'BY', 'IR', 'MM', 'VE', 'CN'] },
      // Demo prices in USD per million tokens: what the vendors cost us, and what customers pay.
      pricing: {
        currency: 'USD',
        versions: [
          {
            effective_from: '2026-01-01',
            vendor_costs: [
              ...['sim-openai-us-east', 'sim-openai-sg'].flatMap((deployment) => [
                { deployment, model: 'gpt-4o', input: '2.50', cached_input: '1.25', output: '10.00' },
                { deployment, model: 'gpt-4o-mini', input: '0.15', cached_input: '0.075', output: '0.60' },
                { deployment, model: 'text-embedding-3-small', input: '0.02', output: '0' },
              ]),
              ...['sim-anthropic-eu-west', 'sim-anthropic-us-east'].map((deployment) => ({
                deployment,
                input: '3.00',
                cached_input: '0.30',
                cache_write: '3.75',
                cache_write_1h: '6.00',
                output: '15.00',
              })),
              ...['sim-deepseek-sg', 'sim-deepseek-eu-west'].map((deployment) => ({
                deployment,
                input: '0.20',
                output: '0.80',
              })),
            ],
            list_prices: [
              { model: 'gpt-4o', input: '3.00', cached_input: '1.50', output: '12.00' },
              { model: 'gpt-4o', tier: 'strategic', input: '2.80', cached_input: '1.40', output: '11.20' },
              { model: 'gpt-4o-mini', input: '0.20', cached_input: '0.10', output: '0.80' },
              { model: 'text-embedding-3-small', input: '0.03', output: '0' },
              {
                model: 'claude-sonnet-4',
                input: '3.60',
                cached_input: '0.36',
                cache_write: '4.50',
                cache_write_1h: '7.20',
                output: '18.00',
              },
              { model: 'deepseek-chat', input: '0.40', output: '1.60' },
              { model: 'deepseek-reasoner', input: '0.70', output: '2.80' },
            ],
          },
        ],
      },
      // What each tier may send unless its organisation or key has limits of its own (PUT /admin/v1/orgs/{id}/limits,
      // .../keys/{keyId}/limits): the schema's defaults, written out.
      limits: {
        tiers: {
          trial: { requests_per_minute: 60, tokens_per_minute: 200_000, concurrent: 8 },
          verified: { requests_per_minute: 3_000, tokens_per_minute: 2_000_000, concurrent: 256 },
          strategic: { requests_per_minute: 10_000, tokens_per_minute: 10_000_000, concurrent: 1_024 },
        },
      },
      // EU AI Act Article 50: organisations incorporated in the EU get a visible notice and the in-band C2PA mark
      // unless they set their own (PUT /admin/v1/orgs/{id}/disclosure).
      provenance: {
        disclosure_default: {
          jurisdictions: [
            { countries: ['EU'], notice: 'This text was generated by AI.', position: 'append', c2pa_text: true },
          ],
        },
      },
      invoicing: demoInvoicing,
      demo: { seed: true },
    },
    'embedded demo configuration',
  );
}

/**
 * A reseller incorporated in Singapore: GST at home; EU business customers with a VAT number under the reverse charge;
 * EU customers without one at their member state's VAT (standard rates as of 2026: check them before relying on them);
 * everyone else zero-rated, as an international service. Illustrative, not tax advice.
 */
const demoInvoicing = {
  seller: {
    name: 'Conduit Demo Reseller Pte. Ltd. (DEMO)',
    address: ['1 Example Quay, #10-01', 'Singapore 049315'],
    country: 'SG',
    tax_id: 'M90312345X',
    company_number: '202600001D',
    email: 'billing@example.com',
  },
  payment_terms_days: 30,
  payment_instructions: 'Pay by bank transfer to the account on your contract, quoting the invoice number.',
  taxes: [
    { id: 'sg-gst', countries: ['SG'], name: 'GST', rate_pct: 9 },
    {
      id: 'eu-reverse-charge',
      countries: ['EU'],
      buyer_tax_id: 'required',
      name: 'VAT',
      treatment: 'reverse_charge',
      note: 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).',
    },
    {
      id: 'eu-vat',
      countries: ['EU'],
      buyer_tax_id: 'absent',
      name: 'VAT',
      rates_by_country: {
        AT: 20,
        BE: 21,
        BG: 20,
        HR: 25,
        CY: 19,
        CZ: 21,
        DK: 25,
        EE: 24,
        FI: 25.5,
        FR: 20,
        DE: 19,
        GR: 24,
        HU: 27,
        IE: 23,
        IT: 22,
        LV: 21,
        LT: 21,
        LU: 17,
        MT: 18,
        NL: 21,
        PL: 23,
        PT: 23,
        RO: 21,
        SK: 23,
        SI: 22,
        ES: 21,
        SE: 25,
      },
    },
    {
      id: 'export',
      countries: ['*'],
      name: 'GST',
      treatment: 'zero_rated',
      note: 'Zero-rated: international service (Singapore GST Act, section 21(3)).',
    },
  ],
};
