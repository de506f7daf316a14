// `conduit orgs ...` and `conduit keys ...`: the admin API's tenancy verbs.
import type { Command } from 'commander';
import { adminCall, connection, print, renderTable, withConnection, type ConnOpts } from '../admin-client.ts';

interface Org {
  id: string;
  name: string;
  country: string;
  tier: string;
  status: string;
  created_at: string;
}
interface Key {
  id: string;
  name: string | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  key?: string;
}

export function register(program: Command): void {
  const orgs = program.command('orgs').description('customer organisations');
  withConnection(orgs.command('create').description('create an organisation (approved at once)'))
    .requiredOption('--name <name>', 'legal name')
    .requiredOption('--country <cc>', 'country of incorporation (ISO 3166-1 alpha-2)')
    .option('--tier <tier>', 'trial | verified | strategic')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { name: string; country: string; tier?: string }) => {
      const org = (await adminCall(connection(opts), 'POST', '/orgs', {
        name: opts.name,
        country: opts.country,
        tier: opts.tier,
      })) as Org;
      print(org, opts.json === true, () => `created ${org.id} (${org.name}, ${org.country}, ${org.tier})`);
    });
  withConnection(orgs.command('list').description('list organisations'))
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts) => {
      const { data } = (await adminCall(connection(opts), 'GET', '/orgs')) as { data: Org[] };
      print(data, opts.json === true, () =>
        renderTable(
          ['ID', 'NAME', 'COUNTRY', 'TIER', 'STATUS', 'CREATED'],
          data.map((o) => [o.id, o.name, o.country, o.tier, o.status, o.created_at]),
        ),
      );
    });
  withConnection(orgs.command('show <id>').description('show one organisation')).action(
    async (id: string, opts: ConnOpts) =>
      print(await adminCall(connection(opts), 'GET', `/orgs/${encodeURIComponent(id)}`), true),
  );
  withConnection(orgs.command('usage <id>').description('usage totals of an organisation'))
    .option('--from <date>', 'start (ISO 8601, inclusive)')
    .option('--to <date>', 'end (ISO 8601, exclusive)')
    .action(async (id: string, opts: ConnOpts & { from?: string; to?: string }) => {
      const query = new URLSearchParams(
        Object.entries({ from: opts.from, to: opts.to }).filter((e): e is [string, string] => e[1] !== undefined),
      );
      print(
        await adminCall(
          connection(opts),
          'GET',
          `/orgs/${encodeURIComponent(id)}/usage${query.size ? `?${query}` : ''}`,
        ),
        true,
      );
    });

  const keys = program.command('keys').description('API keys of an organisation');
  withConnection(keys.command('create').description('create an API key (the secret is shown once)'))
    .requiredOption('--org <id>', 'organisation id')
    .option('--name <name>', 'a label for the key')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { org: string; name?: string }) => {
      const key = (await adminCall(connection(opts), 'POST', `/orgs/${encodeURIComponent(opts.org)}/keys`, {
        name: opts.name,
      })) as Key;
      print(key, opts.json === true, () => `created ${key.id}\nsecret (shown once): ${key.key}`);
    });
  withConnection(keys.command('list').description('list API keys'))
    .requiredOption('--org <id>', 'organisation id')
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { org: string }) => {
      const { data } = (await adminCall(connection(opts), 'GET', `/orgs/${encodeURIComponent(opts.org)}/keys`)) as {
        data: Key[];
      };
      print(data, opts.json === true, () =>
        renderTable(
          ['ID', 'NAME', 'PREFIX', 'CREATED', 'REVOKED'],
          data.map((k) => [k.id, k.name, k.prefix, k.created_at, k.revoked_at]),
        ),
      );
    });
  withConnection(keys.command('revoke <keyId>').description('revoke an API key (stops working at once)'))
    .requiredOption('--org <id>', 'organisation id')
    .action(async (keyId: string, opts: ConnOpts & { org: string }) => {
      const key = (await adminCall(
        connection(opts),
        'DELETE',
        `/orgs/${encodeURIComponent(opts.org)}/keys/${encodeURIComponent(keyId)}`,
      )) as Key;
      console.log(`revoked ${key.id} at ${key.revoked_at}`);
    });
}
