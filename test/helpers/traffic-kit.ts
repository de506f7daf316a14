// Where the shared traffic generator lives: beside the checkout (../shared/traffic), or on this workplace's
// machines at /work/shared/traffic; CONDUIT_TRAFFIC_KIT overrides both.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function trafficKit(): string {
  const candidates = [
    process.env.CONDUIT_TRAFFIC_KIT,
    resolve(new URL('../../', import.meta.url).pathname, '../shared/traffic'),
    '/work/shared/traffic',
  ];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'gen.mjs'))) ?? candidates[1]!;
}

/** Whether the shared traffic generator is there (tests that need it are skipped otherwise). */
export const kitAvailable = () => existsSync(join(trafficKit(), 'gen.mjs'));
