// `conduit config check FILE`: validate a configuration without starting anything.
import type { Command } from 'commander';
import { ConfigError, loadConfigFile } from '../../config/load.ts';
import { listPricesBelowCost } from '../../metering/below-cost.ts';
import { coverageOf, describeGap, priceGaps } from '../../metering/price-coverage.ts';
import { PriceIndex } from '../../metering/pricebook.ts';
import { loadC2paIssuer } from '../../provenance/c2pa/issuer-config.ts';

export function register(program: Command): void {
  program
    .command('config')
    .description('configuration')
    .command('check <file>')
    .description('validate a configuration file')
    .action((file: string) => {
      try {
        const config = loadConfigFile(file);
        loadC2paIssuer(config, file);
        console.log(
          `${file}: OK (${config.regions.length} regions, ${config.vendors.length} vendors, ${config.providers.length} providers, ${config.models.length} models)`,
        );
        // Valid, but served without a price: refused at run time (model_not_priced) until priced or declared free.
        const gaps = priceGaps(coverageOf(config), new PriceIndex(config.pricing), new Date().toISOString());
        for (const gap of gaps) console.log(`  not priced today: ${describeGap(gap, config.pricing.currency)}`);
        // Valid, but losing money on every token of that kind (a PUT of such prices is warned about, or refused).
        for (const f of listPricesBelowCost(config.pricing, coverageOf(config), new Date().toISOString().slice(0, 10)))
          console.log(`  below cost: pricing.${f.param}: ${f.message}`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        console.error(err.message);
        process.exitCode = 2;
      }
    });
}
