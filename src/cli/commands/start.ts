// `conduit start`: run the gateway.
import type { Command } from 'commander';
import { ConfigError } from '../../config/load.ts';
import { GatewayError } from '../../errors.ts';
import { startGateway } from '../../main.ts';
import { parsePort } from '../args.ts';
import { recordGatewayUrl } from '../data-folder.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'start the gateway (embedded default: SQLite in the data folder, demo catalogue on the built-in simulator)',
    )
    .option('--port <port>', 'port to listen on', parsePort)
    .option('--host <host>', 'address to bind')
    .option('--data <dir>', 'data folder for the embedded store', './data')
    .option('--config <file>', 'configuration file (YAML)')
    .option(
      '--demo-activity',
      'with the built-in demo: send a campaign and canary traffic for the console to show (npm start does)',
    )
    .action(async (opts: { port?: number; host?: string; data: string; config?: string; demoActivity?: boolean }) => {
      // Whatever the gateway creates (database, outbox segments, secrets) is the service user's alone.
      process.umask(0o077);
      try {
        const announced: string[] = [];
        const gateway = await startGateway({
          dataDir: opts.data,
          configFile: opts.config,
          port: opts.port,
          host: opts.host,
          demoActivity: opts.demoActivity === true,
          announce: (line) => announced.push(line),
        });
        // For the CLI on this machine: `--data DIR` alone finds this gateway, whatever port it listens on. Recorded
        // before the gateway says it listens, so whoever waits for that line finds the file.
        if (opts.data !== ':memory:') recordGatewayUrl(opts.data, gateway.url);
        for (const line of announced) console.log(line);
        let stopping = false;
        const stop = async () => {
          // A second signal does not wait for requests under way.
          if (stopping) process.exit(1);
          stopping = true;
          console.log('Shutting down: finishing requests under way (a second Ctrl-C stops at once)');
          await gateway.close();
          process.exit(0);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // SIGHUP: re-read the configuration file; a bad one is logged with its problems and the old one keeps serving.
        process.on('SIGHUP', () => {
          gateway.reload().then(
            (report) => gateway.app.log.info({ reload: report }, 'configuration reloaded (SIGHUP)'),
            (err: unknown) =>
              gateway.app.log.error(
                { err, details: err instanceof GatewayError ? err.details : undefined },
                'configuration reload refused (SIGHUP): the configuration in force keeps serving',
              ),
          );
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(err.message);
          process.exit(2);
        }
        throw err;
      }
    });
}
