// Checks across entries that a per-field schema cannot express: references, duplicates, orphans, files named.
import { accessSync, constants } from 'node:fs';
import { capabilitiesOf } from './capabilities.ts';
import type { ConduitConfig } from './schema.ts';

/** What the cross-checks read: the catalogue's four lists, and the files the configuration names. */
export type CrossCheckInput = Pick<ConduitConfig, 'regions' | 'vendors' | 'providers' | 'models'> & {
  provenance?: Pick<ConduitConfig['provenance'], 'c2pa_issuer'>;
};

/**
 * Problems across entries. Entries in `unchecked` failed their own schema (that problem is reported already) and
 * stand in with what they name: their references are checked and count for the others (so nothing is reported as
 * unknown or orphaned because of them), but checks that need their other fields (kind, capabilities) are skipped.
 * A name that was missing or not a string is '' in a stand-in, and is neither checked nor counted.
 */
export function crossCheck(config: CrossCheckInput, unchecked: ReadonlySet<object> = new Set()): string[] {
  const problems: string[] = [];
  const regions = new Set<string>();
  const vendors = new Set<string>();
  const providerIds = new Set<string>();
  const modelNames = new Map<string, number>();
  const checked = (entry: object) => !unchecked.has(entry);
  const named = (name: string) => name !== '';

  config.regions.forEach((region, i) => {
    if (regions.has(region.id) && named(region.id)) problems.push(`regions[${i}].id: duplicate region "${region.id}"`);
    regions.add(region.id);
  });
  config.vendors.forEach((vendor, i) => {
    if (vendors.has(vendor.id) && named(vendor.id)) problems.push(`vendors[${i}].id: duplicate vendor "${vendor.id}"`);
    vendors.add(vendor.id);
  });
  config.models.forEach((model, i) => {
    for (const name of [model.name, ...model.aliases].filter(named)) {
      if (modelNames.has(name))
        problems.push(`models[${i}]: model name or alias "${name}" is already used by models[${modelNames.get(name)}]`);
      modelNames.set(name, i);
    }
    if (!vendors.has(model.vendor) && named(model.vendor))
      problems.push(`models[${i}].vendor: unknown vendor "${model.vendor}"`);
  });

  const served = new Set<number>();
  config.providers.forEach((provider, i) => {
    if (providerIds.has(provider.id) && named(provider.id))
      problems.push(`providers[${i}].id: duplicate provider "${provider.id}"`);
    providerIds.add(provider.id);
    if (!regions.has(provider.region) && named(provider.region))
      problems.push(`providers[${i}].region: unknown region "${provider.region}"`);
    if (!vendors.has(provider.vendor) && named(provider.vendor))
      problems.push(`providers[${i}].vendor: unknown vendor "${provider.vendor}"`);
    provider.models.forEach((servedModel, j) => {
      if (!named(servedModel.model)) return;
      const index = modelNames.get(servedModel.model);
      if (index === undefined) {
        problems.push(`providers[${i}].models[${j}].model: "${servedModel.model}" is not in the model catalogue`);
        return;
      }
      served.add(index);
      const model = config.models[index]!;
      if (model.vendor !== provider.vendor && named(model.vendor) && named(provider.vendor)) {
        problems.push(
          `providers[${i}].models[${j}].model: "${servedModel.model}" is a ${model.vendor} model; provider "${provider.id}" is vendor ${provider.vendor}`,
        );
      }
      if (!checked(provider) || !checked(model)) return;
      const caps = capabilitiesOf(provider, servedModel);
      if (model.kind === 'embedding' && !caps.embeddings) {
        problems.push(
          `providers[${i}].models[${j}].model: provider "${provider.id}" cannot serve embedding model "${servedModel.model}" (no embeddings capability)`,
        );
      }
      if (model.kind === 'chat' && !caps.chat) {
        problems.push(
          `providers[${i}].models[${j}].model: provider "${provider.id}" cannot serve chat model "${servedModel.model}" (no chat capability)`,
        );
      }
      for (const feature of model.requires) {
        if (!caps[feature])
          problems.push(
            `providers[${i}].models[${j}].model: "${servedModel.model}" requires ${feature}, which provider "${provider.id}" lacks`,
          );
      }
      if (provider.type === 'azure' && !servedModel.azure_deployment) {
        problems.push(`providers[${i}].models[${j}].azure_deployment: is required for type "azure"`);
      }
    });
  });
  config.models.forEach((model, i) => {
    if (!served.has(i) && named(model.name))
      problems.push(`models[${i}]: model "${model.name}" has no provider serving it`);
    model.routing.fallback.forEach((name, k) => {
      const target = modelNames.get(name);
      if (target === undefined) problems.push(`models[${i}].routing.fallback[${k}]: unknown model "${name}"`);
      else if (target === i) problems.push(`models[${i}].routing.fallback[${k}]: a model cannot fall back to itself`);
      else if (checked(config.models[target]!) && config.models[target]!.kind !== model.kind)
        problems.push(`models[${i}].routing.fallback[${k}]: "${name}" is not a ${model.kind} model`);
    });
    for (const kind of ['canary', 'shadow'] as const) {
      const experiment = model.routing[kind];
      if (!experiment) continue;
      const provider = config.providers.find((p) => p.id === experiment.provider);
      if (!provider) problems.push(`models[${i}].routing.${kind}.provider: unknown provider "${experiment.provider}"`);
      else if (!provider.models.some((m) => modelNames.get(m.model) === i)) {
        problems.push(
          `models[${i}].routing.${kind}.provider: provider "${experiment.provider}" does not serve "${model.name}"`,
        );
      }
    }
  });
  // Files the configuration names are read at start-up: say now that one cannot be, with the others.
  const issuer = config.provenance?.c2pa_issuer;
  for (const field of ['certificate_file', 'key_file'] as const) {
    if (!issuer) break;
    try {
      accessSync(issuer[field], constants.R_OK);
    } catch (err) {
      problems.push(
        `provenance.c2pa_issuer.${field}: cannot read ${issuer[field]} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }
  return problems;
}
