import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandModules } from './index.ts';

describe('command modules', () => {
  it('each module registers exactly the top-level commands the table names (so the one loaded on demand is the right one)', async () => {
    for (const module of commandModules) {
      const program = new Command('conduit');
      (await module.load()).register(program);
      expect(program.commands.map((c) => c.name())).toEqual(module.commands);
    }
  });
});
