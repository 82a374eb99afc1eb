// The one place errors become HTTP: AppError codes map to statuses and every error answer carries
// the Webex body {message, errors:[{description, errorCode}], trackingId}.
import type { ErrorBody } from '@callvault/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  describeConnectionLoss,
  isConnectionLoss,
} from '../db/connection-loss.js';
import { AppError, ERROR_STATUS, isStorageFullError, type ErrorCode } from '../errors.js';

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
    errors: descriptions.map((description) => ({ description, errorCode: code })),
    trackingId: trackingIdOf(request),
  };
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  descriptions: readonly string[],
): FastifyReply {
  return reply
    .status(ERROR_STATUS[code])
    .header('TrackingID', trackingIdOf(request))
    .send(errorBody(request, code, message, descriptions));
}

export function registerErrorHandling(app: FastifyInstance): void {
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
      return sendError(request, reply, error.code, error.message, error.descriptions);
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
      // Fastify's own client errors (bad JSON, body too large, bad content type).
      return reply
        .status(fe.statusCode)
        .header('TrackingID', trackingIdOf(request))
        .send({
          message: fe.message,
          errors: [{ description: fe.message, errorCode: fe.code ?? 'BAD_REQUEST' }],
          trackingId: trackingIdOf(request),
        });
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
    return sendError(request, reply, error.code, error.message, error.descriptions);
  });
}

/** The answer for a method and path no route serves. */
export function routeNotFound(request: FastifyRequest): AppError {
  return new AppError(
    'NOT_FOUND',
    `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`,
    ['Not found'],
  );
}
