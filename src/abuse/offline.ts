// Offline analysis: the online detector run over recorded traffic (the ../shared/traffic format), streaming
// the file line by line; bad lines are reported with their number, not fatal.
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Detector, type Verdict } from './detector.ts';
import type { OrgInfo, TrafficRecord } from './record.ts';

export interface AnalyzeOptions {
  trafficPath: string;
  orgsPath?: string;
  outPath: string;
  onProgress?: (p: { bytes: number; totalBytes: number; requests: number }) => void;
}

export async function analyzeTraffic(opts: AnalyzeOptions): Promise<{
  requests: number;
  badLines: Array<{ line: number; error: string }>;
  verdicts: Verdict[];
  seconds: number;
}> {
  const started = performance.now();
  const detector = new Detector();
  if (opts.orgsPath) {
    readFileSync(opts.orgsPath, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          detector.addOrgInfo(JSON.parse(line) as OrgInfo);
        } catch {
          throw new Error(`${opts.orgsPath}, line ${i + 1}: not valid JSON`);
        }
      });
  }
  const totalBytes = statSync(opts.trafficPath).size;
  const badLines: Array<{ line: number; error: string }> = [];
  let bytes = 0;
  let requests = 0;
  let lineNo = 0;
  const lines = createInterface({
    input: createReadStream(opts.trafficPath, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    lineNo++;
    bytes += line.length + 1;
    if (!line.trim()) continue;
    let record: TrafficRecord;
    try {
      record = JSON.parse(line) as TrafficRecord;
      if (
        typeof record.org !== 'string' ||
        typeof record.ts !== 'string' ||
        !record.request ||
        typeof record.request !== 'object'
      )
        throw new Error('needs ts, org and request');
    } catch (err) {
      if (badLines.length < 100) badLines.push({ line: lineNo, error: (err as Error).message });
      continue;
    }
    record.ip ??= 'unknown';
    record.key ??= record.org;
    record.response ??= {};
    detector.observe(record);
    requests++;
    if (opts.onProgress && requests % 5000 === 0) opts.onProgress({ bytes, totalBytes, requests });
  }
  const verdicts = detector.verdicts();
  writeFileSync(opts.outPath, verdicts.map((v) => JSON.stringify(v)).join('\n') + '\n');
  opts.onProgress?.({ bytes: totalBytes, totalBytes, requests });
  return { requests, badLines, verdicts, seconds: (performance.now() - started) / 1000 };
}
