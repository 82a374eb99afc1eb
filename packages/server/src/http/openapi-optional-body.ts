// @fastify/swagger marks every request body `required: true` (Fastify itself wants at least `{}`
// when a route has a body schema). A route whose body may be left out (its preValidation turns no
// body into `{}`) says so with `'x-optional-body': true` in its schema; this transform carries
// that into the OpenAPI document as `requestBody.required: false` and drops the marker.

export const OPTIONAL_BODY = 'x-optional-body';

declare module 'fastify' {
  interface FastifySchema {
    /** The body may be left out: documented as `requestBody.required: false`. */
    [OPTIONAL_BODY]?: boolean;
  }
}

interface OpenapiOperation {
  [OPTIONAL_BODY]?: unknown;
  requestBody?: { required?: boolean };
}

/** The document with each marked operation's body optional (changed in place, returned). */
export function markOptionalBodies<T extends { paths?: unknown }>(document: T): T {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const item of Object.values(paths)) {
    for (const value of Object.values(item)) {
      if (typeof value !== 'object' || value === null) continue;
      const operation = value as OpenapiOperation;
      if (operation[OPTIONAL_BODY] !== true) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  return document;
}
