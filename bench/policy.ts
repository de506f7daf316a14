// `npm run bench:policy`: cost of one policy evaluation with the demo rules (compiled predicates).
import { demoConfig } from '../src/config/demo.ts';
import { PolicyEngine, type Subject } from '../src/policy/engine.ts';

const engine = new PolicyEngine(demoConfig().policy, 1);
const subjects: Subject[] = [
  {
    org: { id: 'a', country: 'CN', tier: 'verified', ownership: null },
    vendor: 'openai',
    model: 'gpt-4o',
    region: { id: 'sg', country: 'SG' },
    features: new Set(),
  },
  {
    org: {
      id: 'b',
      country: 'HK',
      tier: 'verified',
      ownership: [{ name: 'P', country: 'HK', share_pct: 60, owners: [{ name: 'Q', country: 'CN', share_pct: 100 }] }],
    },
    vendor: 'anthropic',
    model: 'claude-sonnet-4',
    region: { id: 'eu-west', country: 'IE' },
    features: new Set(['streaming']),
  },
  {
    org: { id: 'c', country: 'DE', tier: 'trial', ownership: null },
    vendor: 'deepseek',
    model: 'deepseek-chat',
    region: { id: 'eu-west', country: 'IE' },
    features: new Set(['logprobs']),
  },
];
const N = 1_000_000;
for (let i = 0; i < 100_000; i++) engine.evaluate(subjects[i % 3]!);
const t0 = performance.now();
let allowed = 0;
for (let i = 0; i < N; i++) if (engine.evaluate(subjects[i % 3]!).allowed) allowed++;
const us = ((performance.now() - t0) * 1000) / N;
console.log(
  `${engine.config.rules.length} rules: ${us.toFixed(3)} µs per evaluation (median request evaluates one per candidate deployment); ${allowed} allowed of ${N}`,
);
