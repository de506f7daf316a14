// The evidence report on one organisation that a vendor ingests: its documented format, the customer as the
// vendor knows it upstream, addresses as keyed hashes, no internal ids or text, and every report on the record.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distillationReportSchema, REPORT_FORMAT } from '../../src/abuse/report.ts';
import { harvestPrompt, SUBJECTS, surfaceClients } from '../helpers/harvest.ts';
import { startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { abuseTestConfig } from '../helpers/abuse-config.ts';
import { tokenFor } from '../helpers/principals.ts';

const run = promisify(execFile);
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ config: abuseTestConfig(['chat-model', 'reasoning-model']) });
});
afterAll(() => gw.close());

const harvest = async (key: string, address: string, requests: number) => {
  const send = surfaceClients(gw.url, key, address, (k) => gw.client(k)).chat;
  for (let i = 0; i < requests; i++) await send(harvestPrompt(i), 'reasoning-model');
};
const report = async (orgId: string, query = '') =>
  fetch(`${gw.url}/admin/v1/abuse/orgs/${orgId}/report${query}`, {
    headers: { authorization: `Bearer ${await tokenFor(gw, 'compliance@reseller.example')}` },
  });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('distillation evidence report', () => {
  it('describes one organisation in the documented format, pseudonymous, and is audited', async () => {
    const { orgId, keyId } = await gw.newOrgKey({ name: 'Lone Harvester GmbH', country: 'DE' }).then(async (o) => {
      await harvest(o.key, '203.0.113.5', 60);
      return o;
    });
    const res = await report(orgId, '?recipient=openai');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(res.headers.get('x-conduit-report-sha256')).toBe(sha256(text));
    const body = distillationReportSchema.parse(JSON.parse(text));
    expect(body).toMatchObject({
      format: REPORT_FORMAT,
      recipient: 'openai',
      // As the vendor knows the customer: the pseudonym sent upstream with every request (safety_identifier).
      subject: { customer: gw.provenance.customerPseudonym(orgId), country: 'DE' },
      assessment: { flagged: true, action: 'flag' },
      activity: { requests: 60, single_turn_requests: 60, long_answers_unfollowed: 60, api_keys: 1 },
      campaign: null,
    });
    // Flagged on converging evidence, each family with the weight it had: what is asked, and what is harvested.
    expect(body.assessment.score).toBeGreaterThanOrEqual(0.5);
    expect(body.assessment.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^what is asked \(weight 0\.\d\d\): /),
        expect.stringMatching(/^what is harvested \(weight 0\.\d\d\): .*reasoning models.*16,000 tokens/),
      ]),
    );
    expect(body.alerts).toEqual([expect.objectContaining({ action: 'flag' })]);
    expect(body.activity.client_addresses).toEqual([
      { address: expect.stringMatching(/^adr_[A-Za-z0-9_-]{22}$/), organisations: 1 },
    ]);
    // No internal id, no address, no prompt text.
    for (const leak of [orgId, keyId, 'org_', 'key_', 'campaign_', '203.0.113.5', SUBJECTS[0]!, 'comprehensive'])
      expect(text).not.toContain(leak);

    // A second report is a new report (its own id) on the same evidence (the same address hash).
    const again = distillationReportSchema.parse(await (await report(orgId)).json());
    expect(again.report_id).not.toBe(body.report_id);
    expect(again.activity.client_addresses).toEqual(body.activity.client_addresses);

    // Who sent which report, on whom, when: in the audit log, with the report's hash.
    const trail = (await gw.admin('GET', `/audit?subject_id=${orgId}&action=abuse.report`)).body.data as Array<{
      actor: string;
      ts: string;
      data: Record<string, unknown>;
    }>;
    expect(trail).toHaveLength(2);
    expect(trail.at(-1)).toMatchObject({
      actor: 'compliance@reseller.example',
      data: { format: REPORT_FORMAT, report_id: body.report_id, sha256: sha256(text), recipient: 'openai' },
    });
  });

  it('names a campaign and its members as the vendor knows them', async () => {
    const members = [
      await gw.newOrgKey({ name: 'Delta Data 1', country: 'US' }),
      await gw.newOrgKey({ name: 'Delta Data 2', country: 'US' }),
    ];
    for (const m of members) await harvest(m.key, '198.51.100.20', 30);
    const body = distillationReportSchema.parse(await (await report(members[0]!.orgId)).json());
    expect(body.campaign).toEqual({
      id: expect.stringMatching(/^cmp_/),
      members: 2,
      member_customers: expect.arrayContaining(members.map((m) => gw.provenance.customerPseudonym(m.orgId))),
    });
    expect(body.activity.client_addresses).toEqual([{ address: expect.stringMatching(/^adr_/), organisations: 2 }]);
    const other = distillationReportSchema.parse(await (await report(members[1]!.orgId)).json());
    expect(other.campaign!.id).toBe(body.campaign!.id);
  });

  it('says why there is no report', async () => {
    const quiet = await gw.newOrgKey();
    const none = await report(quiet.orgId);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: unknown }).error).toMatchObject({
      code: 'no_distillation_evidence',
      param: 'id',
    });
    expect((await report('org_nope')).status).toBe(404);
    expect((await report(quiet.orgId, `?recipient=${'x'.repeat(201)}`)).status).toBe(400);
  });

  it('publishes its format as JSON Schema', async () => {
    const { status, body } = await gw.admin('GET', '/abuse/report-schema');
    expect(status).toBe(200);
    expect(body.$id).toBe('urn:conduit:conduit-distillation-report:1');
    expect(body.properties.format.const).toBe(REPORT_FORMAT);
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual([
      'format',
      'report_id',
      'generated_at',
      'recipient',
      'subject',
      'assessment',
      'activity',
      'campaign',
      'alerts',
    ]);
  });

  it('conduit abuse report writes the report whose hash the audit log holds', async () => {
    const { orgId, key } = await gw.newOrgKey({ name: 'Cli Harvest', country: 'FR' });
    await harvest(key, '203.0.113.6', 30);
    const out = join(tempDir(), 'report.json');
    const cli = await run('node', [
      'bin/conduit.mjs',
      'abuse',
      'report',
      orgId,
      '--recipient',
      'anthropic',
      '--out',
      out,
      '--url',
      gw.url,
      '--token',
      gw.adminToken,
    ]);
    const text = readFileSync(out, 'utf8');
    expect(distillationReportSchema.parse(JSON.parse(text)).recipient).toBe('anthropic');
    const trail = (await gw.admin('GET', `/audit?subject_id=${orgId}&action=abuse.report`)).body.data as Array<{
      data: { sha256: string };
    }>;
    expect(trail[0]!.data.sha256).toBe(sha256(text));
    expect(cli.stderr).toContain(`sha256 ${sha256(text)}`);
  });
});
