// The `provenance.c2pa_issuer` setting: the operator's CA files, read and checked at start-up (and by
// `conduit config check`), with errors that name the setting.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/load.ts';
import type { ConduitConfig } from '../../config/schema.ts';
import { parseIssuer, type C2paIssuer } from './credentials.ts';

/** The operator's C2PA issuing CA, when configured; a bad one stops start-up with the config path named. */
export function loadC2paIssuer(config: ConduitConfig, source = 'config'): C2paIssuer | undefined {
  const files = config.provenance.c2pa_issuer;
  if (!files) return undefined;
  const read = (field: 'certificate_file' | 'key_file') => {
    try {
      return readFileSync(files[field], 'utf8');
    } catch (err) {
      throw new ConfigError(source, [
        `provenance.c2pa_issuer.${field}: cannot read ${files[field]} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      ]);
    }
  };
  try {
    return parseIssuer(read('certificate_file'), read('key_file'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(source, [`provenance.c2pa_issuer: ${(err as Error).message}`]);
  }
}
