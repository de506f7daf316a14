// GET /readyz: whether this node can serve, that is whether every server its configuration selects answers.
// /healthz stays liveness (the process runs); a load balancer takes a node out of rotation on a 503 here.
import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from '../../store/ports.ts';
import { api } from '../api.ts';

/** A check that has not answered in this long counts as unreachable (a blackholed server never answers). */
const CHECK_TIMEOUT_MS = 2_000;

export function readinessRoutes(app: FastifyInstance, checks: ReadonlyArray<ReadinessCheck>): void {
  app.get(
    '/readyz',
    api({
      summary: 'Ready to serve: 200 when every server the configuration selects answers, else 503 naming which do not',
      public: true,
    }),
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (c) => [c.name, await outcome(c)] as const));
      const unavailable = results.filter(([, result]) => result !== 'ok');
      if (unavailable.length === 0) return { status: 'ready', checks: Object.fromEntries(results) };
      reply.code(503);
      return {
        status: 'not_ready',
        checks: Object.fromEntries(results),
        error: {
          message: `Not ready: ${unavailable.map(([name, why]) => `${name} ${why}`).join('; ')}.`,
          type: 'server_error',
          param: null,
          code: 'not_ready',
        },
      };
    },
  );
}

async function outcome(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check.check().then(
        () => 'ok',
        (err: unknown) => `unreachable (${err instanceof Error ? err.message : String(err)})`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
