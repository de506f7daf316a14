// The data-plane server in front of a node:http server: it takes the node server's connections, serves the
// requests its handler accepts itself, and hands a connection to node:http (Fastify: the admin API, models,
// health, provenance) at the first request it does not. node:http's request and response objects, streams and
// per-request events cost the data plane's hot path 60-75 µs a request at concurrency 1 on this machine, over a
// third of what the gateway added to a call (`npm run bench`).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ServerConnection, type Http1Handler } from './connection.ts';

export interface DataPlaneServerOptions {
  keepAliveMs: number;
  requestTimeoutMs: number;
}

export class DataPlaneServer {
  private readonly connections = new Set<ServerConnection>();

  constructor(server: Server, handler: Http1Handler, options: DataPlaneServerOptions) {
    // node:http's own connection listener, called for the connections handed to it.
    const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
    server.removeAllListeners('connection');
    const handOff = (socket: Socket) => {
      for (const listener of nodeListeners) listener.call(server, socket);
      socket.resume();
    };
    const connectionOptions = { ...options, handOff };
    server.on('connection', (socket: Socket) => {
      const c = new ServerConnection(socket, handler, connectionOptions);
      this.connections.add(c);
      // Still heard after a hand-off: node:http's connections are closed with ours by destroyAll().
      socket.once('close', () => this.connections.delete(c));
    });
  }

  /** For a graceful shutdown: idle connections close now, the others after the reply under way. Connections
   * handed to node:http are its to close (server.closeIdleConnections()). */
  drain(): void {
    for (const c of this.connections) c.drain();
  }

  /** Closes every connection at once, replies in progress included. */
  destroyAll(): void {
    for (const c of this.connections) c.socket.destroy();
  }
}
