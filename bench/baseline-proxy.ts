// The baseline: the fastest a Node gateway can be here. node:http server piping bodies both ways through
// an undici connection pool, doing nothing else.
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const [upstream, portArg] = process.argv.slice(2);
const pool = new Pool(upstream!, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer(async (req, res) => {
  try {
    const up = await pool.request({
      method: req.method as 'POST',
      path: req.url!,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req,
    });
    res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
    await pipeline(up.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portArg), '127.0.0.1', () => console.log(`baseline proxy on ${portArg} -> ${upstream}`));
