// Turns an organisation's profile into a distillation score in [0, 1], from independent families of evidence:
// what is asked (content), how it is paced, what is harvested, who else shares the pattern (campaign), and how the
// traffic fits the use the customer declared. No family can flag on its own: the strongest counts 0.3, the
// next 0.4, then 0.2 and 0.1, so a flag (0.5 by default) needs at least two families converging.
import { contradictsOneShotAnswers, declaredKind, type DeclaredKind } from './declared-use.ts';
import { gapSpread, hourEvenness, type OrgProfile } from './profile.ts';

export type EvidenceFamily = 'content' | 'pacing' | 'harvest' | 'mixed_client' | 'campaign' | 'declared_use';

export interface Evidence {
  family: EvidenceFamily;
  /** How strongly the family's behaviour shows, 0..1. */
  strength: number;
  /** What it added to the score. */
  weight: number;
  /** What was observed, in words a reviewer can check. */
  findings: string[];
}

export interface Assessment {
  score: number;
  reasons: string[];
  evidence?: Evidence[];
}

export interface AssessContext {
  /** The use declared at onboarding. */
  declaredUse?: string;
  /** Organisations in the campaign this profile is of (1: one organisation alone). */
  members?: number;
}

/** Weights of the families, strongest first. */
const WEIGHTS = [0.3, 0.4, 0.2, 0.1];
const FAMILY_NAMES: Record<EvidenceFamily, string> = {
  content: 'what is asked',
  pacing: 'how it is paced',
  harvest: 'what is harvested',
  mixed_client: 'a second client inside a product',
  campaign: 'who else shares the pattern',
  declared_use: 'declared use against observed traffic',
};

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const round = (x: number) => Math.round(x * 1000) / 1000;
const anyOf = (...xs: number[]) => 1 - xs.reduce((p, x) => p * (1 - x), 1);

interface Found {
  strength: number;
  findings: string[];
}

export function assess(p: OrgProfile, context: AssessContext = {}): Assessment {
  if (p.requests === 0) return { score: 0, reasons: [], evidence: [] };
  const kind = declaredKind(context.declaredUse);
  const content = contentEvidence(p, kind === 'answers' ? context.declaredUse : undefined);
  const harvest = harvestEvidence(p);
  const found: Array<[EvidenceFamily, Found]> = [
    ['content', content],
    ['pacing', pacingEvidence(p)],
    ['harvest', harvest],
    ['mixed_client', mixedClientEvidence(p)],
    ['campaign', campaignEvidence(p, context.members ?? 1, Math.max(content.raw, harvest.strength))],
    ['declared_use', declaredEvidence(context.declaredUse, kind, content.raw, harvest)],
  ];
  const ranked = found.filter(([, f]) => f.strength > 0.05).sort((a, b) => b[1].strength - a[1].strength);
  const evidence = ranked.map(([family, f], i): Evidence => {
    const weight = round((WEIGHTS[i] ?? 0) * f.strength);
    return { family, strength: round(f.strength), weight, findings: f.findings };
  });
  const score = round(clamp(evidence.reduce((s, e) => s + e.weight, 0)));
  // Families too weak to count list nothing: the reasons are the evidence the score rests on.
  const reasons = evidence
    .filter((e) => e.weight >= 0.02)
    .map((e) => `${FAMILY_NAMES[e.family]} (weight ${e.weight.toFixed(2)}): ${e.findings.join('; ')}`);
  return { score, reasons, evidence };
}

/** One-shot prompts drawing long, unread answers over many subjects, or one template swept over many fillers. */
function contentEvidence(p: OrgProfile, explainedBy: string | undefined): Found & { raw: number } {
  const n = p.requests;
  const findings: string[] = [];
  // Long answers the customer never followed up: people read and ask more, harvesters move on.
  const unfollowed = p.harvest - p.followedUp;
  let coverage = 0;
  if (unfollowed >= 25) {
    const share = unfollowed / n;
    const spread = p.harvestWords.spread();
    const followUpRate = p.followedUp / p.harvest;
    coverage = clamp((share - 0.12) / 0.2) * clamp((spread - 30) / 70) * clamp((unfollowed - 15) / 40);
    // Hidden inside a real product's traffic: a small share, but many unread answers over many subjects.
    if (followUpRate < 0.5) coverage = Math.max(coverage, clamp((unfollowed - 100) / 100) * clamp((spread - 60) / 60));
    if (coverage > 0.05)
      findings.push(
        `${pct(share)} of ${n} requests are one-shot prompts drawing long answers never followed up (${unfollowed}; ${Math.round(p.completionTokens / Math.max(1, p.promptTokens))}x more output than input tokens), over ${spread} distinct topical words; ${pct(followUpRate)} of such answers were followed up`,
      );
  }
  // One template swept over ever-new fillers, one shot each: a sweep, whatever the answers' length.
  let sweep = 0;
  const g = p.generative;
  const singleShare = p.singleTurn / n;
  if (g >= 100 && singleShare >= 0.9) {
    const top = [...p.templates.values()].sort((a, b) => b - a).slice(0, 5);
    const topShare = top.reduce((s, c) => s + c, 0) / g;
    const distinct = 1 - p.repeats / Math.max(1, p.singleTurn);
    sweep =
      0.6 *
      clamp((g - 100) / 400) *
      clamp((g / n - 0.3) / 0.3) *
      clamp((topShare - 0.5) / 0.3) *
      clamp((distinct - 0.8) / 0.15);
    if (sweep > 0.05)
      findings.push(
        `${g} one-shot prompts drew generated answers, ${pct(topShare)} of them from ${top.length} opening templates, ${pct(distinct)} of the prompts never sent before`,
      );
  }
  const raw = Math.max(coverage, sweep);
  // A declared answer engine explains broad one-shot answers (not templated sweeps), when its traffic looks like
  // its users': some answers followed up, popular questions asked again. Those count less.
  const followed = p.harvest > 0 ? p.followedUp / p.harvest : 0;
  const repeated = p.repeats / Math.max(1, p.singleTurn);
  const discounted = explainedBy !== undefined && coverage > 0.05 && (followed >= 0.01 || repeated >= 0.05);
  const strength = discounted ? Math.max(coverage * 0.6, sweep) : raw;
  if (discounted)
    findings.push(
      `the declared use ("${explainedBy.slice(0, 80)}") is an answer product, and ${pct(followed)} of answers followed up, ${pct(repeated)} of questions asked before fit its users: counted at 60%`,
    );
  return { strength, raw, findings };
}

/** Token probabilities, many samples, reasoning and all the output a budget allows: more than a product needs. */
function harvestEvidence(p: OrgProfile): Found & { logprob: number; samples: number } {
  const n = p.requests;
  const findings: string[] = [];
  let logprob = 0;
  if (p.logprobs >= 30) {
    const share = p.logprobs / n;
    const tokens = p.logprobTokens / p.logprobs;
    // A classifier reads the probabilities of one label token; a harvester those of whole answers.
    logprob = clamp((share - 0.1) / 0.3) * clamp((tokens - 20) / 100) * clamp((p.logprobs - 30) / 120);
    if (logprob > 0.05)
      findings.push(
        `${p.logprobs} requests (${pct(share)}) ask for token log-probabilities, on answers of ${Math.round(tokens)} tokens on average`,
      );
  }
  let samples = 0;
  if (p.multiSample >= 20) {
    const share = p.multiSample / n;
    const tokens = p.sampleTokens / p.multiSample;
    samples =
      0.6 *
      clamp((tokens - 100) / 300) *
      Math.max(clamp((share - 0.05) / 0.25) * clamp((p.multiSample - 20) / 80), clamp((p.sampleTokens - 1e5) / 4e5));
    if (samples > 0.05)
      findings.push(
        `${p.multiSample} requests (${pct(share)}) ask for several samples of one prompt, ${Math.round(p.sampleTokens / 1000)}k tokens in all`,
      );
  }
  const reasoningShare = p.reasoning / n;
  const reasoning = 0.4 * clamp((reasoningShare - 0.3) / 0.4);
  if (reasoning > 0.05)
    findings.push(`${pct(reasoningShare)} of requests go to reasoning models or ask for more reasoning`);
  const maxShare = p.maxLength / n;
  const maxLength = 0.5 * Math.max(clamp((maxShare - 0.1) / 0.4), clamp((p.maxLength - 50) / 200));
  if (maxLength > 0.05)
    findings.push(
      `${p.maxLength} answers (${pct(maxShare)}) were cut at their budget after 2,000 tokens or given 16,000 tokens or more`,
    );
  return { strength: anyOf(logprob, samples, reasoning, maxLength), findings, logprob, samples };
}

/** Requests at a timer's regular intervals, or around the clock at a steady rate. */
function pacingEvidence(p: OrgProfile): Found {
  const findings: string[] = [];
  const spreads = [p.gaps, p.harvestGaps].filter((g) => g[0]! >= 50).map(gapSpread);
  const spread = spreads.length ? Math.min(...spreads) : Infinity;
  const regular = clamp((0.8 - spread) / 0.5);
  if (regular > 0.05)
    findings.push(
      `requests arrive at regular intervals, like a timer (spread of log inter-arrival times ${spread.toFixed(2)}; independent people give about 1.3)`,
    );
  const hours = p.harvest >= 100 ? p.harvestHours : p.requests >= 200 ? p.hours : undefined;
  const evenness = hours ? hourEvenness(hours) : 0;
  const clock = 0.3 * clamp((evenness - 0.93) / 0.05);
  if (clock > 0.05)
    findings.push(`requests arrive around the clock at a steady rate (evenness ${evenness.toFixed(2)})`);
  return { strength: Math.max(regular, clock), findings };
}

/**
 * Long one-shot answers asked without the system prompt the account's product sends with its other traffic: a
 * product sends its own instructions every time, a harvesting script hidden in its account does not.
 */
function mixedClientEvidence(p: OrgProfile): Found {
  let others = 0;
  for (const c of p.otherSystems.values()) others += c;
  let harvested = 0;
  let foreign = 0;
  for (const [key, c] of p.harvestSystems) {
    harvested += c;
    if (!p.otherSystems.has(key)) foreign += c;
  }
  if (others < 200 || harvested < 100) return { strength: 0, findings: [] };
  const share = foreign / harvested;
  const strength = clamp((share - 0.5) / 0.4) * clamp((others - 200) / 300);
  return {
    strength,
    findings:
      strength > 0.05
        ? [
            `${foreign} long one-shot answers (${pct(share)}) were asked without any system prompt the account's other ${others} requests use`,
          ]
        : [],
  };
}

/** Linked accounts sharing harvest-like behaviour (linked accounts doing something else are just a company's). */
function campaignEvidence(p: OrgProfile, members: number, harvestLike: number): Found {
  // Two accounts behind one address under one name are as often one company's as a campaign's.
  const strength = clamp((members - 2) / 3) * clamp(harvestLike / 0.5);
  if (strength === 0) return { strength: 0, findings: [] };
  return {
    strength,
    findings: [
      `${members} organisations sharing client addresses and registered recently or under similar names, ${p.requests} requests together`,
    ],
  };
}

/**
 * Traffic the declared product does not send: long generated answers from a product that labels, transforms or
 * converses; token probabilities of whole answers, or several samples of each (but variants of copy), from any.
 */
function declaredEvidence(
  declared: string | undefined,
  kind: DeclaredKind | undefined,
  content: number,
  harvest: { logprob: number; samples: number },
): Found {
  if (!declared) return { strength: 0, findings: [] };
  const answers = contradictsOneShotAnswers(kind) ? content : 0;
  const harvested = Math.max(harvest.logprob, kind === 'writing' ? 0 : harvest.samples / 0.6);
  const observed = Math.max(answers, harvested);
  if (observed < 0.3) return { strength: 0, findings: [] };
  const what = answers >= harvested ? 'the long generated answers' : 'the token probabilities or repeated samples';
  return {
    strength: 0.8 * observed,
    findings: [`declared "${declared.slice(0, 80)}", a product that does not need ${what} observed`],
  };
}
