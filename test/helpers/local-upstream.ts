// A scripted upstream on 127.0.0.1, for tests of what the gateway makes of what vendors send: the script gets each
// request's path and JSON body (an empty object when it has none) and writes the reply.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalUpstream {
  /** Its base URL, `/v1` included (a deployment's base_url). */
  url: string;
  close(): Promise<void>;
}

export async function startLocalUpstream(
  script: (request: { path: string; body: Record<string, unknown> }, res: ServerResponse) => void,
): Promise<LocalUpstream> {
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () =>
      script({ path: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> }, res),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
