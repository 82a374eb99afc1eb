// The one place the console talks HTTP. Requests go to the same origin with the session cookie;
// every request that changes something carries the CSRF token the session handed out, and every
// failure becomes an ApiError holding the status and the server's Webex error body.
import type { ErrorBody } from '@callvault/shared';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The Webex error body, or null when the response had none (a proxy error, for example). */
    readonly body: ErrorBody | null,
  ) {
    super(body?.message ?? `Request failed with HTTP ${status}`);
    this.name = 'ApiError';
  }

  /**
   * The first stable error code the server gave, e.g. `AUTH_INVALID_CREDENTIALS` (the body's
   * string `code`; its `errorCode` is Webex's integer for the same error).
   */
  get errorCode(): string | null {
    return this.body?.errors[0]?.code ?? null;
  }
}

export type QueryValue = string | number | undefined | null;

export interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON-encoded, unless it is a Blob (an uploaded file), which goes as it is. */
  readonly body?: unknown;
  /** The content type of a Blob body; the Blob's own type when omitted. */
  readonly contentType?: string;
  readonly signal?: AbortSignal | undefined;
}

/** A list page: the items plus where the next page lives (the `Link: <…>; rel="next"` header). */
export interface Page<T> {
  readonly body: T;
  readonly nextPath: string | null;
}

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  getPage<T>(path: string, options?: RequestOptions): Promise<Page<T>>;
  post<T>(path: string, options?: RequestOptions): Promise<T>;
  put<T>(path: string, options?: RequestOptions): Promise<T>;
  delete<T>(path: string, options?: RequestOptions): Promise<T>;
  setCsrfToken(token: string | null): void;
}

function isWebexErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && Array.isArray(v.errors);
}

/** Appends the defined query values; empty strings are dropped so blank filters mean "no filter". */
export function buildPath(path: string, query?: Readonly<Record<string, QueryValue>>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(name, String(value));
  }
  const search = params.toString();
  if (search === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/**
 * The `rel="next"` target of an RFC 8288 Link header, reduced to path and query so the next
 * request stays on the console's origin whatever host name the server put in the link.
 */
export function parseNextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const [, target = '', params = ''] = match;
    if (!/;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(params)) continue;
    const url = new URL(target, 'http://callvault.invalid');
    return `${url.pathname}${url.search}`;
  }
  return null;
}

export function createApiClient(fetchFn: FetchFn = (input, init) => fetch(input, init)): ApiClient {
  let csrfToken: string | null = null;

  async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    let body: string | Blob | undefined;
    if (options.body instanceof Blob) {
      headers['content-type'] =
        options.contentType ?? (options.body.type || 'application/octet-stream');
      body = options.body;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;
    const response = await fetchFn(buildPath(path, options.query), init);
    if (!response.ok) {
      let errorBody: unknown = null;
      try {
        errorBody = await response.json();
      } catch {
        // not JSON: keep the status alone
      }
      throw new ApiError(response.status, isWebexErrorBody(errorBody) ? errorBody : null);
    }
    return response;
  }

  async function readBody<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async function call<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return readBody<T>(await send(method, path, options));
  }

  return {
    get: (path, options) => call('GET', path, options),
    async getPage<T>(path: string, options: RequestOptions = {}): Promise<Page<T>> {
      const response = await send('GET', path, options);
      return {
        body: await readBody<T>(response),
        nextPath: parseNextLink(response.headers.get('link')),
      };
    },
    post: (path, options) => call('POST', path, options),
    put: (path, options) => call('PUT', path, options),
    delete: (path, options) => call('DELETE', path, options),
    setCsrfToken(token) {
      csrfToken = token;
    },
  };
}

/** The console's client: one per page load, holding the session's CSRF token. */
export const api: ApiClient = createApiClient();
