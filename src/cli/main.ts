// The `conduit` command: one subcommand per file under ./commands, registered from ./commands/index.ts.
import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('conduit').description('Conduit: an OpenAI-compatible gateway for reselling AI models').version(VERSION);
registerCommands(program);
await program.parseAsync(process.argv);
