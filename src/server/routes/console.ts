// The web console's built files (console/dist, made by `npm install`'s prepare script) at /console. The gateway runs
// without them: /console then answers 404 saying how to build it.
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError } from '../../errors.ts';
import { api } from '../api.ts';

export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

// The page may only talk to this gateway, run its own scripts and be framed by nobody.
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const notBuilt = () =>
  new GatewayError(
    'console_not_built',
    'The web console is not built on this gateway (console/dist is missing): run `npm install` (or `npx vite build -c console/vite.config.ts`) and restart.',
  );

/** Registers /console; answers whether the built files were found. */
export function consoleRoutes(app: FastifyInstance, dir: string = CONSOLE_DIST): boolean {
  const built = existsSync(join(dir, 'index.html'));
  const page = (reply: FastifyReply) =>
    reply
      .header('content-security-policy', PAGE_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // The page names its hashed assets: always ask whether it changed.
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  app.register(async (scope) => {
    // Loaded only when there is something to serve (about 0.2 s of module loading at start on this machine).
    // preCompressed: the build wrote .br and .gz beside each text file (console/precompress.ts); the one the client
    // accepts is sent, with Content-Encoding and Vary, and the plain file when there is none.
    if (built)
      await scope.register((await import('@fastify/static')).default, { root: dir, serve: false, preCompressed: true });
    scope.get(
      '/console',
      api({ summary: 'The web console (redirects to /console/)', public: true }),
      async (_r, reply) => reply.redirect('/console/'),
    );
    scope.get(
      '/console/*',
      api({ summary: 'The web console: its page and assets', public: true }),
      async (request, reply) => {
        if (!built) throw notBuilt();
        const path = (request.params as { '*': string })['*'];
        // Anything without an extension is a page of the single-page app; assets are named by their content hash.
        if (!extname(path)) return page(reply);
        return reply.header('x-content-type-options', 'nosniff').sendFile(path, {
          maxAge: path.startsWith('assets/') ? 365 * 24 * 3600 * 1000 : 0,
          immutable: path.startsWith('assets/'),
        });
      },
    );
  });
  return built;
}
