// `conduit vetting|sanctions|policy|audit ...`: onboarding decisions, sanctions lists, policy, audit log.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  adminCall,
  connection,
  fail,
  print,
  renderTable,
  withConnection,
  type AdminConnection,
  type ConnOpts,
} from '../admin-client.ts';

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
};

const call = (opts: ConnOpts, method: string, path: string, body?: unknown) =>
  adminCall({ ...connection(opts), actor: opts.actor } as AdminConnection, method, path, body);

export function register(program: Command): void {
  const vetting = program.command('vetting').description('customer onboarding decisions');
  withConnection(vetting.command('queue').description('organisations waiting for review'))
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts) => {
      const { data } = (await call(opts, 'GET', '/vetting/queue')) as {
        data: Array<{
          org: { id: string; name: string; country: string };
          application?: { screening?: { hits: Array<{ listed_name: string; score: number }> } };
        }>;
      };
      print(data, opts.json === true, () =>
        renderTable(
          ['ORG', 'NAME', 'COUNTRY', 'TOP SANCTIONS HIT'],
          data.map((q) => [
            q.org.id,
            q.org.name,
            q.org.country,
            q.application?.screening?.hits[0]
              ? `${q.application.screening.hits[0].listed_name} (${q.application.screening.hits[0].score})`
              : '',
          ]),
        ),
      );
    });
  withConnection(vetting.command('submit').description('submit an application (JSON file) as a customer would'))
    .requiredOption(
      '--file <application.json>',
      'the application: legal_name, country, registration_number, address, ...',
    )
    .action(async (opts: ConnOpts & { file: string }) => {
      let body: unknown;
      try {
        body = JSON.parse(read(opts.file));
      } catch (err) {
        fail(`${opts.file}: not valid JSON (${(err as Error).message})`);
      }
      const res = await fetch(`${connection(opts).url}/v1/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { org_id?: string; status?: string; error?: { message: string } };
      if (!res.ok) fail(`${res.status}: ${json.error?.message}`);
      console.log(`${json.org_id}: ${json.status}`);
    });
  withConnection(
    vetting.command('show <orgId>').description("an organisation's application and latest screening"),
  ).action(async (orgId: string, opts: ConnOpts) => {
    print(await call(opts, 'GET', `/orgs/${encodeURIComponent(orgId)}/application`), true);
  });
  for (const verb of ['approve', 'reject', 'suspend', 'reinstate'] as const) {
    const cmd = withConnection(vetting.command(`${verb} <orgId>`).description(`${verb} an organisation`))
      .requiredOption('--reason <text>', 'why (recorded in the audit log)')
      .option('--actor <name>', 'a note for the audit log (who decides is the principal whose token is used)');
    if (verb === 'approve') cmd.option('--tier <tier>', 'trial | verified | strategic');
    cmd.action(async (orgId: string, opts: ConnOpts & { reason: string; tier?: string }) => {
      const org = (await call(opts, 'POST', `/orgs/${encodeURIComponent(orgId)}/${verb}`, {
        reason: opts.reason,
        tier: opts.tier,
      })) as { id: string; status: string; tier: string };
      console.log(`${org.id}: ${org.status} (tier ${org.tier})`);
    });
  }

  const sanctions = program.command('sanctions').description('sanctions lists');
  withConnection(sanctions.command('load').description('load a new list version and re-screen every customer'))
    .option('--sdn <file>', 'OFAC sdn.csv')
    .option('--alt <file>', 'OFAC alt.csv (aliases)')
    .option('--csl <file>', 'US Consolidated Screening List CSV')
    .action(async (opts: ConnOpts & { sdn?: string; alt?: string; csl?: string }) => {
      if (!opts.sdn === !opts.csl) fail('give either --sdn (with optional --alt) or --csl');
      const body = opts.sdn
        ? { format: 'ofac_sdn', sdn_csv: read(opts.sdn), alt_csv: opts.alt ? read(opts.alt) : undefined }
        : { format: 'csl', csv: read(opts.csl!) };
      const res = (await call(opts, 'POST', '/sanctions/lists', body)) as {
        source: string;
        version: number;
        entries: number;
        new_hits: Array<{ org_id: string; name: string; new_hits: Array<{ listed_name: string; score: number }> }>;
      };
      console.log(
        `${res.source} version ${res.version}: ${res.entries} entries; ${res.new_hits.length} customer(s) with new hits`,
      );
      for (const h of res.new_hits)
        console.log(`  ${h.org_id} ${h.name}: ${h.new_hits.map((x) => `${x.listed_name} (${x.score})`).join(', ')}`);
    });

  const policy = program.command('policy').description('availability policy');
  withConnection(
    policy.command('explain').description('the decision for an organisation and model, and the rules behind it'),
  )
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--model <name>', 'model')
    .option('--region <id>', 'only this serving region')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { org: string; model: string; region?: string }) => {
      const q = new URLSearchParams({
        org: opts.org,
        model: opts.model,
        ...(opts.region ? { region: opts.region } : {}),
      });
      const res = (await call(opts, 'GET', `/policy/explain?${q}`)) as {
        allowed: boolean;
        policy_version: number;
        jurisdiction: { incorporated: string; controlling_country: string; controlling_market: string };
        decisions: Array<{ deployment: string; region: string; allowed: boolean; rule: string; reason: string }>;
      };
      const j = res.jurisdiction;
      print(res, opts.json === true, () =>
        [
          `${opts.model} for ${opts.org}: ${res.allowed ? 'ALLOWED' : 'DENIED'} (policy version ${res.policy_version})`,
          `Incorporated in ${j.incorporated}; controlled from ${j.controlling_country} (market ${j.controlling_market})`,
          renderTable(
            ['DEPLOYMENT', 'REGION', 'DECISION', 'RULE', 'REASON'],
            res.decisions.map((d) => [d.deployment, d.region, d.allowed ? 'allow' : 'deny', d.rule, d.reason]),
          ),
        ].join('\n'),
      );
    });

  const audit = program.command('audit').description('the tamper-evident audit log');
  withConnection(
    audit
      .command('verify')
      .description(
        'check the hash chain and its signed checkpoints; exits 1 if any entry was altered, removed or reordered, or the log was cut short or rewritten',
      ),
  ).action(async (opts: ConnOpts) => {
    const res = (await call(opts, 'GET', '/audit/verify')) as {
      ok: boolean;
      entries: number;
      problem?: { message: string };
      checkpoint?: { seq: number; at: string } | null;
    };
    if (res.ok) {
      const against = res.checkpoint
        ? `; matches the signed checkpoint at entry ${res.checkpoint.seq} (${res.checkpoint.at})`
        : ' (no signed checkpoint yet: removal of the newest entries could not be detected)';
      console.log(`audit log intact: ${res.entries} entries${against}`);
    } else {
      console.error(`audit log BROKEN: ${res.problem!.message}`);
      process.exitCode = 1;
    }
  });
  withConnection(audit.command('list').description('recent entries'))
    .option('--action <action>')
    .option('--subject <id>')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { action?: string; subject?: string; limit: string }) => {
      const q = new URLSearchParams({
        limit: opts.limit,
        ...(opts.action ? { action: opts.action } : {}),
        ...(opts.subject ? { subject_id: opts.subject } : {}),
      });
      const { data } = (await call(opts, 'GET', `/audit?${q}`)) as {
        data: Array<{
          seq: number;
          ts: string;
          actor: string;
          action: string;
          subject_id: string;
          reason: string | null;
        }>;
      };
      print(data, opts.json === true, () =>
        renderTable(
          ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'SUBJECT', 'REASON'],
          data.map((e) => [e.seq, e.ts, e.actor, e.action, e.subject_id, e.reason]),
        ),
      );
    });
}
