// Turns an organisation's profile into a distillation score in [0, 1] with reasons a reviewer can act on.
import { hourEvenness, type OrgProfile } from './profile.ts';

export interface Assessment {
  score: number;
  reasons: string[];
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function assess(p: OrgProfile): Assessment {
  const reasons: string[] = [];
  const n = p.requests;
  if (n === 0) return { score: 0, reasons };
  // Long answers the customer never followed up: people read and ask more, harvesters move on.
  const unfollowed = p.harvest - p.followedUp;
  const harvestShare = unfollowed / n;
  const spread = p.harvestWords.spread();
  const templates = [...p.templates.values()].sort((a, b) => b - a);
  const topTemplates = templates.slice(0, 5).reduce((s, c) => s + c, 0) / Math.max(1, p.harvest);

  // One-shot prompts that draw long answers, ranging over many subjects: collecting outputs, not using a product.
  let harvesting = 0;
  if (unfollowed >= 25) {
    const followUpRate = p.followedUp / p.harvest;
    harvesting = clamp((harvestShare - 0.12) / 0.2) * clamp((spread - 30) / 70) * clamp((unfollowed - 15) / 40);
    // Hidden inside a real product's traffic: a small share, but many unread answers over many subjects,
    // in an account whose long answers are mostly not followed up.
    if (followUpRate < 0.5)
      harvesting = Math.max(harvesting, clamp((unfollowed - 100) / 100) * clamp((spread - 60) / 60));
    if (harvesting > 0.2) {
      reasons.push(
        `${pct(harvestShare)} of ${n} requests are short prompts drawing long answers that were never followed up (${unfollowed} such requests, ${Math.round(p.completionTokens / Math.max(1, p.promptTokens))}x more output than input tokens overall)`,
        `those prompts range over ${spread} distinct topical words${topTemplates > 0.5 ? `, ${pct(topTemplates)} of them from ${Math.min(5, templates.length)} opening templates` : ''}`,
        `only ${pct(followUpRate)} of those answers were followed up in the same conversation`,
      );
    }
  }

  // Token probabilities requested at scale over varied prompts.
  let logprob = 0;
  const logprobShare = p.logprobs / n;
  if (p.logprobs >= 20 && logprobShare >= 0.15) {
    const lpSpread = p.logprobWords.spread();
    logprob = clamp((logprobShare - 0.1) / 0.3) * clamp((lpSpread - 20) / 50);
    if (logprob > 0.2)
      reasons.push(
        `${pct(logprobShare)} of requests ask for token log-probabilities, over ${lpSpread} distinct topical words`,
      );
  }

  let score = Math.max(harvesting, logprob);
  if (score > 0) {
    // Corroborating signs of automation and of wanting the model's reasoning itself.
    const reasoningShare = p.reasoning / n;
    const multiShare = p.multiSample / n;
    const evenness = p.harvest >= 100 ? hourEvenness(p.harvestHours) : 0;
    let boost = 0;
    if (reasoningShare > 0.5) {
      boost += 0.15;
      reasons.push(`${pct(reasoningShare)} of requests go to reasoning models or ask for more reasoning`);
    }
    if (multiShare > 0.05) {
      boost += 0.1;
      reasons.push(`${pct(multiShare)} of requests ask for several samples per prompt`);
    }
    if (evenness > 0.96) {
      boost += 0.1;
      reasons.push('requests arrive around the clock at a steady rate, like a script');
    }
    score = clamp(score * (1 + boost) + boost / 2);
  }
  return { score: Math.round(score * 1000) / 1000, reasons };
}
