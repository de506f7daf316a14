// `conduit simulator`: run the SIMULATOR upstream as its own server (for tests, benchmarks and failure drills).
import type { Command } from 'commander';
import { simulatorFaultsSchema } from '../../providers/simulator/faults.ts';
import { startSimulatorServer } from '../../providers/simulator/server.ts';
import { parsePort } from '../args.ts';

export function register(program: Command): void {
  program
    .command('simulator')
    .description('run the simulated OpenAI-compatible upstream (not a real model) as an HTTP server')
    .option('--port <port>', 'port', parsePort, 9100)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--faults <json>', 'faults to inject, e.g. \'{"error_rate":0.5}\'', '{}')
    .action(async (opts: { port: number; host: string; faults: string }) => {
      let faults;
      try {
        faults = simulatorFaultsSchema.parse(JSON.parse(opts.faults));
      } catch (err) {
        console.error(`conduit simulator: --faults: ${(err as Error).message}`);
        process.exit(2);
      }
      const sim = await startSimulatorServer({ port: opts.port, host: opts.host, faults });
      console.log(`SIMULATOR (not a real model) listening on http://${opts.host}:${sim.port}/v1`);
    });
}
