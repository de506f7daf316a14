// The evidence report on one organisation that a reseller sends a model vendor (vendors require their resellers
// to watch for distillation and tell them). A versioned, documented format (REPORT_FORMAT, the zod schema below,
// served as JSON Schema): the customer as the vendor already knows it upstream (its pseudonym, the
// safety_identifier), client addresses as keyed hashes, no internal ids, no prompt or completion text.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Org } from '../store/ports.ts';
import type { Verdict } from './detector.ts';
import type { AbuseConfig, EnforcementAction } from './enforcement.ts';
import type { OrgProfile } from './profile.ts';

export const REPORT_FORMAT = 'conduit-distillation-report/1';

const isoTime = z.string().describe('ISO 8601 time, UTC');
const count = z.number().int().min(0);
const action = z.enum(['none', 'flag', 'throttle', 'require_revetting', 'suspend']);

export const distillationReportSchema = z
  .object({
    format: z.literal(REPORT_FORMAT),
    report_id: z
      .string()
      .regex(/^rpt_[A-Za-z0-9_-]{22}$/)
      .describe('Unique per report: a vendor can tell a resent report from a new one'),
    generated_at: isoTime,
    recipient: z.string().nullable().describe('Who the report is for (a vendor), as the operator named it'),
    subject: z
      .object({
        customer: z
          .string()
          .describe(
            'The customer pseudonym the vendor receives upstream with every request (OpenAI safety_identifier, Anthropic metadata.user_id)',
          ),
        country: z.string().length(2).describe('Country of incorporation (ISO 3166-1 alpha-2)'),
        registered_on: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .describe('When the customer registered (UTC date)'),
      })
      .strict(),
    assessment: z
      .object({
        score: z.number().min(0).max(1).describe('Distillation score: 0 none, 1 certain'),
        flagged: z.boolean(),
        first_flagged_at: isoTime.nullable().describe('Time of the request after which the customer was first flagged'),
        reasons: z.array(z.string()).describe('What the score rests on, in words a reviewer can check'),
        action: action.describe('The strongest action taken so far'),
        thresholds: z.object({ flag: z.number(), throttle: z.number(), suspend: z.number() }).strict(),
      })
      .strict(),
    activity: z
      .object({
        first_seen: isoTime.nullable(),
        last_seen: isoTime.nullable(),
        requests: count,
        prompt_tokens: count,
        completion_tokens: count,
        single_turn_requests: count.describe('Requests with no earlier answer in them: prompts, not conversations'),
        long_answers_unfollowed: count.describe(
          'Long answers to prompts that opened a conversation and were never followed up',
        ),
        long_answers_followed_up: count,
        logprob_requests: count.describe('Requests for token log-probabilities'),
        multi_sample_requests: count.describe('Requests for several samples of one prompt'),
        reasoning_requests: count.describe('Requests to reasoning models or for more reasoning'),
        distinct_topical_words: count.describe('Distinct rare words over the harvested prompts: how widely they range'),
        api_keys: count.describe('API keys used (at most 64 counted)'),
        hourly_requests_utc: z.array(count).length(24),
        top_templates: z.array(
          z
            .object({
              sketch: z
                .string()
                .regex(/^[0-9a-f]{1,8}$/)
                .describe("Hash of a prompt's opening words, digits masked"),
              requests: count,
            })
            .strict(),
        ),
        client_addresses: z.array(
          z
            .object({
              address: z.string().regex(/^adr_/).describe('Keyed hash of the client address (stable across reports)'),
              organisations: z.number().int().min(1).describe('Customers seen behind the address (counted up to 50)'),
            })
            .strict(),
        ),
      })
      .strict(),
    campaign: z
      .object({
        id: z.string().regex(/^cmp_/).describe('Keyed hash naming the campaign (stable across reports)'),
        members: z.number().int().min(2),
        member_customers: z.array(z.string()).describe('The members as the vendor knows them upstream'),
      })
      .strict()
      .nullable()
      .describe('Accounts linked by shared client addresses and recent or similar registrations'),
    alerts: z
      .array(z.object({ at: isoTime, action, score: z.number().min(0).max(1) }).strict())
      .describe('Each graded action as the detector took it'),
  })
  .strict()
  .describe(`Distillation evidence on one customer (${REPORT_FORMAT})`);

export type DistillationReport = z.infer<typeof distillationReportSchema>;

export interface ReportInput {
  org: Org;
  verdict: Verdict;
  profile: OrgProfile;
  addresses: Array<{ address: string; organisations: number }>;
  action: EnforcementAction;
  alerts: Array<{ at: string; action: EnforcementAction; score: number }>;
  config: AbuseConfig;
  /** The campaign's members and its pseudonym, when the organisation is in one. */
  campaign: { id: string; members: string[] } | null;
  /** The customer pseudonym sent upstream. */
  customerOf: (orgId: string) => string;
  recipient: string | null;
}

export function buildReport(input: ReportInput): DistillationReport {
  const { org, verdict, profile: p, config } = input;
  const iso = (ms: number) => (p.requests > 0 ? new Date(ms).toISOString() : null);
  return {
    format: REPORT_FORMAT,
    report_id: `rpt_${randomBytes(16).toString('base64url').slice(0, 22)}`,
    generated_at: new Date().toISOString(),
    recipient: input.recipient,
    subject: { customer: input.customerOf(org.id), country: org.country, registered_on: org.created_at.slice(0, 10) },
    assessment: {
      score: verdict.score,
      flagged: verdict.flagged,
      first_flagged_at: verdict.first_flagged_at,
      reasons: verdict.reasons,
      action: input.action,
      thresholds: {
        flag: config.flag_threshold,
        throttle: config.throttle_threshold,
        suspend: config.suspend_threshold,
      },
    },
    activity: {
      first_seen: iso(p.firstTs),
      last_seen: iso(p.lastTs),
      requests: p.requests,
      prompt_tokens: p.promptTokens,
      completion_tokens: p.completionTokens,
      single_turn_requests: p.singleTurn,
      long_answers_unfollowed: Math.max(0, p.harvest - p.followedUp),
      long_answers_followed_up: p.followedUp,
      logprob_requests: p.logprobs,
      multi_sample_requests: p.multiSample,
      reasoning_requests: p.reasoning,
      distinct_topical_words: p.harvestWords.spread(),
      api_keys: p.keys.size,
      hourly_requests_utc: Array.from(p.hours),
      top_templates: p.topTemplates(),
      client_addresses: input.addresses,
    },
    campaign: input.campaign
      ? {
          id: input.campaign.id,
          members: input.campaign.members.length,
          member_customers: input.campaign.members.map(input.customerOf),
        }
      : null,
    alerts: input.alerts.map((a) => ({ at: a.at, action: a.action, score: a.score })),
  };
}
