// A reference for `npm run bench`: the least a Node gateway can do while meeting the provenance contract
// (#7: every reply signed with Ed25519). node:http server, undici's dispatch API, bodies buffered as raw
// chunks; JSON replies are parsed, signed over their content and get the signature spliced in; streams are
// forwarded chunk by chunk and end with a signed event. No auth, routing, metering or anything else.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const [upstream, portArg] = process.argv.slice(2);
const pool = new Pool(upstream!, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
const { privateKey } = generateKeyPairSync('ed25519');

const signature = (content: string) =>
  sign(null, createHash('sha256').update(content).digest(), privateKey).toString('base64url');

const server = createServer((req, res) => {
  const body: Buffer[] = [];
  req.on('data', (chunk: Buffer) => body.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(body).toString();
    const stream = (JSON.parse(text) as { stream?: boolean }).stream === true;
    const parts: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_c, status, headers) {
        res.writeHead(status, { 'content-type': String(headers['content-type'] ?? 'application/json') });
      },
      onResponseData(_c, chunk) {
        parts.push(chunk);
        if (stream) res.write(chunk);
      },
      onResponseEnd() {
        const reply = Buffer.concat(parts).toString();
        if (stream) return void res.end(`data: {"provenance":"${signature(reply)}"}\n\n`);
        const parsed = JSON.parse(reply) as { choices?: Array<{ message?: { content?: string } }> };
        const proof = JSON.stringify({ signature: signature(parsed.choices?.[0]?.message?.content ?? '') });
        res.end(`${reply.slice(0, reply.lastIndexOf('}'))},"provenance":${proof}}`);
      },
      onResponseError() {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      },
    };
    pool.dispatch(
      { method: 'POST', path: req.url!, headers: { 'content-type': 'application/json' }, body: text },
      handler,
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portArg), '127.0.0.1', () => console.log(`signing floor proxy on ${portArg} -> ${upstream}`));
