// The distillation detector's state in SQLite: profile snapshots (written on the writer thread, in one
// transaction each) and alerts (one small row as each is raised).
import type Database from 'better-sqlite3';
import type { AbuseAlertRecord, AbuseProfileRecord, AbuseStore } from '../ports.ts';
import type { BulkWrites } from './writer-thread.ts';

export class SqlAbuseStore implements AbuseStore {
  private readonly insertAlert: Database.Statement;

  constructor(
    private readonly raw: Database.Database,
    private readonly writes: BulkWrites,
  ) {
    this.insertAlert = raw.prepare(
      'insert into abuse_alerts (at, org_id, score, action, reasons, campaign) values (?, ?, ?, ?, ?, ?) on conflict (org_id, action) do nothing',
    );
  }

  async profiles(): Promise<AbuseProfileRecord[]> {
    const rows = this.raw
      .prepare('select kind, subject, updated_at, state, sketch from abuse_profiles')
      .all() as Array<{ kind: 'org' | 'campaign'; subject: string; updated_at: string; state: string; sketch: Buffer }>;
    return rows.map((r) => ({
      kind: r.kind,
      subject: r.subject,
      updated_at: r.updated_at,
      state: JSON.parse(r.state) as Record<string, unknown>,
      sketch: new Uint8Array(r.sketch),
    }));
  }

  async saveProfiles(
    records: AbuseProfileRecord[],
    removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>,
  ): Promise<void> {
    if (records.length > 0 || removed.length > 0) await this.writes.saveAbuseProfiles({ records, removed });
  }

  async appendAlert(a: AbuseAlertRecord): Promise<boolean> {
    return this.insertAlert.run(a.at, a.org, a.score, a.action, JSON.stringify(a.reasons), a.campaign).changes === 1;
  }

  async alerts(): Promise<AbuseAlertRecord[]> {
    const rows = this.raw
      .prepare('select at, org_id, score, action, reasons, campaign from abuse_alerts order by id')
      .all() as Array<{
      at: string;
      org_id: string;
      score: number;
      action: string;
      reasons: string;
      campaign: string | null;
    }>;
    return rows.map((r) => ({
      at: r.at,
      org: r.org_id,
      score: r.score,
      action: r.action,
      reasons: JSON.parse(r.reasons) as string[],
      campaign: r.campaign,
    }));
  }
}
