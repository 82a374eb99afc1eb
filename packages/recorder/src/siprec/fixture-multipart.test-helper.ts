// Test-only helper: cuts the SIPREC fixture files (whole SIP messages, or bare multipart bodies as
// captured by drachtio's test data) into body parts. The real multipart reader lives in the SIP
// layer; the fixtures are simple enough for line-based splitting on the boundary (RFC 2046 §5.1).

export interface FixturePart {
  readonly contentType: string;
  readonly contentDisposition?: string;
  readonly body: string;
}

export interface FixtureMessage {
  /** Header lines of a SIP message fixture (empty for a bare body). */
  readonly headers: readonly string[];
  /** Parts of a multipart body; empty when the body is not multipart. */
  readonly parts: readonly FixturePart[];
  /** The whole body. */
  readonly body: string;
}

function headerValue(headers: readonly string[], name: string): string | undefined {
  const prefix = `${name.toLowerCase()}:`;
  const line = headers.find((h) => h.toLowerCase().startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** Split a SIP message or a bare body into headers, body and multipart parts. */
export function splitFixtureMessage(text: string): FixtureMessage {
  let headers: string[] = [];
  let body = text;
  if (/^(INVITE|SIP\/2\.0|UPDATE) /.test(text)) {
    const split = /\r?\n\r?\n/.exec(text);
    const end = split?.index ?? text.length;
    // Unfold continuation lines (RFC 3261 §7.3.1) so header values are whole.
    headers = text
      .slice(0, end)
      .replace(/\r?\n[ \t]+/g, ' ')
      .split(/\r?\n/);
    body = split === null ? '' : text.slice(end + split[0].length);
  }
  const fromHeader = /boundary="?([^";\s]+)"?/i.exec(headerValue(headers, 'Content-Type') ?? '');
  const fromBody = /^--(\S+?)[ \t]*\r?$/m.exec(body);
  const boundary = fromHeader?.[1] ?? fromBody?.[1];
  return { headers, body, parts: boundary === undefined ? [] : splitParts(body, boundary) };
}

function splitParts(body: string, boundary: string): FixturePart[] {
  const lines = body.split(/(?<=\n)/);
  const parts: FixturePart[] = [];
  let current: string[] | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const text = current.join('');
    const split = /\r?\n\r?\n/.exec(text);
    const headerText = split === null ? text : text.slice(0, split.index);
    // RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter.
    const partBody = split === null ? '' : text.slice(split.index + split[0].length);
    const partHeaders = headerText.split(/\r?\n/);
    const disposition = headerValue(partHeaders, 'Content-Disposition');
    parts.push({
      contentType: headerValue(partHeaders, 'Content-Type') ?? 'text/plain',
      ...(disposition === undefined ? {} : { contentDisposition: disposition }),
      body: partBody.replace(/\r?\n$/, ''),
    });
  };
  for (const line of lines) {
    const bare = line.replace(/\s+$/, '');
    if (bare === `--${boundary}` || bare === `--${boundary}--`) {
      flush();
      current = bare.endsWith('--') && bare !== `--${boundary}` ? undefined : [];
      if (bare === `--${boundary}--`) break;
      continue;
    }
    current?.push(line);
  }
  flush();
  return parts;
}

/** Header lines named `name` (case-insensitive), values only. */
export function fixtureHeaderValues(message: FixtureMessage, name: string): string[] {
  const prefix = `${name.toLowerCase()}:`;
  return message.headers
    .filter((h) => h.toLowerCase().startsWith(prefix))
    .map((h) => h.slice(prefix.length).trim());
}
