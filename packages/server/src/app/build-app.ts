// The HTTP API and web console, composed: Fastify with TypeBox schemas that also produce the
// OpenAPI document, http/'s error handler, body parser and authentication hook, security headers,
// metrics, the built console, and every feature's routes (this file is where a feature's routes
// are registered).
import type { SiprecUri } from '@callvault/shared';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { staticCacheControl } from '../http/static-cache.js';
import { registerAuditRoutes } from '../audit/audit.routes.js';
import { registerAuthRoutes } from '../auth/auth.routes.js';
import { authenticateSession, authenticateToken } from '../auth/auth.service.js';
import type { Clock } from '../clock.js';
import { describeConnectionLoss, isConnectionLoss } from '../db/connection-loss.js';
import type { Db, Dialect } from '../db/database.js';
import type { DbNotifications } from '../db/notifications.js';
import type { JobQueue } from '../jobs/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { registerOrgRoutes } from '../org/org.routes.js';
import { registerSecondaryLineRoutes } from '../org/secondary-lines.routes.js';
import { registerAnnouncementRoutes } from '../announcements/announcements.routes.js';
import { registerRecordingDecisionRoutes } from '../recording-decisions/recording-decisions.routes.js';
import { registerRecordingSettingsRoutes } from '../recording-settings/recording-settings.routes.js';
import type { StorageRegion } from '../recording-settings/storage-region.js';
import { registerRecordingTrunkRoutes } from '../recording-trunks/recording-trunks.routes.js';
import { createDataDirLinkSigner } from '../recordings/link-signer.js';
import { registerForwardedCallRoutes } from '../recordings/forwarded-calls.routes.js';
import { registerRecordingRoutes } from '../recordings/recordings.routes.js';
import { registerTranscriptDownloadRoute } from '../transcription/transcript-download.routes.js';
import { registerLifecycleRoutes } from '../lifecycle/lifecycle.routes.js';
import { registerRecordingLifecycleRoutes } from '../lifecycle/recording-lifecycle.routes.js';
import { registerWebhookRoutes } from '../webhooks/webhooks.routes.js';
import { registerSharingRoutes } from '../sharing/sharing.routes.js';
import { registerComplianceEventRoutes } from '../compliance-events/compliance-events.routes.js';
import type { SessionRegistry } from '../siprec/session-registry.js';
import { registerSessionRoutes } from '../siprec/sessions.routes.js';
import { registerCaptureFailureMetric } from '../capture/capture-failures.metrics.js';
import { registerCallRoutes } from '../telephony/calls.routes.js';
import type { BlobStore } from '../storage/blob-store.js';
import { registerAuth } from '../http/auth-hook.js';
import { registerErrorHandling } from '../http/error-handler.js';
import { registerJsonBodyParser } from '../http/json-body.js';
import { markOptionalBodies } from '../http/openapi-optional-body.js';
import {
  healthHttpStatus,
  HealthReportSchema,
  runHealthChecks,
  type HealthCheck,
} from '../http/health.js';
import type { AppInstance } from '../http/types.js';

export interface AppDeps {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly dataDir: string;
  /** Where recordings' audio lives (encrypted at rest by the store's decorator). */
  readonly blobStore: BlobStore;
  /** The job queue, for health and for features that enqueue work. */
  readonly queue: JobQueue | null;
  /** The built console (packages/web/dist), or null to serve the API only. */
  readonly webRoot: string | null;
  /** The built-in recorder's SIPREC URI, handed to call systems by the decision API. */
  readonly builtinSiprecUri: string;
  /** After a recording trunk changes: the recorder in this process reloads its SIP sources. */
  readonly onTrunksChanged?: () => Promise<void> | void;
  /** Where SBCs send SIPREC (sip: and sips:), shown with the recording trunks. */
  readonly siprecUris?: readonly SiprecUri[];
  /** Live SIPREC sessions of this process's recorder (null or absent without the recorder role). */
  readonly sessions?: SessionRegistry | null;
  /**
   * Callvault is reached over HTTPS (CALLVAULT_PUBLIC_URL is https://, or CALLVAULT_HTTPS=true),
   * e.g. behind a TLS-terminating proxy: the session cookie is Secure and responses carry HSTS.
   * A request that itself arrives over TLS counts as HTTPS either way.
   */
  readonly https?: boolean;
  /** Checks of this process's features added to `/api/health` (free space, blob store, …). */
  readonly healthChecks?: readonly HealthCheck[];
  /** Let webhooks target loopback addresses: tests only, never from configuration. */
  readonly allowLoopbackWebhookTargets?: boolean;
  /** The recordings store as a Webex storage region (default: this server's file store). */
  readonly storageRegion?: StorageRegion;
  /** Wake-ups between processes (live calls' controls and events across recorders). */
  readonly notifications?: DbNotifications;
}

export const API_VERSION = '0.1.0';

/** Helmet's default HSTS: a year, subdomains included. */
const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export async function buildApp(deps: AppDeps): Promise<AppInstance> {
  const httpLogger: FastifyBaseLogger = deps.logger.child({ module: 'http' });
  const app = Fastify({
    loggerInstance: httpLogger,
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  registerJsonBodyParser(app);
  const servedOverHttps = (request: FastifyRequest): boolean =>
    deps.https === true || request.protocol === 'https';
  await app.register(helmet, {
    // Strict-Transport-Security means something only over HTTPS (RFC 6797 §7.2): sent below when
    // the request was served over HTTPS, never over plain HTTP.
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.addHook('onSend', async (request, reply) => {
    if (servedOverHttps(request)) reply.header('strict-transport-security', HSTS_VALUE);
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Callvault API',
        version: API_VERSION,
        description:
          'Webex-compatible call-recording API (/v1) and Callvault’s own API (/api). Authenticate with `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? markOptionalBodies(document.openapiObject)
        : document.swaggerObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list' },
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpRequests.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const authDeps = { db: deps.db, clock: deps.clock };
  registerAuth(app, {
    token: (token, ctx) => authenticateToken(authDeps, token, ctx),
    session: (secret, ctx) => authenticateSession(authDeps, secret, ctx),
  });
  registerAuthRoutes(app, { db: deps.db, clock: deps.clock }, { servedOverHttps });
  registerOrgRoutes(app, { db: deps.db, clock: deps.clock, queue: deps.queue });
  registerSecondaryLineRoutes(app, { db: deps.db, clock: deps.clock, queue: deps.queue });
  registerAuditRoutes(app, { db: deps.db, clock: deps.clock });
  registerRecordingSettingsRoutes(app, { db: deps.db, clock: deps.clock }, deps.storageRegion);
  registerRecordingTrunkRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    ...(deps.onTrunksChanged ? { onTrunksChanged: deps.onTrunksChanged } : {}),
    ...(deps.siprecUris ? { siprecUris: deps.siprecUris } : {}),
  });
  registerRecordingDecisionRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    builtinSiprecUri: deps.builtinSiprecUri,
  });
  registerAnnouncementRoutes(app, { db: deps.db, clock: deps.clock });
  const recordingDeps = {
    db: deps.db,
    clock: deps.clock,
    blobStore: deps.blobStore,
    links: createDataDirLinkSigner(deps.dataDir),
    queue: deps.queue,
  };
  registerRecordingRoutes(app, recordingDeps);
  registerForwardedCallRoutes(app, recordingDeps);
  registerRecordingLifecycleRoutes(app, recordingDeps);
  registerTranscriptDownloadRoute(app, recordingDeps);
  registerSharingRoutes(app, { db: deps.db, clock: deps.clock });
  registerLifecycleRoutes(app, { db: deps.db, clock: deps.clock, queue: deps.queue });
  registerComplianceEventRoutes(app, { db: deps.db, clock: deps.clock });
  registerWebhookRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    allowLoopbackTargets: deps.allowLoopbackWebhookTargets === true,
  });
  registerSessionRoutes(app, {
    sessions: deps.sessions ?? null,
    db: deps.db,
    clock: deps.clock,
    queue: deps.queue,
  });
  registerCallRoutes(app, {
    db: deps.db,
    clock: deps.clock,
    calls: deps.sessions?.calls ?? null,
    ...(deps.notifications ? { notifications: deps.notifications } : {}),
  });
  registerCaptureFailureMetric(deps.metrics.registry, deps.db);
  registerSystemRoutes(app, deps);

  if (deps.webRoot && fs.existsSync(path.join(deps.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: deps.webRoot,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz copies of its text assets; the one the browser accepts is sent.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        res.setHeader('cache-control', staticCacheControl(deps.webRoot ?? '', filePath));
        // Caches between here and the browser must keep the encodings apart.
        res.setHeader('vary', 'accept-encoding');
      },
    });
    // Client-side routes (/login, /control-hub/people …) all load the console's index.html.
    app.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/') || url.startsWith('/v1/') || path.extname(url) !== '') {
        return reply.callNotFound();
      }
      return reply.type('text/html').sendFile('index.html');
    });
  }
  return app;
}

function registerSystemRoutes(app: AppInstance, deps: AppDeps): void {
  // Without its database a process with the recorder role still captures live calls to the
  // journal (catalogued when the database is back): degraded. Anything else it does needs the
  // database: error.
  const capturing = deps.sessions !== null && deps.sessions !== undefined;
  const withoutDatabase = (e: unknown): { status: 'degraded' | 'error'; detail: string } => {
    const why = describeConnectionLoss(e);
    return capturing
      ? {
          status: 'degraded',
          detail: `database unreachable (${why}); live calls are still captured and are catalogued when it is back`,
        }
      : { status: 'error', detail: `database unreachable (${why})` };
  };
  const checks: HealthCheck[] = [
    {
      name: 'database',
      check: () =>
        sql`select 1 as ok`.execute(deps.db).then(
          () => ({ status: 'ok' as const, detail: deps.dialect }),
          (e: unknown) =>
            isConnectionLoss(e)
              ? withoutDatabase(e)
              : { status: 'error' as const, detail: e instanceof Error ? e.message : String(e) },
        ),
    },
    {
      name: 'storage',
      check: () =>
        fs.promises.access(deps.dataDir, fs.constants.W_OK).then(
          () => ({ status: 'ok' as const, detail: `data dir ${deps.dataDir} writable` }),
          () => ({ status: 'error' as const, detail: `data dir ${deps.dataDir} is not writable` }),
        ),
    },
    {
      name: 'queue',
      check: async () => {
        const queue = deps.queue;
        if (!queue) return { status: 'ok' as const, detail: 'no queue in this process' };
        return queue.counts().then(
          (c) => ({
            status: 'ok' as const,
            detail: `${queue.driver}: ${c.total.queued} queued, ${c.total.failed} failed`,
          }),
          (e: unknown) =>
            isConnectionLoss(e)
              ? withoutDatabase(e)
              : { status: 'error' as const, detail: e instanceof Error ? e.message : String(e) },
        );
      },
    },
    ...(deps.healthChecks ?? []),
  ];
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health of the process and what it depends on',
        description:
          '`ok`: every check passed. `degraded` (still 200): the process serves but a dependency is impaired; each check says which and why (a recorder whose database is unreachable still captures live calls). `draining` (503): the process is being taken out of service (SIGTERM): a recorder refuses new SIPREC sessions and records its live calls to their end, then exits; a load balancer should send it nothing new. `error` (503): it cannot serve.',
        response: { 200: HealthReportSchema, 503: HealthReportSchema },
      },
    },
    async (_request, reply) => {
      const report = await runHealthChecks(checks);
      return reply.status(healthHttpStatus(report.status)).send(report);
    },
  );

  app.get(
    '/metrics',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      return reply
        .type(deps.metrics.registry.contentType)
        .send(await deps.metrics.registry.metrics());
    },
  );

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, () =>
    app.swagger(),
  );
}
