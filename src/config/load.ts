// Load, validate and freeze configuration. Every problem is reported with the path of the entry it concerns.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import {
  catalogueModelSchema,
  configSchema,
  providerSchema,
  regionSchema,
  vendorSchema,
  type ConduitConfig,
  type ProviderConfig,
} from './schema.ts';
import { crossCheck, type CrossCheckInput } from './cross-check.ts';
import { withClusterEnv } from './cluster.ts';
import { upstreamProblems } from './upstream-allow.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `providers[2].base_url` from ['providers', 2, 'base_url']. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function formatZodIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys')
      return `${where}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${where}: ${issue.message}`;
  });
}

/** The configuration, valid and frozen; or a ConfigError listing every problem (schema and cross-checks) at once. */
export function validateConfig(file: unknown, source = 'config'): Readonly<ConduitConfig> {
  // The cluster environment variables override the file (and turn cluster mode on).
  const { raw, fromEnv } = withClusterEnv(file);
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) {
    const problems = [...crossCheck(parsed.data), ...upstreamProblems(parsed.data)];
    if (problems.length > 0) throw new ConfigError(source, problems);
    return deepFreeze(parsed.data);
  }
  const salvaged = salvage(raw);
  throw new ConfigError(source, [
    ...formatZodIssues(parsed.error.issues).map((problem) => {
      const variable = problem.startsWith('cluster.') ? fromEnv.get(problem.slice(8).split(':')[0]!) : undefined;
      return variable ? `${problem} (from ${variable})` : problem;
    }),
    ...(salvaged ? crossCheck(salvaged.input, salvaged.unchecked) : []),
  ]);
}

/**
 * A configuration that failed its schema, made ready for the cross-checks: each entry of the four lists parsed on
 * its own, and for an entry that fails, a stand-in holding only what it names (left unchecked). Undefined when a
 * list itself is missing or not a list: the cross-checks would only echo that problem.
 */
function salvage(raw: unknown): { input: CrossCheckInput; unchecked: Set<object> } | undefined {
  if (!isRecord(raw)) return undefined;
  const { regions, vendors, providers, models, provenance } = raw;
  if (!Array.isArray(regions) || !Array.isArray(vendors) || !Array.isArray(providers) || !Array.isArray(models))
    return undefined;
  const unchecked = new Set<object>();
  const each = <T extends object>(
    list: unknown[],
    schema: z.ZodType<T>,
    standIn: (entry: Record<string, unknown>) => T,
  ): T[] =>
    list.map((entry) => {
      const one = schema.safeParse(entry);
      if (one.success) return one.data;
      const stand = standIn(isRecord(entry) ? entry : {});
      unchecked.add(stand);
      return stand;
    });
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const texts = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const issuer = isRecord(provenance) && isRecord(provenance.c2pa_issuer) ? provenance.c2pa_issuer : {};
  return {
    unchecked,
    input: {
      regions: each(regions, regionSchema, (e) => ({ id: text(e.id), country: '' })),
      vendors: each(vendors, vendorSchema, (e) => ({ id: text(e.id) })),
      models: each(models, catalogueModelSchema, (e) => ({
        ...catalogueModelSchema.parse({ name: 'x', vendor: 'x' }),
        name: text(e.name),
        aliases: texts(e.aliases),
        vendor: text(e.vendor),
      })),
      providers: each(providers, providerSchema as z.ZodType<ProviderConfig>, (e) => ({
        ...providerSchema.parse({ id: 'x', vendor: 'x', type: 'simulator', region: 'x', models: [{ model: 'x' }] }),
        id: text(e.id),
        region: text(e.region),
        vendor: text(e.vendor),
        models: (Array.isArray(e.models) ? e.models : []).filter(isRecord).map((m) => ({ model: text(m.model) })),
      })),
      provenance:
        typeof issuer.certificate_file === 'string' && typeof issuer.key_file === 'string'
          ? { c2pa_issuer: { certificate_file: issuer.certificate_file, key_file: issuer.key_file } }
          : undefined,
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadConfigFile(file: string): Readonly<ConduitConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new ConfigError(file, [
        `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${err.message.split('\n')[0]}`,
      ]);
    }
    throw err;
  }
  return validateConfig(raw, file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
