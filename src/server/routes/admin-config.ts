// Admin API: reload the configuration file without a restart (as SIGHUP does). 200 with what changed; 400
// invalid_config with every problem of a bad file, which leaves the configuration in force serving.
import type { FastifyInstance } from 'fastify';
import type { ConfigReloader } from '../../reload.ts';
import { principalOf } from '../actor.ts';
import { api } from '../api.ts';

export function adminConfigRoutes(app: FastifyInstance, reloader: ConfigReloader): void {
  app.post(
    '/config/reload',
    api({
      role: 'operator',
      summary:
        'Re-read and validate the configuration file; put its reloadable sections in force (requests under way finish on the old one)',
      body: null,
    }),
    async (request) => reloader.reload({ ...principalOf(request), via: 'api' }),
  );
}
