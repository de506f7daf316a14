// Screening through the API: with no list loaded nothing is approved on its own (and start-up says so); with a list,
// near-certain matches that differ in form (a missing patronymic, words joined, a doubled letter, a plural) are hits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/main.ts';
import { tempDir } from '../helpers/gateway.ts';

const CSL_HEADER =
  '_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids';
const cslRow = (id: string, type: string, name: string) =>
  `${id},Specially Designated Nationals (SDN) - Treasury Department,,${type},TEST,"${name}",,,,,,,,,,,,,,,Invented for tests.,,,,,,,,`;
const list =
  [
    CSL_HEADER,
    cslRow('p1', 'Individual', 'PETROV, Ivan Sergeyevich'),
    cslRow('e1', 'Entity', 'AEROCARIBBEAN AIRLINES'),
  ].join('\n') + '\n';

const application = (over: Record<string, unknown> = {}) => ({
  legal_name: 'Fjord Analytics AS',
  country: 'NO',
  registration_number: 'NO-998877',
  address: '1 Harbour Street, Bergen',
  website: 'https://fjord.example',
  incorporated_on: '2015-03-01',
  ownership: [{ name: 'Founders', country: 'NO', share_pct: 100 }],
  intended_use: 'Customer-support summarisation for our SaaS product',
  expected_monthly_volume_usd: 20000,
  requested_tier: 'verified',
  ...over,
});

let gw: Gateway;
const announced: string[] = [];
const dataDir = tempDir();
const start = () =>
  startGateway({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    adminToken: 'test-admin-token',
    logLevel: 'silent',
    announce: (line) => announced.push(line),
  });
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gw.url}/admin/v1${path}`, {
    method,
    headers: { authorization: 'Bearer test-admin-token', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
};
const apply = async (body: unknown) => {
  const res = await fetch(`${gw.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  gw = await start();
});
afterAll(() => gw.close());

describe('screening with no list loaded', () => {
  it('start-up warns, and a clean self-service applicant waits in review with that reason', async () => {
    expect(announced.some((l) => /No sanctions list loaded/.test(l))).toBe(true);
    const res = await apply(application());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('needs_review');
    const queued = (await admin('GET', '/vetting/queue')).body.data.find(
      (q: { org: { id: string } }) => q.org.id === res.body.org_id,
    );
    expect(queued).toBeDefined();
    const trail = (await admin('GET', `/audit?subject_id=${res.body.org_id}&action=vetting.needs_review`)).body.data;
    expect(trail[0].reason).toMatch(/no sanctions list is loaded/);
  });

  it('an operator creating an organisation is not a self-service application: it starts approved as before', async () => {
    const res = await admin('POST', '/orgs', { name: 'Operator Made Ltd', country: 'DE' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
  });
});

describe('screening with a list loaded', () => {
  it('hits a person without the patronymic and an airline spelt apart, doubled and singular', async () => {
    expect((await admin('POST', '/sanctions/lists', { format: 'csl', csv: list })).status).toBe(200);
    const screen = async (name: string) =>
      (await admin('GET', `/sanctions/screen?name=${encodeURIComponent(name)}`)).body.hits.map(
        (h: { entry_id: string }) => h.entry_id,
      );
    expect(await screen('Ivan Petrov')).toContain('CSL:p1');
    expect(await screen('Aero Carribean Airline S.A.')).toContain('CSL:e1');

    const airline = await apply(application({ legal_name: 'Aero Carribean Airline S.A.', country: 'PA' }));
    expect(airline.body.status).toBe('needs_review');
    const owned = await apply(
      application({
        legal_name: 'Nordlys Consulting AS',
        ownership: [{ name: 'Ivan Petrov', country: 'CY', share_pct: 100 }],
      }),
    );
    expect(owned.body.status).toBe('needs_review');
    const hits = (await admin('GET', `/orgs/${owned.body.org_id}/application`)).body.screening.hits;
    expect(hits[0]).toMatchObject({ entry_id: 'CSL:p1', listed_name: 'PETROV, Ivan Sergeyevich' });

    expect((await apply(application({ legal_name: 'Fjell Robotics AS' }))).body.status).toBe('approved');
  });

  it('start-up no longer warns once a list is loaded', async () => {
    await gw.close();
    announced.length = 0;
    gw = await start();
    expect(announced.some((l) => /No sanctions list loaded/.test(l))).toBe(false);
    expect((await apply(application({ legal_name: 'Fjord Two AS' }))).body.status).toBe('approved');
  });
});
