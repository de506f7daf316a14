// Checks across entries that a per-field schema cannot express: references, duplicates, orphans.
import { capabilitiesOf } from './capabilities.ts';
import type { ConduitConfig } from './schema.ts';

export function crossCheck(config: ConduitConfig): string[] {
  const problems: string[] = [];
  const regions = new Set<string>();
  const vendors = new Set<string>();
  const providerIds = new Set<string>();
  const modelNames = new Map<string, number>();

  config.regions.forEach((region, i) => {
    if (regions.has(region.id)) problems.push(`regions[${i}].id: duplicate region "${region.id}"`);
    regions.add(region.id);
  });
  config.vendors.forEach((vendor, i) => {
    if (vendors.has(vendor.id)) problems.push(`vendors[${i}].id: duplicate vendor "${vendor.id}"`);
    vendors.add(vendor.id);
  });
  config.models.forEach((model, i) => {
    for (const name of [model.name, ...model.aliases]) {
      if (modelNames.has(name)) problems.push(`models[${i}]: model name or alias "${name}" is already used by models[${modelNames.get(name)}]`);
      modelNames.set(name, i);
    }
    if (!vendors.has(model.vendor)) problems.push(`models[${i}].vendor: unknown vendor "${model.vendor}"`);
  });

  const served = new Set<number>();
  config.providers.forEach((provider, i) => {
    if (providerIds.has(provider.id)) problems.push(`providers[${i}].id: duplicate provider "${provider.id}"`);
    providerIds.add(provider.id);
    if (!regions.has(provider.region)) problems.push(`providers[${i}].region: unknown region "${provider.region}"`);
    if (!vendors.has(provider.vendor)) problems.push(`providers[${i}].vendor: unknown vendor "${provider.vendor}"`);
    provider.models.forEach((servedModel, j) => {
      const index = modelNames.get(servedModel.model);
      if (index === undefined) {
        problems.push(`providers[${i}].models[${j}].model: "${servedModel.model}" is not in the model catalogue`);
        return;
      }
      const model = config.models[index]!;
      if (model.vendor !== provider.vendor) {
        problems.push(
          `providers[${i}].models[${j}].model: "${servedModel.model}" is a ${model.vendor} model; provider "${provider.id}" is vendor ${provider.vendor}`,
        );
      }
      const caps = capabilitiesOf(provider, servedModel);
      if (model.kind === 'embedding' && !caps.embeddings) {
        problems.push(`providers[${i}].models[${j}].model: provider "${provider.id}" cannot serve embedding model "${servedModel.model}" (no embeddings capability)`);
      }
      if (model.kind === 'chat' && !caps.chat) {
        problems.push(`providers[${i}].models[${j}].model: provider "${provider.id}" cannot serve chat model "${servedModel.model}" (no chat capability)`);
      }
      for (const feature of model.requires) {
        if (!caps[feature]) problems.push(`providers[${i}].models[${j}].model: "${servedModel.model}" requires ${feature}, which provider "${provider.id}" lacks`);
      }
      if (provider.type === 'azure' && !servedModel.azure_deployment) {
        problems.push(`providers[${i}].models[${j}].azure_deployment: is required for type "azure"`);
      }
      served.add(index);
    });
  });
  config.models.forEach((model, i) => {
    if (!served.has(i)) problems.push(`models[${i}]: model "${model.name}" has no provider serving it`);
    model.routing.fallback.forEach((name, k) => {
      const target = modelNames.get(name);
      if (target === undefined) problems.push(`models[${i}].routing.fallback[${k}]: unknown model "${name}"`);
      else if (config.models[target]!.kind !== model.kind) problems.push(`models[${i}].routing.fallback[${k}]: "${name}" is not a ${model.kind} model`);
      else if (target === i) problems.push(`models[${i}].routing.fallback[${k}]: a model cannot fall back to itself`);
    });
    for (const kind of ['canary', 'shadow'] as const) {
      const experiment = model.routing[kind];
      if (!experiment) continue;
      const provider = config.providers.find((p) => p.id === experiment.provider);
      if (!provider) problems.push(`models[${i}].routing.${kind}.provider: unknown provider "${experiment.provider}"`);
      else if (!provider.models.some((m) => modelNames.get(m.model) === i)) {
        problems.push(`models[${i}].routing.${kind}.provider: provider "${experiment.provider}" does not serve "${model.name}"`);
      }
    }
  });
  return problems;
}
