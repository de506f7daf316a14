// Keyed hashes for what the detector keeps and what leaves the gateway in a report: client addresses and
// campaigns. Stable for a data folder (keyed by the secret customer pseudonyms come from), not reversible
// without it, and never the address itself.
import { createHmac } from 'node:crypto';

export class Pseudonyms {
  private readonly key: Buffer;
  private readonly addresses = new Map<string, string>();

  constructor(secret: string) {
    // A key of its own, derived from the secret: these hashes cannot be matched against customer pseudonyms.
    this.key = createHmac('sha256', secret).update('conduit abuse pseudonyms v1').digest();
  }

  /** `adr_` and 22 base64url characters (128 bits of HMAC-SHA-256). */
  address(ip: string): string {
    let p = this.addresses.get(ip);
    if (!p) {
      p = `adr_${this.hash('address', ip)}`;
      if (this.addresses.size >= 100_000) this.addresses.clear();
      this.addresses.set(ip, p);
    }
    return p;
  }

  /** A campaign, by its root organisation: `cmp_` and 22 base64url characters. */
  campaign(root: string): string {
    return `cmp_${this.hash('campaign', root)}`;
  }

  private hash(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`${kind}\0${value}`).digest('base64url').slice(0, 22);
  }
}
