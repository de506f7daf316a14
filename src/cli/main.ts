// The `conduit` command: one subcommand per file under ./commands, registered from ./commands/index.ts. Only the
// module of the command being run is loaded, so an admin-API call never loads (and compiles) the gateway.
import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('conduit')
  .description('Conduit: an OpenAI-compatible gateway for reselling AI models')
  .version(VERSION);
await registerCommands(program, process.argv.slice(2));
await program.parseAsync(process.argv);
