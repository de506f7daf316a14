// The URL of a server the gateway calls (a deployment's base_url, the audit checkpoint endpoint): http or https
// only, and never with a credential in it (the secret belongs in an environment variable, never in the file).
import { z } from 'zod';

export const httpUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
    return;
  }
  if (url.username !== '' || url.password !== '')
    ctx.addIssue({
      code: 'custom',
      message: 'must not carry credentials (user:password@): name the environment variable that holds the secret',
    });
});

/** The host an http(s) URL names, IPv6 brackets removed, lower case. */
export function hostOf(value: string): string {
  return new URL(value).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
