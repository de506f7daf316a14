// A reference for `npm run bench` at concurrency 1: a TCP relay that copies bytes both ways between each client
// connection and one upstream connection of its own, understanding no HTTP at all. What it adds over calling
// the simulator directly is the cost of the extra hop itself on this machine (two more socket writes and
// wake-ups); what the bare proxy adds beyond it is its HTTP work (node:http and undici).
import net from 'node:net';

const [upstream, portArg] = process.argv.slice(2);
const { hostname, port } = new URL(upstream!);

net
  .createServer((client) => {
    const server = net.connect(Number(port), hostname);
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      from.setNoDelay(true);
      from.on('data', (chunk) => to.write(chunk));
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    }
  })
  .listen(Number(portArg), '127.0.0.1', () => console.log(`tcp relay on ${portArg} -> ${upstream}`));
