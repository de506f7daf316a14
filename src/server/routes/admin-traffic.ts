// Admin API: this node's live data-plane traffic (request rate, error rate, latency) for the console's overview.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LiveTraffic } from '../../observability/live-traffic.ts';
import { api } from '../api.ts';
import { parseInput } from '../validate.ts';

const trafficQuery = z.object({
  window_seconds: z.coerce.number().int().min(10).max(300).default(60),
  steps: z.coerce.number().int().min(1).max(300).default(30),
});

export function adminTrafficRoutes(app: FastifyInstance, live: LiveTraffic): void {
  app.get(
    '/traffic/live',
    api({
      role: 'viewer',
      summary: "This node's data-plane requests, errors and latency over the last seconds (at most 300)",
      querystring: trafficQuery,
    }),
    async (request) => {
      const q = parseInput(trafficQuery, request.query, 'query');
      return live.summary(q.window_seconds, q.steps);
    },
  );
}
