import type { Command } from 'commander';
import { register as config } from './config.ts';
import { register as governance } from './governance.ts';
import { register as finance } from './finance.ts';
import { register as verify } from './verify.ts';
import { register as abuse } from './abuse.ts';
import { register as simulator } from './simulator.ts';
import { register as start } from './start.ts';
import { register as tenancy } from './tenancy.ts';

// Each entry adds one command (with its subcommands) to the program.
const registrations: Array<(program: Command) => void> = [start, tenancy, config, simulator, governance, finance, verify, abuse];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
