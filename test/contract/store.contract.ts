// One contract for every Store implementation (SQLite, PostgreSQL): each runner opens its store and calls
// storeContract, so the implementations cannot drift apart (Hono runs one suite against every router likewise).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, GENESIS, verifyChain } from '../../src/audit/chain.ts';
import { usageEvent } from '../helpers/usage-event.ts';
import type {
  ApiKeyRecord,
  AuditRecord,
  IssuedDocument,
  Org,
  RegisteredOutput,
  Store,
  UsageEvent,
} from '../../src/store/ports.ts';

export interface ContractTarget {
  store: Store;
  /** Closes the store and removes what it created. */
  dispose(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

const org = (over: Partial<Org> = {}): Org => ({
  id: id('org'),
  name: 'Acme Ltd',
  country: 'DE',
  tier: 'verified',
  status: 'approved',
  created_at: '2026-12-01T00:00:00.000Z',
  routing: null,
  ownership: null,
  pricing: null,
  limits: null,
  enforcement: null,
  disclosure: null,
  preferences: null,
  contract: null,
  prompt_logging: null,
  ...over,
});

const event = (over: Partial<UsageEvent> = {}): UsageEvent => usageEvent(id('req'), over);

export function storeContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`Store contract: ${name}`, () => {
    let target: ContractTarget;
    let store: Store;
    beforeAll(async () => {
      target = await open();
      store = target.store;
    });
    afterAll(async () => {
      await target?.dispose();
    });

    it('organisations: created, read, listed and patched, JSON settings whole', async () => {
      const a = org({ name: 'Zeta GmbH', routing: { allowed_regions: ['us-east'] }, ownership: null });
      await store.orgs.createOrg(a);
      expect(await store.orgs.getOrg(a.id)).toEqual(a);
      expect(await store.orgs.getOrg(id('missing'))).toBeUndefined();
      const limits = { budget: { monthly_micros: 5_000_000_000_000, hard: true }, requests_per_minute: 60 };
      const patched = await store.orgs.updateOrg(a.id, { status: 'suspended', limits, enforcement: null });
      expect(patched).toEqual({ ...a, status: 'suspended', limits });
      expect((await store.orgs.listOrgs()).map((o) => o.id)).toContain(a.id);
      expect(await store.orgs.updateOrg(id('missing'), { name: 'x' })).toBeUndefined();
    });

    it('API keys: found by hash, listed by organisation, revoked once, with their own settings', async () => {
      const a = org();
      const b = org();
      await store.orgs.createOrg(a);
      await store.orgs.createOrg(b);
      const key = (orgId: string, created: string): ApiKeyRecord => ({
        id: id('key'),
        org_id: orgId,
        name: 'ci',
        prefix: 'cdk-1234',
        hash: randomUUID(),
        created_at: created,
        revoked_at: null,
        routing: null,
        limits: null,
      });
      const k1 = key(a.id, '2026-12-01T00:00:00.000Z');
      const k2 = key(a.id, '2026-12-02T00:00:00.000Z');
      const other = key(b.id, '2026-12-01T00:00:00.000Z');
      for (const k of [k2, k1, other]) await store.keys.createKey(k);
      expect(await store.keys.findKeyByHash(k1.hash)).toEqual(k1);
      expect((await store.keys.listKeys(a.id)).map((k) => k.id)).toEqual([k1.id, k2.id]);
      // Another organisation's key is out of reach, whatever the id.
      expect(await store.keys.revokeKey(a.id, other.id, '2026-12-03T00:00:00.000Z')).toBeUndefined();
      expect((await store.keys.revokeKey(a.id, k1.id, '2026-12-03T00:00:00.000Z'))?.revoked_at).toBe(
        '2026-12-03T00:00:00.000Z',
      );
      // Revoking again keeps the first time.
      expect((await store.keys.revokeKey(a.id, k1.id, '2026-12-04T00:00:00.000Z'))?.revoked_at).toBe(
        '2026-12-03T00:00:00.000Z',
      );
      expect((await store.keys.setKeyRouting(a.id, k2.id, { preferred_regions: ['eu-west'] }))?.routing).toEqual({
        preferred_regions: ['eu-west'],
      });
      expect((await store.keys.setKeyLimits(a.id, k2.id, { tokens_per_minute: 1000 }))?.limits).toEqual({
        tokens_per_minute: 1000,
      });
      expect((await store.keys.setKeyLimits(a.id, k2.id, null))?.limits).toBeNull();
      await expect(store.keys.createKey({ ...key(a.id, 'x'), hash: k1.hash })).rejects.toThrow();
    });

    it('usage: idempotent by request id; interim records give way to later ones and the final event only', async () => {
      const orgId = id('org');
      const e = event({ org_id: orgId });
      await store.usage.record(e);
      await store.usage.record({ ...e, prompt_tokens: 999 });
      expect(await store.usage.list(orgId, {})).toEqual([e]);

      const stream = event({ org_id: orgId, ts: '2026-12-05T11:00:00.000Z', interim: 0, completion_tokens: 0 });
      await store.usage.record(stream);
      await store.usage.record({ ...stream, interim: 2, completion_tokens: 20, estimated: true });
      await store.usage.record({ ...stream, interim: 1, completion_tokens: 10 });
      expect((await store.usage.list(orgId, { limit: 1 }))[0]).toMatchObject({ interim: 2, completion_tokens: 20 });
      const final = { ...stream, completion_tokens: 25 };
      delete final.interim;
      await store.usage.record(final);
      await store.usage.record({ ...stream, interim: 3 });
      expect((await store.usage.list(orgId, { limit: 1 }))[0]).toEqual(final);

      expect(await store.usage.totals(orgId, {})).toEqual({
        requests: 2,
        prompt_tokens: 20,
        completion_tokens: 30,
        total_tokens: 50,
      });
      expect(await store.usage.totals(orgId, { from: '2026-12-05T10:30:00.000Z' })).toMatchObject({ requests: 1 });
      expect((await store.usage.list(orgId, { to: '2026-12-05T10:30:00.000Z' })).map((x) => x.request_id)).toEqual([
        e.request_id,
      ]);
      expect(await store.usage.totals(id('org'), {})).toEqual({
        requests: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        total_tokens: 0,
      });
    });

    it('ledger: exact sums in micro-units past 32 and 53 bits, grouped and ordered, and what an org or key spent', async () => {
      const orgId = id('org');
      // 5e15 micro-units a request, far past 32 bits; with a third of 7 they sum to an odd number past 2^53, which
      // a double cannot hold exactly.
      const big = 5_000_000_000_000_001;
      await store.usage.record(event({ org_id: orgId, key_id: 'k1', price_micros: big, model: 'b-model' }));
      await store.usage.record(event({ org_id: orgId, key_id: 'k1', price_micros: big, model: 'a-model' }));
      await store.usage.record(
        event({ org_id: orgId, key_id: 'k2', price_micros: 7, ts: '2026-12-06T00:00:00.000Z', vendor: 'deepseek' }),
      );
      const byModel = await store.ledger.aggregate({ group_by: ['model'], org_id: orgId });
      expect(byModel.map((r) => r.group.model)).toEqual(['a-model', 'b-model', 'gpt-4o']);
      expect(byModel[0]).toEqual({
        group: { model: 'a-model' },
        requests: 1,
        prompt_tokens: 10,
        completion_tokens: 5,
        cost_micros: 100n,
        list_price_micros: 300n,
        price_micros: BigInt(big),
      });
      const byDay = await store.ledger.aggregate({ group_by: ['day', 'vendor'], org_id: orgId });
      expect(byDay.map((r) => [r.group.day, r.group.vendor, r.requests])).toEqual([
        ['2026-12-05', 'openai', 2],
        ['2026-12-06', 'deepseek', 1],
      ]);
      const all = await store.ledger.aggregate({ group_by: [], org_id: orgId, vendor: 'openai' });
      expect(all).toHaveLength(1);
      expect(all[0]!.price_micros).toBe(2n * BigInt(big));
      expect(await store.ledger.aggregate({ group_by: ['model'], org_id: id('org') })).toEqual([]);
      expect(await store.ledger.spent(orgId, '2026-12-01T00:00:00.000Z')).toBe(2n * BigInt(big) + 7n);
      expect(await store.ledger.spent(orgId, '2026-12-01T00:00:00.000Z', 'k2')).toBe(7n);
      expect(await store.ledger.spent(orgId, '2026-12-07T00:00:00.000Z')).toBe(0n);
    });

    it('audit: appends make one hash chain, filtered and listed newest first', async () => {
      const append = (action: string, subject: string) =>
        store.audit.appendNext((head) => {
          const entry = {
            seq: (head?.seq ?? 0) + 1,
            ts: new Date().toISOString(),
            actor: 'tester',
            action,
            subject_type: 'org',
            subject_id: subject,
            reason: null,
            data: { n: action, nested: { a: [1, 2] } },
            prev_hash: head?.hash ?? GENESIS,
          };
          return { ...entry, hash: entryHash(entry) } as AuditRecord;
        });
      const first = await append('org.created', 'o1');
      await Promise.all([append('org.suspended', 'o1'), append('org.created', 'o2'), append('key.revoked', 'o2')]);
      const all = await store.audit.all();
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(all[0]).toEqual(first);
      expect(verifyChain(all).ok).toBe(true);
      expect((await store.audit.last())?.seq).toBe(4);
      const o2 = all.filter((e) => e.subject_id === 'o2').map((e) => e.seq);
      expect((await store.audit.list({ subject_id: 'o2' })).map((e) => e.seq)).toEqual(o2.reverse());
      expect(await store.audit.list({ action: 'org.created', limit: 1 })).toHaveLength(1);
    });

    it('versions (policy, price book): the latest, and a version saved once', async () => {
      expect(await store.policy.latest()).toBeUndefined();
      await store.policy.save({ version: 1, created_at: 't1', actor: 'a', document: { rules: [] } });
      await store.policy.save({ version: 2, created_at: 't2', actor: 'b', document: { rules: [{ id: 'r' }] } });
      expect(await store.policy.latest()).toEqual({
        version: 2,
        created_at: 't2',
        actor: 'b',
        document: { rules: [{ id: 'r' }] },
      });
      // A second save of a version (two nodes changing the policy at once) is refused, and the first one stays.
      expect(await store.policy.save({ version: 2, created_at: 't3', actor: 'c', document: {} })).toBe(false);
      expect((await store.policy.latest())?.actor).toBe('b');
      await store.priceBooks.save({ version: 1, created_at: 't1', actor: 'a', document: { currency: 'USD' } });
      expect((await store.priceBooks.latest())?.document).toEqual({ currency: 'USD' });
    });

    it('vetting: applications and sanctions lists, replaced whole', async () => {
      const orgId = id('org');
      const application = {
        org_id: orgId,
        submitted_at: '2026-12-01T00:00:00.000Z',
        data: { legal_name: 'Acme' },
        screening: null,
        approvals: [],
        kyb: null,
      };
      await store.vetting.saveApplication(application);
      const screened = {
        ...application,
        screening: { screened_at: 't', list_versions: { ofac: 2 }, hits: [] },
        approvals: [{ actor: 'x', at: 't', tier: 'verified' }],
        kyb: { risk: 'low' },
      };
      await store.vetting.saveApplication(screened);
      expect(await store.vetting.getApplication(orgId)).toEqual(screened);
      expect((await store.vetting.listApplications()).filter((a) => a.org_id === orgId)).toHaveLength(1);
      const list = {
        source: id('list'),
        version: 1,
        loaded_at: 't',
        entries: [{ id: '1', source: 's', name: 'Bad Co', aliases: [], type: 'entity', programs: 'X' }],
      };
      await store.vetting.saveList(list);
      await store.vetting.saveList({ ...list, version: 2 });
      expect((await store.vetting.lists()).find((l) => l.source === list.source)).toEqual({ ...list, version: 2 });
    });

    it('signing keys: saved whole and updated in place', async () => {
      const key = {
        kid: id('kid'),
        created_at: '2026-12-01T00:00:00.000Z',
        retired_at: null,
        private_pem: 'sealed-1',
        cert_chain_pem: null,
        revoked_at: null,
        revocation_reason: null,
      };
      await store.signingKeys.save(key);
      await store.signingKeys.save({
        ...key,
        private_pem: 'sealed-2',
        retired_at: 't',
        revoked_at: 't2',
        revocation_reason: 'leak',
      });
      const found = (await store.signingKeys.list()).filter((k) => k.kid === key.kid);
      expect(found).toEqual([
        { ...key, private_pem: 'sealed-2', retired_at: 't', revoked_at: 't2', revocation_reason: 'leak' },
      ]);
    });

    it('fingerprints: registered, found by any indexed hash (unsigned 32-bit), read back whole, purged', async () => {
      const before = await store.fingerprints.stats();
      const output = (created: string, hashes: number[]): RegisteredOutput => ({
        request_id: id('req'),
        org_id: 'org',
        created_at: created,
        manifest: 'eyJhbGciOiJFZERTQSJ9',
        fingerprints: Uint32Array.from(hashes),
      });
      const high = 0xfffffff0;
      const old = output('2020-01-01T00:00:00.000Z', [3, 5, 8, high]);
      const fresh = output('2026-12-01T00:00:00.000Z', [5, 9, ...Array.from({ length: 20 }, (_, i) => 100 + i)]);
      await store.fingerprints.register([old, fresh]);
      const hits = await store.fingerprints.lookup([5, high, 119, 105]);
      const ids = [...new Set(hits.map((h) => h.output_id))];
      expect(ids).toHaveLength(2);
      // Only the 8 smallest hashes of an output are indexed: 105 is, 119 is not.
      expect(hits.map((h) => h.hash).sort((a, b) => a - b)).toEqual([5, 5, 105, high]);
      const records = await store.fingerprints.outputs(ids);
      const byRequest = new Map(records.map((r) => [r.request_id, r]));
      expect(byRequest.get(old.request_id)).toMatchObject({
        org_id: 'org',
        manifest: old.manifest,
        fingerprint_count: 4,
      });
      expect(Array.from(byRequest.get(old.request_id)!.fingerprints)).toEqual([3, 5, 8, high]);
      expect(Array.from(byRequest.get(fresh.request_id)!.fingerprints)).toEqual(Array.from(fresh.fingerprints));
      const after = await store.fingerprints.stats();
      expect(after.outputs - before.outputs).toBe(2);
      expect(after.fingerprints - before.fingerprints).toBe(4 + 8);
      expect(await store.fingerprints.purge('2021-01-01T00:00:00.000Z')).toBe(1);
      expect((await store.fingerprints.lookup([high])).length).toBe(0);
      expect((await store.fingerprints.outputs(ids)).map((r) => r.request_id)).toEqual([fresh.request_id]);
    });

    it('billing: numbers without gaps, one invoice per organisation and month, credit notes in order', async () => {
      const series = id('INV');
      const a = id('org');
      const b = id('org');
      const invoice =
        (orgId: string, month: string) =>
        (n: number): IssuedDocument => ({
          number: `${series}-${n}`,
          org_id: orgId,
          month,
          issued_at: '2026-12-01T00:00:00.000Z',
          invoice_number: null,
          document: { n },
        });
      expect((await store.billing.issue('invoice', series, invoice(a, '2026-10')))?.number).toBe(`${series}-1`);
      expect(await store.billing.issue('invoice', series, invoice(a, '2026-10'))).toBeUndefined();
      await expect(
        store.billing.issue('invoice', series, () => {
          throw new Error('build failed');
        }),
      ).rejects.toThrow('build failed');
      expect((await store.billing.issue('invoice', series, invoice(b, '2026-10')))?.number).toBe(`${series}-2`);
      expect((await store.billing.issue('invoice', series, invoice(a, '2026-12')))?.number).toBe(`${series}-3`);
      const credits = id('CN');
      const credit = (n: number): IssuedDocument => ({
        number: `${credits}-${n}`,
        org_id: a,
        month: '2026-10',
        issued_at: `2026-12-0${n}T00:00:00.000Z`,
        invoice_number: `${series}-1`,
        document: {},
      });
      await store.billing.issue('credit_note', credits, credit);
      await store.billing.issue('credit_note', credits, credit);
      expect((await store.billing.creditNotes(`${series}-1`)).map((c) => c.number)).toEqual([
        `${credits}-1`,
        `${credits}-2`,
      ]);
      expect((await store.billing.creditNote(`${credits}-2`))?.invoice_number).toBe(`${series}-1`);
      expect((await store.billing.invoice(a, '2026-10'))?.document).toEqual({ n: 1 });
      expect((await store.billing.invoices(a)).map((i) => i.month)).toEqual(['2026-10', '2026-12']);
      expect(await store.billing.billingProfile(a)).toBeUndefined();
      await store.billing.saveBillingProfile(a, { legal_name: 'A' }, 't1');
      await store.billing.saveBillingProfile(a, { legal_name: 'A GmbH' }, 't2');
      expect(await store.billing.billingProfile(a)).toEqual({ legal_name: 'A GmbH' });
    });

    it('abuse: profiles replaced and removed in one save, sketches byte for byte, alerts in order', async () => {
      const subject = id('org');
      const sketch = Uint8Array.from([0, 255, 1, 128, 7]);
      const profile = { kind: 'org' as const, subject, updated_at: 't1', state: { score: 0.5 }, sketch };
      await store.abuse.saveProfiles([profile, { ...profile, kind: 'campaign' }], []);
      await store.abuse.saveProfiles(
        [{ ...profile, updated_at: 't2', state: { score: 0.9 } }],
        [{ kind: 'campaign', subject }],
      );
      const mine = (await store.abuse.profiles()).filter((p) => p.subject === subject);
      expect(mine).toEqual([{ ...profile, updated_at: 't2', state: { score: 0.9 } }]);
      const org1 = id('org');
      await store.abuse.appendAlert({
        at: 't1',
        org: org1,
        score: 0.91234567,
        action: 'flag',
        reasons: ['r1'],
        campaign: null,
      });
      expect(
        await store.abuse.appendAlert({
          at: 't2',
          org: org1,
          score: 0.95,
          action: 'throttle',
          reasons: [],
          campaign: 'c',
        }),
      ).toBe(true);
      // The same action again (another node of a cluster saw the same traffic): not recorded, not taken twice.
      const again = { at: 't3', org: org1, score: 0.96, action: 'throttle', reasons: [], campaign: null };
      expect(await Promise.all([store.abuse.appendAlert(again), store.abuse.appendAlert(again)])).toEqual([
        false,
        false,
      ]);
      expect((await store.abuse.alerts()).filter((a) => a.org === org1)).toEqual([
        { at: 't1', org: org1, score: 0.91234567, action: 'flag', reasons: ['r1'], campaign: null },
        { at: 't2', org: org1, score: 0.95, action: 'throttle', reasons: [], campaign: 'c' },
      ]);
    });

    it('stored responses: kept per organisation, items by id, purged by age', async () => {
      const orgA = id('org');
      const orgB = id('org');
      const response = {
        org_id: orgA,
        id: id('resp'),
        created_at: '2026-12-01T00:00:00.000Z',
        input: [{ role: 'user', content: 'hi' }],
        output: [{ id: 'msg_1', type: 'message' }, { type: 'reasoning' }],
      };
      await store.responses.save(response);
      expect(await store.responses.get(orgA, response.id)).toEqual(response);
      expect(await store.responses.get(orgB, response.id)).toBeUndefined();
      expect(await store.responses.items(orgA, ['msg_1', 'msg_1', 'nope'])).toEqual(
        new Map([['msg_1', { id: 'msg_1', type: 'message' }]]),
      );
      expect((await store.responses.items(orgB, ['msg_1'])).size).toBe(0);
      const old = { ...response, id: id('resp'), created_at: '2019-01-01T00:00:00.000Z', output: [{ id: 'msg_old' }] };
      await store.responses.save(old);
      expect(await store.responses.purge('2020-01-01T00:00:00.000Z')).toBe(1);
      expect(await store.responses.get(orgA, old.id)).toBeUndefined();
      expect((await store.responses.items(orgA, ['msg_old'])).size).toBe(0);
      expect(await store.responses.get(orgA, response.id)).toEqual(response);
    });

    it('prompt logs: kept per organisation once per request, newest first, paged, purged once expired', async () => {
      const orgA = id('org');
      const orgB = id('org');
      const entry = (orgId: string, request: string, created: string, expires: string) => ({
        org_id: orgId,
        request_id: request,
        key_id: 'key_1',
        created_at: created,
        expires_at: expires,
        endpoint: 'chat.completions',
        model: 'gpt-4o',
        status: 200,
        request: '{"messages":[{"role":"user","content":"secret plan"}]}',
        response: '{"choices":[]}',
      });
      const first = entry(orgA, id('req'), '2026-12-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z');
      const second = entry(orgA, id('req'), '2026-12-02T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
      const shortLived = entry(orgA, id('req'), '2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z');
      const ofB = entry(orgB, id('req'), '2026-12-02T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
      for (const e of [first, second, shortLived, ofB]) await store.promptLogs.record(e);
      await store.promptLogs.record({ ...first, response: 'a retry' });
      expect(await store.promptLogs.list(orgA, { limit: 10 })).toEqual([shortLived, second, first]);
      expect(await store.promptLogs.list(orgA, { limit: 1, before: second.created_at })).toEqual([first]);
      expect(await store.promptLogs.list(orgA, { limit: 10, request_id: ofB.request_id })).toEqual([]);
      expect(await store.promptLogs.list(orgB, { limit: 10 })).toEqual([ofB]);
      expect(await store.promptLogs.purgeExpired('2026-12-10T00:00:00.000Z')).toBeGreaterThanOrEqual(1);
      expect(await store.promptLogs.list(orgA, { limit: 10 })).toEqual([second, first]);
    });

    it('admin principals: created, found by hash, listed while not deleted', async () => {
      const p = {
        id: id('p'),
        name: id('ops'),
        role: 'operator' as const,
        hash: randomUUID(),
        created_at: '2026-12-01T00:00:00.000Z',
        deleted_at: null,
      };
      await store.principals.createPrincipal(p);
      expect(await store.principals.findPrincipalByHash(p.hash)).toEqual(p);
      expect((await store.principals.listPrincipals()).map((x) => x.id)).toContain(p.id);
      expect(await store.principals.deletePrincipal(p.id, 't')).toEqual({ ...p, deleted_at: 't' });
      expect(await store.principals.deletePrincipal(p.id, 't2')).toBeUndefined();
      expect((await store.principals.listPrincipals()).map((x) => x.id)).not.toContain(p.id);
    });
  });
}
