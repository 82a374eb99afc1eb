// JSON request bodies: Fastify's own parser (prototype-poisoning checks included) behind a nesting
// limit. No Callvault body nests deeper than a few levels; a body nested thousands deep costs the
// parser, the validator and every later walk over it, so it is refused before JSON.parse runs.
import { AppError } from '../errors.js';
import type { AppInstance } from './types.js';

/** The deepest nesting of objects and arrays a JSON body may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of `{` and `[` in `text`, stopping early once it passes `limit`. Brackets
 * inside strings do not count. Linear in the text and allocation-free; the JSON itself is checked
 * by the parser afterwards.
 */
export function measureJsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Replaces the application/json parser with one that refuses bodies nested too deep and reads an
 * empty body as no body: Webex clients send `Content-Type: application/json` on every request,
 * a DELETE or a POST without parameters included. A route whose body is required still refuses
 * the missing body in its schema validation (400 VALIDATION_FAILED).
 */
export function registerJsonBodyParser(app: AppInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (measureJsonDepth(text, maxDepth) > maxDepth) {
      done(
        new AppError(
          'JSON_TOO_DEEP',
          `The JSON body nests objects and arrays more than ${maxDepth} levels deep`,
        ),
        undefined,
      );
      return;
    }
    // Fastify's parser answers through `done`; it returns nothing to wait for.
    void parseJson(request, text, done);
  });
}
