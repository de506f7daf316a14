// Issue 24: know-your-business depth. Beneficial owners and directors are screened as people (a listed person's date
// of birth compared where both are known), a politically exposed person calls for enhanced due diligence, and
// document references are kept with the application.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { tokenFor } from '../helpers/principals.ts';

const CSL_HEADER =
  '_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids';
const person = (id: string, name: string, dob: string) =>
  `${id},Specially Designated Nationals (SDN) - Treasury Department,,Individual,TEST,"${name}",,,,,,,,,,,,,,,Invented person for tests.,,,,${dob},,,,`;
const LIST =
  [
    CSL_HEADER,
    person('p1', 'VOLKOV, Dmitri Andreyevich', '1965-09-22'),
    person('p2', 'MARCHETTI, Lorenzo', '1971'),
  ].join('\n') + '\n';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  expect((await gw.admin('POST', '/sanctions/lists', { format: 'csl', csv: LIST })).status).toBe(200);
});
afterAll(() => gw.close());

const application = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Lakeside Software Oy',
  country: 'FI',
  registration_number: 'FI-2345678',
  address: '1 Lake Road, Tampere',
  incorporated_on: '2014-06-01',
  ownership: [{ name: 'Lakeside Holding Oy', country: 'FI', share_pct: 100 }],
  intended_use: 'Code review assistance for our engineers',
  expected_monthly_volume_usd: 3000,
  beneficial_owners: [{ name: 'Aino Virtanen', date_of_birth: '1980-04-02', nationality: 'FI', ownership_pct: 100 }],
  directors: [{ name: 'Mikko Laine', role: 'CEO' }],
  documents: [
    {
      kind: 'register_extract',
      reference: 'PRH-2345678-2026-01',
      issuer: 'Finnish Patent and Registration Office',
      issued_on: '2026-01-10',
    },
  ],
  ...over,
});
const apply = async (body: unknown) => {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const decide = async (orgId: string, verb: string, body: unknown, actor: string) => {
  const res = await fetch(`${gw.url}/admin/v1/orgs/${orgId}/${verb}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(gw, actor)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe('beneficial owners, directors and documents', () => {
  it('keeps them with the application and approves a clean applicant', async () => {
    const res = await apply(application());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
    const record = (await gw.admin('GET', `/orgs/${res.body.org_id}/application`)).body;
    expect(record.data.beneficial_owners[0]).toMatchObject({
      name: 'Aino Virtanen',
      date_of_birth: '1980-04-02',
      pep: false,
    });
    expect(record.data.documents[0]).toMatchObject({ kind: 'register_extract', reference: 'PRH-2345678-2026-01' });
    expect(record.screening.names_screened).toBe(4);
    const approved = (await gw.admin('GET', `/audit?subject_id=${res.body.org_id}&action=vetting.approved`)).body
      .data[0];
    expect(approved.data.checks.declarations).toEqual({
      beneficial_owners: 1,
      directors: 1,
      documents: ['register_extract'],
      politically_exposed: [],
    });
  });

  it('screens them as people, saying whether a listed date of birth agrees, never storing theirs with the hit', async () => {
    const res = await apply(
      application({
        legal_name: 'Northwind Analytics Oy',
        beneficial_owners: [
          { name: 'Dmitri Volkov', date_of_birth: '1965-09-22', ownership_pct: 60 },
          { name: 'Lorenzo Marchetti', date_of_birth: '1990-01-01', ownership_pct: 40 },
        ],
      }),
    );
    expect(res.body.status).toBe('needs_review');
    const hits = (await gw.admin('GET', `/orgs/${res.body.org_id}/application`)).body.screening.hits as Array<
      Record<string, any>
    >;
    expect(hits.find((h) => h.entry_id === 'CSL:p1')).toMatchObject({
      subject: { name: 'Dmitri Volkov', role: 'beneficial_owner' },
      date_of_birth_check: 'consistent',
    });
    expect(hits.find((h) => h.entry_id === 'CSL:p2')).toMatchObject({
      subject: { name: 'Lorenzo Marchetti', role: 'beneficial_owner' },
      date_of_birth_check: 'differs',
    });
    expect(JSON.stringify(hits.map((h) => h.subject))).not.toMatch(/1965|1990/);
    const director = await apply(
      application({ legal_name: 'Southwind Analytics Oy', directors: [{ name: 'Lorenzo Marchetti' }] }),
    );
    expect(director.body.status).toBe('needs_review');
  });

  it('sends a politically exposed person to enhanced due diligence: two different approvers', async () => {
    const res = await apply(
      application({
        legal_name: 'Capitol Advisory Oy',
        directors: [{ name: 'Helena Korhonen', pep: true, pep_details: 'member of parliament until 2024' }],
      }),
    );
    expect(res.body.status).toBe('needs_review');
    const review = (await gw.admin('GET', `/audit?subject_id=${res.body.org_id}&action=vetting.needs_review`)).body
      .data[0];
    expect(review.reason).toMatch(
      /enhanced due diligence required: Helena Korhonen \(director\) is a politically exposed person: member of parliament until 2024/,
    );
    expect((await decide(res.body.org_id, 'approve', { reason: 'source of funds checked' }, 'alice')).body.status).toBe(
      'needs_review',
    );
    expect((await decide(res.body.org_id, 'approve', { reason: 'again' }, 'alice')).body.error.code).toBe(
      'second_approver_required',
    );
    expect((await decide(res.body.org_id, 'approve', { reason: 'confirmed' }, 'bob')).body.status).toBe('approved');
  });

  it('screens the people an operator declares too', async () => {
    const res = await gw.admin('POST', '/orgs', {
      name: 'Operator Known Oy',
      country: 'FI',
      tier: 'verified',
      beneficial_owners: [{ name: 'Dmitri Volkov' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('needs_review');
  });

  it('rejects impossible declarations precisely', async () => {
    const future = await apply(
      application({ beneficial_owners: [{ name: 'Not Born Yet', date_of_birth: '2999-01-01' }] }),
    );
    expect(future.status).toBe(400);
    expect(future.body.error.param).toBe('beneficial_owners[0].date_of_birth');
    const kind = await apply(application({ documents: [{ kind: 'napkin', reference: 'x' }] }));
    expect(kind.body.error.param).toBe('documents[0].kind');
    const shares = await apply(
      application({
        beneficial_owners: [
          { name: 'A Person', ownership_pct: 70 },
          { name: 'B Person', ownership_pct: 40 },
        ],
      }),
    );
    expect(shares.body.error.param).toBe('beneficial_owners');
  });
});
