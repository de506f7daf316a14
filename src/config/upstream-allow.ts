// Which servers the configuration may make the gateway call (`security.upstream_allow`). Without a list, any
// http(s) host but the link-local range (169.254.0.0/16, fe80::/10: cloud metadata services answer there); with
// one, only the hosts it names: host names (`api.openai.com`, `*.openai.azure.com`), addresses and CIDR ranges
// (`10.0.0.0/8`, `::1`). Address ranges are matched by node's BlockList.
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { hostOf } from '../util/http-url.ts';

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** `10.0.0.0/8` or `fd00::/8` as [address, prefix], or undefined. */
function cidr(pattern: string): [string, number] | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(pattern);
  if (!match) return undefined;
  const family = isIP(match[1]!);
  const prefix = Number(match[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  return [match[1]!, prefix];
}

const validPattern = (p: string) => isIP(p) !== 0 || cidr(p) !== undefined || HOST_NAME.test(p);

export const securityConfigSchema = z
  .object({
    /** The hosts upstream URLs may name; unset, any but link-local addresses. */
    upstream_allow: z
      .array(
        z
          .string()
          .refine(
            validPattern,
            'must be a host name (optionally starting "*."), an IP address or a CIDR range such as 10.0.0.0/8',
          ),
      )
      .optional(),
  })
  .strict();

export type SecurityConfig = z.infer<typeof securityConfigSchema>;

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const range = cidr(entry);
    if (range) list.addSubnet(range[0], range[1], family(range[0]));
    else if (isIP(entry) !== 0) list.addAddress(entry, family(entry));
  }
  return list;
}

const LINK_LOCAL = addressList(['169.254.0.0/16', 'fe80::/10']);

/** Why `url` may not be called under this allow-list, or undefined when it may. */
export function upstreamRefusal(url: string, allow: readonly string[] | undefined): string | undefined {
  const host = hostOf(url);
  const ip = isIP(host) !== 0;
  if (allow === undefined) {
    return ip && LINK_LOCAL.check(host, family(host))
      ? `host ${host} is link-local (cloud metadata services answer there); list it in security.upstream_allow to call it`
      : undefined;
  }
  const allowed = ip
    ? addressList(allow).check(host, family(host))
    : allow.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1).toLowerCase()) : host === p.toLowerCase()));
  return allowed ? undefined : `host ${host} is not in security.upstream_allow`;
}

/** Every upstream URL of the configuration that its allow-list refuses, by path. */
export function upstreamProblems(config: {
  security?: SecurityConfig;
  providers: ReadonlyArray<{ base_url?: string }>;
  audit?: { checkpoint_url?: string };
}): string[] {
  const allow = config.security?.upstream_allow;
  const urls: Array<[string, string | undefined]> = [
    ...config.providers.map((p, i): [string, string | undefined] => [`providers[${i}].base_url`, p.base_url]),
    ['audit.checkpoint_url', config.audit?.checkpoint_url],
  ];
  return urls.flatMap(([path, url]) => {
    const refusal = url === undefined ? undefined : upstreamRefusal(url, allow);
    return refusal ? [`${path}: ${refusal}`] : [];
  });
}
