// The one place errors become HTTP: AppError codes map to statuses and every error answer carries
// the Webex body {message, errors:[{description, errorCode, code}], trackingId}, where errorCode is
// Webex's integer and code Callvault's string. A method a known path does not take is 405 + Allow.
import type { ErrorBody } from '@callvault/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  describeConnectionLoss,
  isConnectionLoss,
} from '../db/connection-loss.js';
import {
  AppError,
  ERROR_NUMBER,
  ERROR_STATUS,
  isStorageFullError,
  type ErrorCode,
} from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route serves `path` with (HEAD with GET), in a fixed order. */
    allowedMethods(path: string): string[];
  }
}

export function trackingIdOf(request: FastifyRequest): string {
  return `CALLVAULT_${request.id}`;
}

export function errorBody(
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  descriptions: readonly string[],
): ErrorBody {
  return {
    message,
    errors: descriptions.map((description) => ({
      description,
      errorCode: ERROR_NUMBER[code],
      code,
    })),
    trackingId: trackingIdOf(request),
  };
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  descriptions: readonly string[],
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply
    .status(ERROR_STATUS[code])
    .header('TrackingID', trackingIdOf(request))
    .send(errorBody(request, code, message, descriptions));
}

/** The codes of the client errors Fastify itself raises (bad JSON, body too large, …), by status. */
const HTTP_LAYER_CODES: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [400, 'BAD_REQUEST'],
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [416, 'RANGE_NOT_SATISFIABLE'],
]);

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Keeps a second router with every route's method and path, so a request no route serves can be
 * told apart: a path some route serves with another method (405 + Allow, as Webex answers) or no
 * path at all (404). Catch-all routes (the console's `/*`) do not count as serving a path.
 */
function registerMethodIndex(app: FastifyInstance): void {
  const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true });
  const methods = new Set<string>();
  const seen = new Set<string>();
  const add = (method: string, url: string): void => {
    if (seen.has(`${method} ${url}`)) return;
    seen.add(`${method} ${url}`);
    methods.add(method);
    router.on(method as FindMyWay.HTTPMethod, url, () => undefined);
  };
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      add(method, route.url);
      // Fastify answers HEAD for every GET route.
      if (method === 'GET') add('HEAD', route.url);
    }
  });
  app.decorate('allowedMethods', (path: string): string[] =>
    [...methods]
      .filter((method) => router.find(method as FindMyWay.HTTPMethod, path) !== null)
      .sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b)),
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  registerMethodIndex(app);
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    // A lost database connection, wherever it surfaced (a repository, a transaction, a retry
    // that gave up): 503 with Retry-After, so clients and balancers try again shortly.
    if (isConnectionLoss(error)) {
      request.log.warn({ reason: describeConnectionLoss(error) }, 'database unavailable');
      reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendError(
        request,
        reply,
        'DATABASE_UNAVAILABLE',
        'The database is unavailable; try again shortly',
        ['The database is unavailable; try again shortly'],
      );
    }
    if (error instanceof AppError) {
      return sendError(
        request,
        reply,
        error.code,
        error.message,
        error.descriptions,
        error.headers,
      );
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const descriptions = fe.validation.map((v) => {
        const where = `${fe.validationContext ?? 'request'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
        const extra =
          v.keyword === 'additionalProperties'
            ? ` (${String((v.params as { additionalProperty?: string }).additionalProperty)})`
            : '';
        return `${where} ${v.message ?? 'is invalid'}${extra}`;
      });
      return sendError(
        request,
        reply,
        'VALIDATION_FAILED',
        descriptions[0] ?? 'Invalid request',
        descriptions,
      );
    }
    if (fe.statusCode === 429) {
      return sendError(request, reply, 'RATE_LIMITED', 'Too many requests; try again later', [
        'Too many requests; try again later',
      ]);
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own client errors (bad JSON, body too large, bad content type). A status with
      // no code of its own keeps its status and answers as BAD_REQUEST.
      const code = HTTP_LAYER_CODES.get(fe.statusCode) ?? 'BAD_REQUEST';
      return reply
        .status(fe.statusCode)
        .header('TrackingID', trackingIdOf(request))
        .send(errorBody(request, code, fe.message, [fe.message]));
    }
    if (isStorageFullError(error)) {
      // A write the full disk refused: a condition of the host, not a bug; reads still work.
      request.log.error({ err: error }, 'write refused: the disk is full');
      const message = 'Not enough storage to complete the request; try again when space is freed';
      return sendError(request, reply, 'INSUFFICIENT_STORAGE', message, [message]);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, 'INTERNAL', 'Internal server error', [
      'Internal server error',
    ]);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = routeNotFound(request);
    return sendError(request, reply, error.code, error.message, error.descriptions, error.headers);
  });
}

/**
 * The answer for a method and path no route serves: 405 with `Allow` when the path is served with
 * other methods, else 404.
 */
export function routeNotFound(request: FastifyRequest): AppError {
  const path = request.url.split('?')[0] ?? '';
  const allowed = request.server.allowedMethods(path);
  if (allowed.length > 0) {
    const message = `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`;
    return new AppError('METHOD_NOT_ALLOWED', message, [message], { Allow: allowed.join(', ') });
  }
  return new AppError('NOT_FOUND', `No route for ${request.method} ${path}`, ['Not found']);
}
