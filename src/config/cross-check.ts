// Checks across entries that a per-field schema cannot express: references, duplicates, orphans.
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
      if (provider.type === 'anthropic' && model.kind === 'embedding') {
        problems.push(`providers[${i}].models[${j}].model: anthropic deployments cannot serve embedding model "${servedModel.model}"`);
      }
      if (provider.type === 'azure' && !servedModel.azure_deployment) {
        problems.push(`providers[${i}].models[${j}].azure_deployment: is required for type "azure"`);
      }
      served.add(index);
    });
  });
  config.models.forEach((model, i) => {
    if (!served.has(i)) problems.push(`models[${i}]: model "${model.name}" has no provider serving it`);
  });
  return problems;
}
