// `conduit abuse analyze`: the distillation detector over recorded traffic, with progress on stderr.
// `conduit abuse report`: an organisation's evidence report for a vendor, from the admin API (which audits it).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { analyzeTraffic } from '../../abuse/offline.ts';
import { adminCall, connection, fail, withConnection, type ConnOpts } from '../admin-client.ts';

export function register(program: Command): void {
  const abuse = program.command('abuse').description('distillation monitoring');
  abuse
    .command('analyze')
    .description('score recorded traffic (JSON lines) for distillation and write verdicts')
    .requiredOption('--traffic <file>', 'traffic.jsonl')
    .option('--orgs <file>', 'orgs.jsonl (registration data, for campaign detection)')
    .requiredOption('--out <file>', 'where to write verdicts.jsonl')
    .action(async (opts: { traffic: string; orgs?: string; out: string }) => {
      const tty = process.stderr.isTTY;
      try {
        const result = await analyzeTraffic({
          trafficPath: opts.traffic,
          orgsPath: opts.orgs,
          outPath: opts.out,
          onProgress: ({ bytes, totalBytes, requests }) => {
            const line = `analyzing: ${Math.round((bytes / Math.max(1, totalBytes)) * 100)}% (${requests} requests)`;
            process.stderr.write(tty ? `\r${line}` : `${line}\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        for (const bad of result.badLines.slice(0, 10)) console.error(`skipped line ${bad.line}: ${bad.error}`);
        const flagged = result.verdicts.filter((v) => v.flagged).length;
        console.error(
          `${result.requests} requests from ${result.verdicts.length} organisations in ${result.seconds.toFixed(1)} s (${Math.round(result.requests / result.seconds)} requests/s); ${flagged} flagged; verdicts in ${opts.out}`,
        );
      } catch (err) {
        fail((err as Error).message);
      }
    });
  withConnection(
    abuse
      .command('report <org>')
      .description("an organisation's distillation evidence report for a vendor (recorded in the audit log)"),
  )
    .option('--recipient <vendor>', 'who the report is for (in the report and the audit log)')
    .option('--out <file>', 'write the report here (default: standard output)')
    .action(async (org: string, opts: ConnOpts & { recipient?: string; out?: string }) => {
      const query = opts.recipient ? `?${new URLSearchParams({ recipient: opts.recipient })}` : '';
      // The gateway serialises the report with JSON.stringify: so does this, byte for byte, so the hash matches its own.
      const report = (await adminCall(
        connection(opts),
        'GET',
        `/abuse/orgs/${encodeURIComponent(org)}/report${query}`,
      )) as { report_id: string; subject: { customer: string } };
      const text = JSON.stringify(report);
      if (opts.out) writeFileSync(opts.out, text);
      else console.log(text);
      console.error(
        `report ${report.report_id} on ${report.subject.customer}${opts.out ? ` in ${opts.out}` : ''}; sha256 ${createHash('sha256').update(text).digest('hex')} (as recorded in the audit log)`,
      );
    });
}
