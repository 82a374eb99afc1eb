// One authenticated API call against the server under test, for suites that need the status and
// the JSON body (or the text when the body is not JSON).
export async function apiRequest(
  baseUrl: string,
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(url.startsWith('http') ? url : `${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

/** The plain UUID inside a Webex id: how recording objects and metadata name owners, as Webex does. */
export function uuidOfWebexId(id: string): string | undefined {
  return /[0-9a-f-]{36}$/.exec(Buffer.from(id, 'base64url').toString('utf8'))?.[0];
}
