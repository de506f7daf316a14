// An OTLP/HTTP receiver that reads every export and discards it, answering 200 as a collector does: the far end
// of the traced gateway in `BENCH_OBSERVABILITY=1 npm run bench`. Its own process, so its work is not the gateway's.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
let spansBytes = 0;
createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (spansBytes += chunk.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
}).listen(port, '127.0.0.1', () => console.log(`otlp sink on :${port}`));
process.on('SIGTERM', () => {
  console.log(`otlp sink received ${spansBytes} bytes`);
  process.exit(0);
});
