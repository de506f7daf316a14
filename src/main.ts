// The composition root: the only place that picks concrete implementations and wires them together.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { demoConfig } from './config/demo.ts';
import { loadConfigFile } from './config/load.ts';
import type { ConduitConfig } from './config/schema.ts';
import { loadC2paIssuer } from './provenance/c2pa/issuer-config.ts';
import { principalFor } from './pipeline/authenticate.ts';
import { type RequestTracer } from './pipeline/trace.ts';
import { STORED_RESPONSE_DAYS } from './pipeline/conversation.ts';
import { InterimUsage } from './metering/interim-usage.ts';
import { Catalogue } from './routing/catalogue.ts';
import { ExperimentBook } from './routing/experiments.ts';
import { Router } from './routing/router.ts';
import { adminTrafficRoutes } from './server/routes/admin-traffic.ts';
import { LiveTraffic } from './observability/live-traffic.ts';
import { consoleRoutes } from './server/routes/console.ts';
import { buildApp } from './server/app.ts';
import { dataPlaneRoutes } from './server/routes/data-plane.ts';
import { requestLimitsOf } from './server/request-limits.ts';
import { publicVettingRoutes, adminVettingRoutes } from './server/routes/admin-vetting.ts';
import { adminProvenanceRoutes, publicProvenanceRoutes } from './server/routes/provenance.ts';
import { adminPrincipalRoutes } from './server/routes/admin-principals.ts';
import { adminTenancyRoutes } from './server/routes/admin-tenancy.ts';
import { adminRoutingRoutes } from './server/routes/admin-routing.ts';
import { adminGovernanceRoutes } from './server/routes/admin-governance.ts';
import { adminOrgTermsRoutes } from './server/routes/admin-org-terms.ts';
import { adminMeteringRoutes } from './server/routes/admin-metering.ts';
import { adminInvoicingRoutes } from './server/routes/admin-invoicing.ts';
import { adminAbuseRoutes } from './server/routes/admin-abuse.ts';
import type { ReadinessCheck, Store } from './store/ports.ts';
import { Tenancy } from './tenancy/tenancy.ts';
import { AdminPrincipals, BOOTSTRAP_PRINCIPAL } from './tenancy/principals.ts';
import { AuditLog } from './audit/audit-log.ts';
import { PolicyService } from './policy/service.ts';
import { SanctionsBook } from './vetting/sanctions/book.ts';
import { VettingService } from './vetting/service.ts';
import { PricingService } from './metering/pricing.ts';
import { InvoicingService } from './metering/invoicing.ts';
import { coverageOf, describeGap } from './metering/price-coverage.ts';
import { RateLimits } from './ratelimit/limiter.ts';
import { LateLog, openCounters } from './counters.ts';
import { AbuseMonitor } from './abuse/monitor.ts';
import { Pseudonyms } from './abuse/pseudonyms.ts';
import { KeyRing } from './provenance/keyring.ts';
import { AdaptiveSigner } from './provenance/signer.ts';
import { FingerprintRegistry } from './provenance/registry.ts';
import { ProvenanceService } from './provenance/service.ts';
import { GatewayMetrics } from './observability/metrics.ts';
import { metricsRoutes } from './server/routes/metrics.ts';
import { VERSION } from './version.ts';
import { LiveConfig } from './config/live-config.ts';
import { buildServing, type Serving, type SharedServices } from './serving.ts';
import { configReloader, type ConfigReloader } from './reload.ts';
import { adminConfigRoutes } from './server/routes/admin-config.ts';
import { adminPromptLogRoutes } from './server/routes/admin-prompt-logs.ts';

import { seedDemoActivity } from './demo-activity.ts';
import { auditCheckpoints, keyEncryptionKey, sealingKey, openStore, generatedAdminToken, seedDemo } from './startup.ts';

export interface GatewayOptions {
  /** Data folder for the embedded store; ':memory:' for a throwaway in-memory database. */
  dataDir: string;
  configFile?: string;
  /** Overrides config.server.port (0 = any free port). */
  port?: number;
  host?: string;
  adminToken?: string;
  logLevel?: string;
  /** The web console's built files (default console/dist). */
  consoleDir?: string;
  /** Send the demo's activity once listening (src/demo-activity.ts), when the demo is seeded: the CLI's start does. */
  demoActivity?: boolean;
  /** Print the demo key and admin token (the CLI does; tests do not). */
  announce?: (line: string) => void;
}

export interface Gateway {
  url: string;
  app: FastifyInstance;
  /** The configuration in force (a reload replaces it), its catalogue and router. */
  readonly config: Readonly<ConduitConfig>;
  store: Store;
  tenancy: Tenancy;
  readonly catalogue: Catalogue;
  readonly router: Router;
  audit: AuditLog;
  policy: PolicyService;
  vetting: VettingService;
  pricing: PricingService;
  provenance: ProvenanceService;
  abuse: AbuseMonitor;
  /** Traces (observability.tracing), when on. */
  tracer?: RequestTracer;
  /** Re-reads the configuration file (as SIGHUP does: by default on the bootstrap principal's behalf). */
  reload: (by?: Parameters<ConfigReloader['reload']>[0]) => ReturnType<ConfigReloader['reload']>;
  adminToken: string;
  /** The demo organisation's key, when the demo was seeded in this data folder. */
  demoKey?: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const config = options.configFile ? loadConfigFile(options.configFile) : demoConfig();
  const issuer = loadC2paIssuer(config, options.configFile);
  // Background store writes that failed (retried; nothing is lost) go to the log once there is one.
  let logStoreError = (err: unknown) => console.error(err);
  // In cluster mode the KEK must come from the environment: checked before connecting to anything.
  const clusterKek = config.cluster ? keyEncryptionKey(options.dataDir, true) : undefined;
  const clusterLog = new LateLog();
  const storeLog = {
    error: (message: string, err?: unknown) => clusterLog.error(err, message),
    warn: (message: string) => clusterLog.warn(message),
    info: (message: string) => clusterLog.info(message),
  };
  const opened = await openStore(config, options.dataDir, storeLog, (err) => logStoreError(err));
  const store = opened.store;
  // What GET /readyz checks: each server the configuration selects.
  const readiness: ReadinessCheck[] = [...opened.readiness];
  // Rate limits, budgets, and the bus that tells the other nodes what an operator changed: Redis in a cluster.
  // Budget scopes are "org:<org>" and "key:<org>:<key>"; what they spent this month comes from the ledger.
  const counters = await openCounters(
    config,
    (scope, monthStart) => {
      const [, orgId, keyId] = scope.split(':') as [string, string, string | undefined];
      return store.ledger.spent(orgId, monthStart, keyId);
    },
    clusterLog,
  );
  if (counters.readiness) readiness.push(counters.readiness);
  const tenancy = new Tenancy(store.orgs, store.keys, counters.bus);
  // The catalogue in force, for the services built once (a reload replaces it): read when asked, never kept.
  const inForce: { live?: LiveConfig<Serving> } = {};
  const catalogue: Pick<Catalogue, 'models' | 'resolve'> = {
    get models() {
      return inForce.live!.current.catalogue.models;
    },
    resolve: (name) => inForce.live!.current.catalogue.resolve(name),
  };
  // Manifest signatures: inline when quiet, on a signing thread under load (off the event loop).
  const signer = new AdaptiveSigner();
  // Private signing keys are sealed at rest under the key-encryption key (env, else DATA/key-encryption-key).
  const kek = await sealingKey(clusterKek ?? keyEncryptionKey(options.dataDir, false), async (encryption) => {
    const ring = new KeyRing(store.signingKeys, signer, issuer, encryption, counters.bus);
    await ring.init();
    return ring;
  });
  const keyRing = kek.keyRing;
  let logAuditError = (err: unknown) => console.error(err);
  const audit = new AuditLog(
    store.audit,
    auditCheckpoints(config, options.configFile ?? 'config', options.dataDir, keyRing, (err) => logAuditError(err)),
  );
  const policy = new PolicyService(config.policy, store.policy, audit, catalogue, counters.bus);
  await policy.init();
  const sanctions = new SanctionsBook(store.vetting, counters.bus);
  await sanctions.init();
  const vetting = new VettingService(tenancy, store.vetting, audit, sanctions, config.vetting);
  const pricing = new PricingService(config.pricing, store.priceBooks, audit, coverageOf(config), counters.bus);
  await pricing.init();
  const invoicing = new InvoicingService(store.ledger, store.billing, pricing, config.invoicing, audit);
  const registry = new FingerprintRegistry(store.fingerprints, (err) =>
    app.log.error({ err }, 'fingerprint registration failed'),
  );
  const provenance = new ProvenanceService(
    keyRing,
    registry,
    config.provenance.verify_max_bytes,
    keyRing.oldestPrivatePem,
    config.provenance.disclosure_default,
  );
  const rateLimits = new RateLimits();
  const endUserOf = (orgId: string) => provenance.customerPseudonym(orgId);
  // Profiles and alerts are stored; client addresses only as keyed hashes (keyed like customer pseudonyms).
  const abuse = new AbuseMonitor(
    config.abuse,
    tenancy,
    vetting,
    audit,
    (err) => app.log.error({ err }, 'abuse monitor failed'),
    { store: store.abuse, pseudonyms: new Pseudonyms(keyRing.oldestPrivatePem), peers: counters.peers?.('abuse') },
  );
  const retention = setInterval(() => {
    const before = new Date(Date.now() - config.provenance.retention_days * 86_400_000).toISOString();
    void store.fingerprints.purge(before).catch((err) => app.log.error({ err }, 'fingerprint retention purge failed'));
    const responsesBefore = new Date(Date.now() - STORED_RESPONSE_DAYS * 86_400_000).toISOString();
    void store.responses.purge(responsesBefore).catch((err) => app.log.error({ err }, 'stored responses purge failed'));
    // Each prompt log entry expires after its organisation's retention (set when it was written).
    void store.promptLogs
      .purgeExpired(new Date().toISOString())
      .catch((err) => app.log.error({ err }, 'prompt log retention purge failed'));
  }, 3_600_000);
  retention.unref();
  // Streams' interim usage records: durable before their first byte, then what they delivered, about once a second.
  const interim = new InterimUsage(store.usage, pricing, (err) => logStoreError(err));
  // In a cluster, each node's experiment figures reach the others: any node reports an experiment as a whole.
  const experiments = new ExperimentBook(counters.peers?.('experiments'), (err) =>
    app.log.warn({ err }, 'sharing experiment figures with the other nodes failed'),
  );
  const adminToken = options.adminToken ?? process.env.CONDUIT_ADMIN_TOKEN ?? generatedAdminToken(options.dataDir);
  const metrics = config.observability.metrics.enabled
    ? new GatewayMetrics({
        version: VERSION,
        currency: () => pricing.currency,
        circuits: () => inForce.live!.current.health.snapshot(),
        queues: () => store.queueDepths?.() ?? {},
      })
    : undefined;

  // Traces only when configured: the OpenTelemetry SDK is not even loaded otherwise, and no stage is wrapped.
  const tracing = config.observability.tracing;
  const tracer = tracing.enabled
    ? (await import('./observability/tracing.ts')).openTracer(tracing, VERSION)
    : undefined;

  // What the reloadable sections build (catalogue, pools, routing, the pipelines): one generation, replaced whole
  // by a reload, held by each request from its start to its end (serving.ts, reload.ts).
  const shared: SharedServices = {
    tenancy,
    store,
    limits: counters.limits,
    budgets: counters.budgets,
    pricing,
    policy,
    provenance,
    abuse,
    interim,
    experiments,
    endUserOf,
    metrics,
    tracer,
    onShadowError: (err: unknown) => app.log.warn({ err }, 'shadow request failed'),
  };
  const live = new LiveConfig(buildServing(config, shared), (err: unknown) =>
    app.log.error({ err }, 'closing a replaced configuration failed'),
  );
  inForce.live = live;
  const reloader = configReloader({ file: options.configFile, live, shared, audit });

  const principals = new AdminPrincipals(store.principals, adminToken);
  const provenanceDeps = {
    provenance,
    tenancy,
    limits: rateLimits,
    verifyPerMinute: config.provenance.verify_per_minute,
    adminToken,
    audit,
  };
  const vettingDeps = { vetting, sanctions, vettingConfig: config.vetting };
  const liveTraffic = new LiveTraffic();
  const app = buildApp(
    {
      config,
      principals,
      audit,
      readiness,
      liveTraffic,
      logLevel: options.logLevel ?? process.env.CONDUIT_LOG_LEVEL ?? 'info',
    },
    {
      public(app) {
        dataPlaneRoutes(
          app,
          { serving: live, principalOf: (credential) => principalFor(tenancy, credential) },
          requestLimitsOf(config.server),
        );
        publicVettingRoutes(app, vettingDeps);
        publicProvenanceRoutes(app, provenanceDeps);
        if (!consoleRoutes(app, options.consoleDir))
          app.log.warn(
            'Web console not built (console/dist is missing): /console answers 404; `npm install` builds it',
          );
        metricsRoutes(app, { metrics, principals });
      },
      admin(admin) {
        adminPrincipalRoutes(admin, { principals, audit });
        adminTenancyRoutes(admin, { tenancy, usage: store.usage, audit, vetting });
        adminRoutingRoutes(admin, { tenancy, experiments, serving: live });
        adminConfigRoutes(admin, reloader);
        adminPromptLogRoutes(admin, { tenancy, promptLogs: store.promptLogs, audit });
        adminVettingRoutes(admin, vettingDeps);
        adminGovernanceRoutes(admin, { policy, audit, tenancy, catalogue });
        adminOrgTermsRoutes(admin, { tenancy, audit, serving: live });
        adminMeteringRoutes(admin, { tenancy, ledger: store.ledger, pricing, policy });
        adminInvoicingRoutes(admin, { tenancy, invoicing });
        adminProvenanceRoutes(admin, provenanceDeps);
        adminAbuseRoutes(admin, { abuse, tenancy, audit, endUserOf });
        adminTrafficRoutes(admin, liveTraffic);
      },
    },
  );

  logStoreError = (err) => app.log.error({ err }, 'background store write failed');
  clusterLog.use(app.log);
  // Against the stored price book: what is served but unpriced is refused (model_not_priced), and said here.
  const unpriced = pricing.gaps().map((gap) => `Not priced: ${describeGap(gap, pricing.currency)}`);
  for (const line of unpriced) app.log.warn(line);
  logAuditError = (err) => app.log.error({ err }, 'audit checkpoint failed');
  const auditReport = await audit.start();
  await abuse.start();
  const auditProblem = auditReport.ok
    ? undefined
    : `Audit log BROKEN: ${auditReport.problem!.message} (GET /admin/v1/audit/verify)`;
  if (auditProblem) app.log.error(auditProblem);
  if (kek.warning) app.log.warn(kek.warning);
  const unscreened = sanctions.loaded
    ? undefined
    : 'No sanctions list loaded: self-service applications wait in review until one is (conduit sanctions load, POST /admin/v1/sanctions/lists)';
  if (unscreened) app.log.warn(unscreened);
  const demoKey = config.demo.seed ? await seedDemo(tenancy, options.dataDir) : undefined;
  await app.listen({ port: options.port ?? config.server.port, host: options.host ?? config.server.host });
  const activity = config.demo.seed && options.demoActivity ? await demoActivity(app, adminToken, demoKey) : [];
  const { port } = app.server.address() as AddressInfo;
  const host = options.host ?? config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  if (options.announce) {
    options.announce(
      `Conduit listening on ${url} (data: ${options.dataDir}; upstream: ${options.configFile ? options.configFile : 'built-in SIMULATOR, demo catalogue'})`,
    );
    if (!options.adminToken && !process.env.CONDUIT_ADMIN_TOKEN)
      options.announce(`Admin token (generated): ${adminToken}`);
    if (demoKey) options.announce(`Demo organisation API key: ${demoKey}`);
    for (const line of activity) options.announce(line);
    for (const line of unpriced) options.announce(line);
    if (auditProblem) options.announce(auditProblem);
    if (kek.warning) options.announce(`Warning: ${kek.warning}`);
    if (unscreened) options.announce(unscreened);
  }

  return {
    url,
    app,
    get config() {
      return live.current.config;
    },
    store,
    tenancy,
    get catalogue() {
      return live.current.catalogue;
    },
    get router() {
      return live.current.router;
    },
    audit,
    policy,
    vetting,
    pricing,
    provenance,
    abuse,
    tracer,
    reload: (by = { ...BOOTSTRAP_PRINCIPAL, via: 'SIGHUP' }) => reloader.reload(by),
    adminToken,
    demoKey,
    async close() {
      clearInterval(retention);
      // First, so that requests under way finish with the signer, registry and store they need.
      await app.close();
      await counters.close();
      await interim.close();
      // Before the audit log and store close: the last snapshot, and actions on what was still queued.
      await abuse.close();
      await audit.close();
      await registry.flush();
      await signer.close();
      await live.close();
      await store.close();
      // Last: the spans of the requests that finished above are exported.
      await tracer?.close();
    },
  };
}

/** The demo's activity; a failure (a demo configuration changed by hand) is said, and the gateway runs on. */
async function demoActivity(app: FastifyInstance, adminToken: string, demoKey: string | undefined): Promise<string[]> {
  try {
    return await seedDemoActivity(app, adminToken, demoKey);
  } catch (err) {
    app.log.warn({ err }, 'demo activity not sent');
    return [`Demo activity not sent: ${(err as Error).message}`];
  }
}
