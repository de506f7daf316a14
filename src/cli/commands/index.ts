import type { Command } from 'commander';

type Registration = (program: Command) => void;

/**
 * Each module adds the top-level commands it names (with their subcommands). Modules load on demand: `conduit orgs
 * list` loads the tenancy verbs and the admin client, not the gateway that `start` needs (2-3 s of compiling).
 */
export const commandModules: ReadonlyArray<{
  commands: readonly string[];
  load: () => Promise<{ register: Registration }>;
}> = [
  { commands: ['start'], load: () => import('./start.ts') },
  { commands: ['orgs', 'keys'], load: () => import('./tenancy.ts') },
  { commands: ['principals'], load: () => import('./principals.ts') },
  { commands: ['config'], load: () => import('./config.ts') },
  { commands: ['simulator'], load: () => import('./simulator.ts') },
  { commands: ['vetting', 'sanctions', 'policy', 'audit'], load: () => import('./governance.ts') },
  { commands: ['report', 'invoice', 'billing', 'reconcile'], load: () => import('./finance.ts') },
  { commands: ['verify'], load: () => import('./verify.ts') },
  { commands: ['abuse'], load: () => import('./abuse.ts') },
];

/**
 * Registers what `args` (the arguments after `conduit`) run: the module of the command named, or every module when
 * none is named (help, an unknown or misspelt command: commander lists and suggests from all of them).
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const name = args.find((a) => !a.startsWith('-'));
  if (name === undefined && args.some((a) => a === '-V' || a === '--version')) return;
  const named = commandModules.filter((m) => name !== undefined && m.commands.includes(name));
  for (const module of named.length > 0 ? named : commandModules) (await module.load()).register(program);
}
