import type { Command } from 'commander';

// Each entry adds one command (with its subcommands) to the program.
const registrations: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
