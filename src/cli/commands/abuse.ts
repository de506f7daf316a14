// `conduit abuse analyze`: the distillation detector over recorded traffic, with progress on stderr.
import type { Command } from 'commander';
import { analyzeTraffic } from '../../abuse/offline.ts';
import { fail } from '../admin-client.ts';

export function register(program: Command): void {
  program
    .command('abuse')
    .description('distillation monitoring')
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
        console.error(`${result.requests} requests from ${result.verdicts.length} organisations in ${result.seconds.toFixed(1)} s (${Math.round(result.requests / result.seconds)} requests/s); ${flagged} flagged; verdicts in ${opts.out}`);
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
