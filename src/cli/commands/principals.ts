// `conduit principals ...`: the people (or systems) who may use the admin API, each with a role and a token.
import type { Command } from 'commander';
import { adminCall, connection, print, renderTable, withConnection, type ConnOpts } from '../admin-client.ts';

interface Principal {
  id: string;
  name: string;
  role: string;
  created_at: string;
  token?: string;
}

const ROLES = 'admin | operator | finance | compliance | viewer';

export function register(program: Command): void {
  const principals = program
    .command('principals')
    .description(`admin principals and their roles (${ROLES}); needs the admin role`);
  withConnection(principals.command('create').description('create a principal (its token is shown once)'))
    .requiredOption('--name <name>', 'who it is (the audit log records this name)')
    .requiredOption('--role <role>', ROLES)
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts & { name: string; role: string }) => {
      const created = (await adminCall(connection(opts), 'POST', '/principals', {
        name: opts.name,
        role: opts.role,
      })) as Principal;
      print(
        created,
        opts.json === true,
        () => `created ${created.id} (${created.name}, ${created.role})\ntoken (shown once): ${created.token}`,
      );
    });
  withConnection(principals.command('list').description('list principals (never their tokens)'))
    .option('--json', 'print JSON')
    .action(async (opts: ConnOpts) => {
      const { data } = (await adminCall(connection(opts), 'GET', '/principals')) as { data: Principal[] };
      print(data, opts.json === true, () =>
        renderTable(
          ['ID', 'NAME', 'ROLE', 'CREATED'],
          data.map((p) => [p.id, p.name, p.role, p.created_at]),
        ),
      );
    });
  withConnection(
    principals.command('delete <id>').description('delete a principal: its token stops working at once'),
  ).action(async (id: string, opts: ConnOpts) => {
    const deleted = (await adminCall(
      connection(opts),
      'DELETE',
      `/principals/${encodeURIComponent(id)}`,
    )) as Principal & { deleted_at: string };
    console.log(`deleted ${deleted.id} (${deleted.name}) at ${deleted.deleted_at}`);
  });
}
