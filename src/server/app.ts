// HTTP assembly: the Fastify instance with the data plane, the admin API and one error handler for all.
import { createServer } from 'node:http';
import pino from 'pino';
import { accessLogTo, batchedPerTurn, type AccessLog } from './access-log.ts';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';

import { GatewayError, requestTooLarge } from '../errors.ts';
import { adminPrincipalGuard, requireDeclaredRole } from './admin-auth.ts';
import { actorNote, principalOf } from './actor.ts';
import type { AdminPrincipals } from '../tenancy/principals.ts';
import { parseBodyJson, toGatewayError, writeError } from './errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ConduitConfig } from '../config/schema.ts';
import { surfaceOf } from './routes/data-plane.ts';
import { newRequestId } from './request-id.ts';
import { connectionErrorHandler } from './connection-errors.ts';
import { jsonTooDeep, nestsDeeperThan } from './request-limits.ts';
import { VERSION } from '../version.ts';
import { api } from './api.ts';
import { collectRoutes } from './openapi.ts';
import { adminOpenApiRoutes } from './routes/admin-openapi.ts';
import { readinessRoutes } from './routes/readiness.ts';
import type { ReadinessCheck } from '../store/ports.ts';
import type { LiveTraffic } from '../observability/live-traffic.ts';

/** What the server itself needs; routes get their own services where they are mounted (the composition root). */
export interface ServerParts {
  config: Readonly<ConduitConfig>;
  /** Admin principals and the bootstrap token (the `admin` principal): who may call /admin/v1. */
  principals: AdminPrincipals;
  /** Every admin action that changed something is recorded here. */
  audit: AuditLog;
  logLevel: string;
  /** What GET /readyz checks: the servers the configuration selects (none for the embedded default). */
  readiness?: ReadinessCheck[];
  /** Counts each data-plane reply for GET /admin/v1/traffic/live. */
  liveTraffic?: LiveTraffic;
}

/** The route modules, in two groups: the public ones, and those under /admin/v1 behind principals and roles. */
export interface RouteMounts {
  public(app: FastifyInstance): void;
  admin(admin: FastifyInstance): void;
}

/**
 * The access log: pino writing through a buffer that is flushed every 100 ms (and at exit), so a log line
 * costs the request no write syscall. Writing each line synchronously to a pipe blocked the event loop for as
 * long as the reader took: the largest single cost per request in the benchmark.
 */
function accessLogger(level: string): { logger: FastifyBaseLogger; access: AccessLog } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192 });
  setInterval(() => destination.flush(), 100).unref();
  const logger = pino({ level }, destination);
  return {
    logger,
    access: accessLogTo(
      logger,
      batchedPerTurn((text) => destination.write(text)),
    ),
  };
}

const KEEP_ALIVE_MS = 72_000;

const shuttingDown = () =>
  new GatewayError('server_shutting_down', 'The server is shutting down; retry on another instance.');

export function buildApp(deps: ServerParts, mounts: RouteMounts): FastifyInstance {
  const { logger, access } = accessLogger(deps.logLevel);
  const limits = deps.config.server;
  let closing = false;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer(
        {
          keepAliveTimeout: KEEP_ALIVE_MS,
          headersTimeout: limits.headers_timeout_ms,
          requestTimeout: limits.request_timeout_ms,
          maxHeaderSize: limits.max_header_bytes,
          // How often node looks for connections past those deadlines (its default is 30 s).
          connectionsCheckingInterval: Math.min(1_000, limits.headers_timeout_ms),
        },
        (req, res) => {
          // node:http closes only the connections idle when the shutdown begins: one whose reply was under way
          // then is closed once that reply is done.
          // on, not once (here and below): a response finishes and closes once, and once() adds a wrapper per listener.
          res.on('finish', () => closing && setImmediate(() => server.closeIdleConnections()));
          handler(req, res);
        },
      );
      return server;
    },
    loggerInstance: logger,
    // One access-log line per request, written when its reply closes, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.server.body_limit_bytes,
    clientErrorHandler: connectionErrorHandler(limits),
    // Requests the router refuses (a malformed percent-encoding, an overlong path segment) get our error too.
    frameworkErrors: (err, request, reply) => replyWithError(err, request, reply),
    trustProxy: deps.config.server.trust_proxy,
    genReqId: newRequestId,
    requestIdHeader: false,
    // Requests that arrive while closing get our own OpenAI-shaped 503 (the onRequest hook below).
    return503OnClosing: false,
    // A graceful close: idle connections close at once, requests under way finish (within the grace below).
    forceCloseConnections: 'idle',
  });

  // JSON whatever the declared content type (curl users often forget the header).
  const parseJson = (
    _req: FastifyRequest,
    body: string | Buffer,
    done: (err: Error | null, value?: unknown) => void,
  ) => {
    try {
      const value = parseBodyJson(body as string);
      if (nestsDeeperThan(value, limits.max_json_depth)) throw jsonTooDeep(limits.max_json_depth);
      done(null, value);
    } catch (err) {
      done(err as Error, undefined);
    }
  };
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);

  let grace: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    closing = true;
    // What is still under way when the grace runs out is cut (its usage is recorded as a client that went away).
    grace = setTimeout(() => app.server.closeAllConnections(), deps.config.server.shutdown_grace_ms);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearTimeout(grace);
    done();
  });
  app.decorateRequest('exchange', null);
  app.addHook('onRequest', (request, reply, done) => {
    const res = reply.raw;
    // On Fastify's reply, not node's: a header set on node's response before writeHead makes node copy every header
    // of the reply into a table it keeps for the connection's life (1.8 KB per open stream). Replies written on
    // node's response (the data plane's, errors) carry it in their own headers.
    reply.header('x-request-id', request.id);
    res.on('close', () => {
      const status = res.writableFinished ? res.statusCode : 499;
      if (request.url.startsWith('/v1/')) deps.liveTraffic?.record(status, reply.elapsedTime);
      access(request.id, request.method, request.url, status, Math.round(reply.elapsedTime), request.exchange?.context);
    });
    if (!closing) return done();
    res.setHeader('connection', 'close');
    done(shuttingDown());
  });

  const replyWithError = (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const error =
      (err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? requestTooLarge(limits.body_limit_bytes)
        : toGatewayError(err);
    if (error.status >= 500) request.log.error({ err, code: error.code }, error.message);
    // A body left unread (too large, or refused before it was read) would be read as the next request: close.
    if (!request.raw.complete) reply.raw.setHeader('connection', 'close');
    reply.hijack();
    writeError(reply.raw, error, surfaceOf(request)?.errorBody, { 'x-request-id': request.id });
  };
  app.setErrorHandler(replyWithError);
  app.setNotFoundHandler((request, reply) =>
    replyWithError(
      new GatewayError('unknown_url', `Unknown request URL: ${request.method} ${request.url}.`),
      request,
      reply,
    ),
  );

  // Every route, as registered, for the API document (GET /admin/v1/openapi.json).
  const routes = collectRoutes(app);
  app.get('/healthz', api({ summary: 'Ready: {status: ok, version}', public: true }), async () => ({
    status: 'ok',
    version: VERSION,
  }));
  readinessRoutes(app, deps.readiness ?? []);
  mounts.public(app);
  app.register(
    async (admin) => {
      // Every admin route declares the role it needs; one that does not stops the start.
      admin.addHook('onRoute', requireDeclaredRole);
      admin.addHook('onRequest', adminPrincipalGuard(deps.principals));
      // Every admin action that changed something is on the record, whatever route served it: by the principal that
      // acted (id and name); what x-conduit-actor said is kept as a note only.
      admin.addHook('onResponse', async (request, reply) => {
        if (request.method === 'GET' || reply.statusCode >= 400) return;
        const principal = principalOf(request);
        const note = actorNote(request);
        await deps.audit.append({
          actor: principal.name,
          action: 'admin.request',
          subject_type: 'route',
          subject_id: `${request.method} ${request.routeOptions.url ?? request.url}`,
          data: {
            url: request.url,
            status: reply.statusCode,
            principal_id: principal.id,
            role: principal.role,
            ...(note ? { actor_note: note } : {}),
          },
        });
      });
      adminOpenApiRoutes(admin, routes);
      mounts.admin(admin);
    },
    { prefix: '/admin/v1' },
  );
  return app;
}
