// The public model catalogue, resolved from configuration: each model (and alias) with the deployments
// that can serve it, each deployment with its vendor, region and adapter.
import { capabilitiesOf } from '../config/capabilities.ts';
import type {
  Capabilities,
  CatalogueModelConfig,
  ConduitConfig,
  ProviderConfig,
  RegionConfig,
} from '../config/schema.ts';
import type { ProviderAdapter } from '../providers/types.ts';

export interface Deployment {
  id: string;
  vendor: string;
  region: RegionConfig;
  provider: ProviderConfig;
  adapter: ProviderAdapter;
  /** The vendor's name for the model on this deployment. */
  upstreamModel: string;
  azureDeployment?: string;
  capabilities: Capabilities;
  /** Vendor cost per million tokens, for least-cost routing; undefined when not configured. */
  cost?: { input: number; output: number };
  priority: number;
  weight: number;
}

export interface CatalogueModel {
  name: string;
  vendor: string;
  kind: CatalogueModelConfig['kind'];
  aliases: readonly string[];
  description?: string;
  routing: CatalogueModelConfig['routing'];
  deployments: Deployment[];
  /** Unix seconds, for /v1/models. */
  created: number;
}

export class Catalogue {
  private readonly byName = new Map<string, CatalogueModel>();
  readonly models: CatalogueModel[] = [];
  readonly adapters: ProviderAdapter[] = [];

  constructor(config: ConduitConfig, createAdapter: (provider: ProviderConfig) => ProviderAdapter) {
    const created = Math.floor(Date.now() / 1000);
    for (const m of config.models) {
      const model: CatalogueModel = {
        name: m.name,
        vendor: m.vendor,
        kind: m.kind,
        aliases: m.aliases,
        description: m.description,
        routing: m.routing,
        deployments: [],
        created,
      };
      this.models.push(model);
      for (const name of [m.name, ...m.aliases]) this.byName.set(name, model);
    }
    const regions = new Map(config.regions.map((r) => [r.id, r]));
    for (const provider of config.providers) {
      const adapter = createAdapter(provider);
      this.adapters.push(adapter);
      for (const served of provider.models) {
        this.byName.get(served.model)!.deployments.push({
          id: provider.id,
          vendor: provider.vendor,
          region: regions.get(provider.region)!,
          provider,
          adapter,
          upstreamModel: served.upstream ?? served.model,
          azureDeployment: served.azure_deployment,
          capabilities: capabilitiesOf(provider, served),
          cost: served.cost_per_mtok,
          priority: provider.priority,
          weight: provider.weight,
        });
      }
    }
  }

  resolve(name: string): CatalogueModel | undefined {
    return this.byName.get(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.adapters.map((a) => a.close()));
  }
}
