// buildApp() makes the Fastify instance from its dependencies; it never
// listens and does no I/O at import time. main.ts listens; tests inject or
// listen on port 0.

import type { Readable } from 'node:stream';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { Config, TrustProxy } from './config.ts';
import { PUBLIC } from './http/access.ts';
import { registerAuth } from './http/auth.ts';
import { registerCopyRoutes } from './http/copy.ts';
import { registerCorsPreflight } from './http/cors.ts';
import { registerDashboardRoutes } from './http/dashboard.ts';
import { registerErrorHandling } from './http/errors.ts';
import { redactingLogger } from './http/log-redaction.ts';
import { registerMembershipRoutes } from './http/memberships.ts';
import { registerMetaRoutes } from './http/meta.ts';
import { registerOrganizationRoutes } from './http/organizations.ts';
import { registerRenderRoutes } from './http/render.ts';
import { renderHostRewrite } from './http/render-host.ts';
import { registerRenderMetaRoutes } from './http/render-meta.ts';
import { sendJson } from './http/reply.ts';
import { registerRequestHooks } from './http/request-hooks.ts';
import { lazyChildLogger } from './http/request-logger.ts';
import { ErrorSchema, SourceImageSchema, StackSchema } from './http/schemas.ts';
import { registerSourceImageRoutes } from './http/sourceimages.ts';
import { registerStackRoutes } from './http/stacks.ts';
import { clientErrorHandler, registerBodyDeadline, timeoutServerOptions } from './http/timeouts.ts';
import { registerUserRoutes } from './http/users.ts';
import { newTokenSecret } from './service/accounts.ts';
import { Authenticator } from './service/auth.ts';
import { type ServiceDeps, serviceDeps } from './service/deps.ts';
import { type Limiter, RateLimiter } from './service/rate-limit.ts';
import { SharedRateLimiter } from './service/shared-rate-limit.ts';
import type { Storage } from './storage/index.ts';

export interface AppOptions {
  config: Config;
  storage: Storage;
  /** SHA-256 digest of the root API key. */
  rootKeyDigest: Buffer;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** Where the built dashboard is; the default is packages/dashboard/dist (tests point elsewhere). */
  dashboardDir?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What the use cases run on (config, storage, clock): for work outside requests, such as the sweep. */
    deps: ServiceDeps;
  }
}

/**
 * Fastify 5.12 no longer takes a hop count (a number now trusts no proxy at
 * all), so a count becomes a function: the connection's peer is hop 0, the
 * right-most X-Forwarded-For entry hop 1, and so on.
 */
function fastifyTrustProxy(trust: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, storage } = options;
  const deps = serviceDeps(config, storage, options.now);

  const app = Fastify({
    // Keys, tokens and signatures never reach the log (http/log-redaction.ts).
    logger: redactingLogger(options.logger, config.logLevel),
    // request.log is made on first use (http/request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    bodyLimit: config.maxJsonBodyBytes,
    // Hashes are case-insensitive in paths; names are not. Keep URLs as sent.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: fastifyTrustProxy(config.trustProxy),
    ...timeoutServerOptions(config),
    clientErrorHandler: clientErrorHandler(config),
    ...(config.renderDomain === undefined ? {} : { rewriteUrl: renderHostRewrite(config.renderDomain) }),
  });
  app.decorate('deps', deps);
  // Replies are serialized by sendJson; reply schemas only document (http/schemas.ts): compile no serializers for them.
  app.setSerializerCompiler(() => JSON.stringify);
  // rokka's copy verb; Node parses it, Fastify routes it once told.
  app.addHttpMethod('COPY');

  registerRequestHooks(app, config);
  registerBodyDeadline(app, config);
  registerErrorHandling(app);
  app.addHook('onRoute', (route) => {
    // The routes of the Swagger UI plugin under /doc serve public documentation.
    if (route.prefix === '/doc') route.config = { ...route.config, access: PUBLIC };
  });
  // One secret for all nodes sharing the catalog, made on first use.
  const tokenSecret = Buffer.from(await storage.accounts.setting('token_secret', newTokenSecret), 'hex');
  const authenticator = new Authenticator(storage.accounts, options.rootKeyDigest, tokenSecret, deps.now);
  const clock = () => deps.now().getTime();
  // On PostgreSQL other nodes may serve the same callers: the per-caller limit
  // is shared through the database. The failed-authentication limit stays per node.
  const limiter: Limiter =
    config.databaseUrl === undefined
      ? new RateLimiter(config.rateLimitPerMinute, clock)
      : new SharedRateLimiter(storage.accounts, config.rateLimitPerMinute, (message) => app.log.warn(message), clock);
  registerAuth(app, deps, authenticator, limiter, new RateLimiter(config.authFailuresPerMinute, clock));

  // Every body is read the same way whatever its content type (spec §8.2);
  // multipart bodies are left as a stream for the upload route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('multipart/form-data', (_request, payload: Readable, done) => done(null, payload));
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addSchema(SourceImageSchema);
  app.addSchema(ErrorSchema);
  app.addSchema(StackSchema);
  await app.register(swagger, {
    exposeHeadRoutes: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'origo',
        description: 'A self-hostable source image store that speaks the rokka.io source images API.',
        version: '0.1.0',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'Api-Key' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/doc', uiConfig: { docExpansion: 'list' } });

  app.get('/doc.json', { config: { access: PUBLIC }, schema: { hide: true } }, (_request, reply) =>
    sendJson(reply, 200, app.swagger()),
  );

  registerCorsPreflight(app, config.corsOrigins);
  registerOrganizationRoutes(app, deps);
  registerMembershipRoutes(app, deps);
  registerUserRoutes(app, deps, tokenSecret);
  registerCopyRoutes(app, deps);
  registerSourceImageRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerStackRoutes(app, deps);
  registerRenderRoutes(app, deps);
  registerRenderMetaRoutes(app, deps);
  if (config.dashboard) registerDashboardRoutes(app, options.dashboardDir);
  return app;
}
