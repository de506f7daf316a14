// The distillation detector's state in PostgreSQL: profile snapshots (one transaction each) and alerts.
import type { Kysely } from 'kysely';
import type { AbuseAlertRecord, AbuseProfileRecord, AbuseStore } from '../ports.ts';

export class PgAbuseStore implements AbuseStore {
  constructor(private readonly db: Kysely<any>) {}

  async profiles(): Promise<AbuseProfileRecord[]> {
    const rows = await this.db
      .selectFrom('abuse_profiles')
      .select(['kind', 'subject', 'updated_at', 'state', 'sketch'])
      .execute();
    return rows.map((r) => ({
      kind: r.kind as 'org' | 'campaign',
      subject: String(r.subject),
      updated_at: String(r.updated_at),
      state: JSON.parse(String(r.state)) as Record<string, unknown>,
      sketch: new Uint8Array(r.sketch as Buffer),
    }));
  }

  async saveProfiles(
    records: AbuseProfileRecord[],
    removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>,
  ): Promise<void> {
    if (records.length === 0 && removed.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      // One row per kind and subject in a statement (PostgreSQL refuses to update a row twice in one).
      const latest = new Map(records.map((r) => [`${r.kind}\u0000${r.subject}`, r]));
      if (latest.size > 0)
        await trx
          .insertInto('abuse_profiles')
          .values(
            [...latest.values()].map((r) => ({
              kind: r.kind,
              subject: r.subject,
              updated_at: r.updated_at,
              state: JSON.stringify(r.state),
              sketch: Buffer.from(r.sketch.buffer, r.sketch.byteOffset, r.sketch.byteLength),
            })),
          )
          .onConflict((oc) =>
            oc.columns(['kind', 'subject']).doUpdateSet((eb) => ({
              updated_at: eb.ref('excluded.updated_at'),
              state: eb.ref('excluded.state'),
              sketch: eb.ref('excluded.sketch'),
            })),
          )
          .execute();
      for (const r of removed)
        await trx.deleteFrom('abuse_profiles').where('kind', '=', r.kind).where('subject', '=', r.subject).execute();
    });
  }

  async appendAlert(a: AbuseAlertRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('abuse_alerts')
      .values({
        at: a.at,
        org_id: a.org,
        score: a.score,
        action: a.action,
        reasons: JSON.stringify(a.reasons),
        campaign: a.campaign,
      })
      .onConflict((oc) => oc.columns(['org_id', 'action']).doNothing())
      .executeTakeFirst();
    return result.numInsertedOrUpdatedRows === 1n;
  }

  async alerts(): Promise<AbuseAlertRecord[]> {
    const rows = await this.db
      .selectFrom('abuse_alerts')
      .select(['at', 'org_id', 'score', 'action', 'reasons', 'campaign'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      at: String(r.at),
      org: String(r.org_id),
      score: Number(r.score),
      action: String(r.action),
      reasons: JSON.parse(String(r.reasons)) as string[],
      campaign: r.campaign === null ? null : String(r.campaign),
    }));
  }
}
