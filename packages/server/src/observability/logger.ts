// One pino logger for the process; modules take children. Secrets never reach it: request logs
// carry method, URL (query strings of known secret parameters redacted) and status only.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/**
 * A child logger for `module`. pino writes every binding of every ancestor, so binding `module`
 * on a logger that already has one would print the key twice (invalid JSON for log shippers):
 * when the parent is already bound to a module, the child keeps the parent's and only adds
 * the other bindings.
 */
export function moduleLogger(
  parent: Logger,
  module: string,
  bindings: Record<string, unknown> = {},
): Logger {
  const hasModule = Object.prototype.hasOwnProperty.call(parent.bindings(), 'module');
  return parent.child(hasModule ? bindings : { module, ...bindings });
}
