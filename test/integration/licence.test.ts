// Issue 24: a hit on an export-control list that calls for a licence (BIS Entity List, part of the Consolidated
// Screening List) needs a licence decision on record before the customer can be approved: approve/reject is not enough.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  const csv = readFileSync(new URL('../fixtures/sanctions/consolidated.csv', import.meta.url), 'utf8');
  expect((await gw.admin('POST', '/sanctions/lists', { format: 'csl', csv })).status).toBe(200);
});
afterAll(() => gw.close());

const application = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Quantum Vektor Semiconductor Pte Ltd',
  country: 'SG',
  registration_number: 'SG-201912345K',
  address: '1 Science Park Road, Singapore',
  incorporated_on: '2011-03-01',
  intended_use: 'Technical documentation search for our engineers',
  expected_monthly_volume_usd: 8000,
  ...over,
});
const apply = async (body: unknown) => {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { org_id: string; status: string };
};
const licence = (id: string, body: unknown) => gw.admin('POST', `/applications/${id}/licence`, body);

describe('licence decisions on Entity List hits', () => {
  it('hold the approval until a licence decision is recorded, and a denial holds it for good', async () => {
    const res = await apply(application());
    expect(res.status).toBe('needs_review');
    const record = (await gw.admin('GET', `/orgs/${res.org_id}/application`)).body;
    expect(record.screening.hits[0]).toMatchObject({
      entry_id: 'CSL:f1',
      license_requirement: 'For all items subject to the EAR',
      license_policy: 'Presumption of denial',
    });
    const review = (await gw.admin('GET', `/audit?subject_id=${res.org_id}&action=vetting.needs_review`)).body.data[0];
    expect(review.reason).toMatch(/licence decision needed/);

    const early = await gw.admin('POST', `/orgs/${res.org_id}/approve`, { reason: 'looks fine' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('licence_decision_required');

    const noReference = await licence(res.org_id, { decision: 'granted', reason: 'licence issued' });
    expect(noReference.status).toBe(400);
    expect(noReference.body.error.param).toBe('reference');
    expect((await licence(res.org_id, { decision: 'maybe', reason: 'unsure' })).body.error.param).toBe('decision');

    const denied = await licence(res.org_id, {
      decision: 'denied',
      reference: 'BIS-D-2026-17',
      reason: 'application for a licence denied: presumption of denial',
    });
    expect(denied.status).toBe(201);
    expect(denied.body).toMatchObject({
      decision: 'denied',
      reference: 'BIS-D-2026-17',
      entry_ids: ['CSL:f1'],
      actor: 'admin',
    });
    const refused = await gw.admin('POST', `/orgs/${res.org_id}/approve`, { reason: 'looks fine' });
    expect(refused.body.error.code).toBe('licence_denied');

    const granted = await licence(res.org_id, {
      decision: 'granted',
      reference: 'D1234567',
      reason: 'BIS licence for the items this service exports',
    });
    expect(granted.status).toBe(201);
    const approved = await gw.admin('POST', `/orgs/${res.org_id}/approve`, { reason: 'licence on file' });
    expect(approved.body.status).toBe('approved');
    const trail = (await gw.admin('GET', `/audit?subject_id=${res.org_id}`)).body.data as Array<{
      action: string;
      data: Record<string, any>;
    }>;
    expect(trail.filter((e) => e.action === 'vetting.licence_decision').map((e) => e.data.decision)).toEqual([
      'granted',
      'denied',
    ]);
    expect(trail.find((e) => e.action === 'vetting.approved')!.data.licence).toMatchObject({
      decision: 'granted',
      reference: 'D1234567',
    });
  });

  it('an operator-created organisation needs one too; not_required needs no reference', async () => {
    const made = await gw.admin('POST', '/orgs', { name: 'QVS Microelectronics', country: 'MY', tier: 'verified' });
    expect(made.body.status).toBe('needs_review');
    expect((await gw.admin('POST', `/orgs/${made.body.id}/approve`, { reason: 'fine' })).body.error.code).toBe(
      'licence_decision_required',
    );
    expect(
      (
        await licence(made.body.id, {
          decision: 'not_required',
          reason: 'the service exports only EAR99 software to them',
        })
      ).status,
    ).toBe(201);
    expect((await gw.admin('POST', `/orgs/${made.body.id}/approve`, { reason: 'no licence needed' })).body.status).toBe(
      'approved',
    );
  });

  it('is refused where there is no export-control hit, and for unknown applications', async () => {
    const other = await apply(application({ legal_name: 'Helios Aerospace Components Ltd', country: 'GB' }));
    expect(other.status).toBe('needs_review');
    const res = await licence(other.org_id, { decision: 'granted', reference: 'X', reason: 'not applicable here' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_export_control_hit');
    expect((await licence('org_nope', { decision: 'not_required', reason: 'nothing' })).status).toBe(404);
  });
});
