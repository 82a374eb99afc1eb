import { describe, expect, it } from 'vitest';
import { ApiError, buildPath, createApiClient, parseNextLink } from './client.js';

interface Call {
  readonly input: string;
  readonly init: RequestInit;
}

function createFakeFetch(response: () => Response): {
  calls: Call[];
  fetchFn: (input: string, init: RequestInit) => Promise<Response>;
} {
  const calls: Call[] = [];
  return {
    calls,
    fetchFn: (input, init) => {
      calls.push({ input, init });
      return Promise.resolve(response());
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('api client', () => {
  it('sends the session cookie and no CSRF token on GET', async () => {
    const fake = createFakeFetch(() => json(200, { items: [] }));
    const client = createApiClient(fake.fetchFn);
    client.setCsrfToken('t0k3n');
    await client.get('/v1/people', { query: { displayName: 'Al', email: '', max: 10 } });
    const [call] = fake.calls;
    expect(call?.input).toBe('/v1/people?displayName=Al&max=10');
    expect(call?.init.credentials).toBe('same-origin');
    expect(call?.init.headers).not.toHaveProperty('x-csrf-token');
  });

  it('sends the CSRF token and a JSON body on requests that change something', async () => {
    const fake = createFakeFetch(() => new Response(null, { status: 204 }));
    const client = createApiClient(fake.fetchFn);
    client.setCsrfToken('t0k3n');
    await expect(client.post('/api/auth/logout', { body: { a: 1 } })).resolves.toBeUndefined();
    const [call] = fake.calls;
    expect(call?.init.method).toBe('POST');
    expect(call?.init.headers).toMatchObject({
      'x-csrf-token': 't0k3n',
      'content-type': 'application/json',
    });
    expect(call?.init.body).toBe('{"a":1}');
  });

  it('sends a Blob body as it is, with the content type asked for', async () => {
    const fake = createFakeFetch(() => json(200, { id: 'a1' }));
    const client = createApiClient(fake.fetchFn);
    client.setCsrfToken('t0k3n');
    const file = new Blob([new Uint8Array([0x52, 0x49, 0x46, 0x46])]);
    await client.post('/api/announcements/custom', {
      query: { fileName: 'greeting.wav' },
      body: file,
      contentType: 'audio/wav',
    });
    const [call] = fake.calls;
    expect(call?.input).toBe('/api/announcements/custom?fileName=greeting.wav');
    expect(call?.init.headers).toMatchObject({
      'x-csrf-token': 't0k3n',
      'content-type': 'audio/wav',
    });
    expect(call?.init.body).toBe(file);
  });

  it('throws an ApiError carrying the status and the Webex error body', async () => {
    const body = {
      message: 'Invalid email or password',
      errors: [
        {
          description: 'Invalid email or password',
          errorCode: 401002,
          code: 'AUTH_INVALID_CREDENTIALS',
        },
      ],
      trackingId: 'CALLVAULT_1',
    };
    const client = createApiClient(createFakeFetch(() => json(401, body)).fetchFn);
    const error: unknown = await client.post('/api/auth/login').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(401);
    expect(apiError.message).toBe('Invalid email or password');
    expect(apiError.errorCode).toBe('AUTH_INVALID_CREDENTIALS');
    expect(apiError.body?.trackingId).toBe('CALLVAULT_1');
  });

  it('keeps the status when an error response has no Webex body', async () => {
    const client = createApiClient(
      createFakeFetch(() => new Response('Bad Gateway', { status: 502 })).fetchFn,
    );
    const error: unknown = await client.get('/v1/people').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).body).toBeNull();
    expect((error as ApiError).errorCode).toBeNull();
  });

  it('returns a page with the path of the next one from the Link header', async () => {
    const client = createApiClient(
      createFakeFetch(() =>
        json(
          200,
          { items: [1] },
          { link: '<http://127.0.0.1:8080/v1/people?max=1&cursor=abc>; rel="next"' },
        ),
      ).fetchFn,
    );
    const page = await client.getPage<{ items: number[] }>('/v1/people');
    expect(page.body.items).toEqual([1]);
    expect(page.nextPath).toBe('/v1/people?max=1&cursor=abc');
  });
});

describe('Link header (RFC 8288)', () => {
  it('finds rel="next" among several links', () => {
    expect(
      parseNextLink('</v1/people?cursor=a>; rel="prev", </v1/people?cursor=b>; rel="next"'),
    ).toBe('/v1/people?cursor=b');
  });
  it('accepts an unquoted rel and a rel with several values', () => {
    expect(parseNextLink('</a?x=1>; rel=next')).toBe('/a?x=1');
    expect(parseNextLink('</a?x=1>; rel="next last"')).toBe('/a?x=1');
  });
  it('returns null without a next link', () => {
    expect(parseNextLink(null)).toBeNull();
    expect(parseNextLink('</a>; rel="prev"')).toBeNull();
    expect(parseNextLink('</a>; rel="nextish"')).toBeNull();
  });
});

describe('buildPath', () => {
  it('appends to an existing query and encodes values', () => {
    expect(buildPath('/v1/people?max=5', { email: 'a+b@example.com' })).toBe(
      '/v1/people?max=5&email=a%2Bb%40example.com',
    );
  });
});
