// Part of the composition root: configuration reload without restart (SIGHUP, POST /admin/v1/config/reload). The
// file is read and validated whole; a bad one is refused with every problem and the configuration in force keeps
// serving. A good one is built (catalogue, pools, routing, pipelines) and put in force in one swap: requests under
// way finish on the generation they started with. Sections that only a restart can change are named, not applied.
import { ConfigError, loadConfigFile } from './config/load.ts';
import type { LiveConfig } from './config/live-config.ts';
import type { ConduitConfig } from './config/schema.ts';
import { upstreamProblems } from './config/upstream-allow.ts';
import { GatewayError } from './errors.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { coverageOf, describeGap } from './metering/price-coverage.ts';
import type { AdminPrincipal } from './tenancy/principals.ts';
import { buildServing, type Serving, type SharedServices } from './serving.ts';

/** Sections a reload puts in force. */
export const RELOADED_SECTIONS = [
  'regions',
  'vendors',
  'providers',
  'models',
  'routing',
  'limits',
  'abuse',
  'policy',
  'pricing',
] as const;
/** Sections read at start only: a change is reported, and waits for a restart. */
export const RESTART_SECTIONS = [
  'server',
  'cluster',
  'demo',
  'audit',
  'observability',
  'provenance',
  'vetting',
  'invoicing',
  'security',
] as const;

export interface ReloadReport {
  object: 'config.reload';
  file: string;
  /** Reloadable sections that changed, now in force. */
  applied: string[];
  /** Sections that changed but are read at start only. */
  restart_required: string[];
  /** What else to know: a stored policy or price book that stays in force, models served but not priced. */
  notes: string[];
}

/** Who asked: an admin principal, or the operator's signal (SIGHUP). */
export type ReloadRequester = AdminPrincipal & { via: 'api' | 'SIGHUP' };

export interface ConfigReloader {
  reload(by: ReloadRequester): Promise<ReloadReport>;
}

export function configReloader(deps: {
  /** The file the gateway started with; none for the built-in demo configuration. */
  file: string | undefined;
  live: LiveConfig<Serving>;
  shared: SharedServices;
  audit: AuditLog;
}): ConfigReloader {
  const { file, live, shared, audit } = deps;
  // One reload at a time: a second waits for the first, then reads the file as it is then.
  let queue: Promise<unknown> = Promise.resolve();
  const reload = async (by: ReloadRequester): Promise<ReloadReport> => {
    if (!file)
      throw new GatewayError(
        'config_not_reloadable',
        'This gateway runs the built-in demo configuration: there is no configuration file to reload (start it with --config FILE).',
      );
    const current = live.current.config;
    let next: Readonly<ConduitConfig>;
    try {
      next = loadConfigFile(file);
      // The upstream allow-list in force guards what a reload may make the gateway call (security needs a restart).
      const outside = upstreamProblems({ ...next, security: current.security });
      if (outside.length > 0) throw new ConfigError(file, outside);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      await audit.append({
        actor: by.name,
        action: 'config.reload_refused',
        subject_type: 'config',
        subject_id: file,
        data: { principal_id: by.id, role: by.role, via: by.via, problems: err.problems },
      });
      throw refused(file, err.problems);
    }
    const changed = (sections: readonly string[]) =>
      sections.filter(
        (s) => JSON.stringify(current[s as keyof ConduitConfig]) !== JSON.stringify(next[s as keyof ConduitConfig]),
      );
    const applied = changed(RELOADED_SECTIONS);
    const restartRequired = changed(RESTART_SECTIONS);
    const serving = buildServing(next, shared, live.current);
    // The shared services take up the new settings just before the swap: nothing awaits between them.
    const notes: string[] = [];
    if (!shared.policy.useConfig(next.policy) && applied.includes('policy'))
      notes.push(
        `policy: version ${shared.policy.current.version}, stored through the admin API, stays in force; the file's policy is not applied`,
      );
    if (!shared.pricing.useConfig(next.pricing, coverageOf(next)) && applied.includes('pricing'))
      notes.push(
        `pricing: price book version ${shared.pricing.current.version}, stored through the admin API, stays in force; the file's is not applied`,
      );
    shared.abuse.useConfig(next.abuse);
    live.swap(serving);
    for (const gap of shared.pricing.gaps()) notes.push(`Not priced: ${describeGap(gap, shared.pricing.currency)}`);
    await audit.append({
      actor: by.name,
      action: 'config.reloaded',
      subject_type: 'config',
      subject_id: file,
      data: { principal_id: by.id, role: by.role, via: by.via, applied, restart_required: restartRequired },
    });
    return { object: 'config.reload', file, applied, restart_required: restartRequired, notes };
  };
  return {
    reload(by) {
      const result = queue.then(() => reload(by));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** 400 with every problem of the file, each with the path it concerns. */
function refused(file: string, problems: string[]): GatewayError {
  return new GatewayError(
    'invalid_config',
    `The configuration file ${file} was not loaded (${problems.length} problem${problems.length === 1 ? '' : 's'}); the configuration in force keeps serving. ${problems.join('; ')}`,
    {
      details: problems.map((problem) => {
        // "providers[2].base_url: must be an http(s) URL": the path is the param; a YAML or file problem has none.
        const path = /^([A-Za-z_][\w.[\]]*): (.*)$/s.exec(problem);
        return path ? { param: path[1]!, message: path[2]! } : { param: null, message: problem };
      }),
    },
  );
}
