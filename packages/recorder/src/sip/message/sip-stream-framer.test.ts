import { describe, expect, it } from 'vitest';
import { createStreamFramer, extractMessage, parseFramedMessage, SipParseError } from './index.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const msg = (body: string, extra = ''): string =>
  `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;

describe('extractMessage (RFC 3261 §18.3 stream framing)', () => {
  it('RFC 3261 §18.3: Content-Length delimits a message on a stream; the rest stays for the next one', () => {
    const frame = extractMessage(bytes(msg('hello') + msg('again')));
    expect(frame.kind).toBe('message');
    if (frame.kind !== 'message') return;
    expect(str(frame.bytes)).toBe(msg('hello'));
    expect(str(frame.rest)).toBe(msg('again'));
  });

  it('RFC 3261 §18.3: an incomplete header section or body asks for more data', () => {
    const whole = msg('hello');
    for (let cut = 0; cut < whole.length; cut++) {
      expect(extractMessage(bytes(whole.slice(0, cut))).kind, `cut at ${cut}`).toBe('need-more');
    }
    expect(extractMessage(bytes(whole)).kind).toBe('message');
  });

  it('RFC 5626 §3.5.1: a CRLFCRLF ping is reported, a lone CRLF pong is skipped', () => {
    const ping = extractMessage(bytes(`\r\n\r\n${msg('x')}`));
    expect(ping.kind === 'ping' && str(ping.rest)).toBe(msg('x'));
    const afterPong = extractMessage(bytes(`\r\n${msg('x')}`));
    expect(afterPong.kind === 'message' && str(afterPong.bytes)).toBe(msg('x'));
    // Half a ping could still become a ping: wait.
    expect(extractMessage(bytes('\r\n')).kind).toBe('need-more');
    expect(extractMessage(bytes('\r\n\r')).kind).toBe('need-more');
  });

  it('RFC 3261 §18.3: Content-Length is mandatory on a stream', () => {
    expect(() =>
      extractMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n')),
    ).toThrow(expect.objectContaining({ code: 'CONTENT_LENGTH' }));
  });

  it('RFC 3261 §7.3.3: the compact form "l" and folded values frame too', () => {
    const text = 'OPTIONS sip:a@b SIP/2.0\r\nl:\r\n 3\r\n\r\nabc';
    const frame = extractMessage(bytes(text));
    expect(frame.kind === 'message' && str(frame.bytes)).toBe(text);
  });

  it('RFC 4475 §3.1.2.3: negative or non-numeric Content-Length loses the framing', () => {
    expect(() => extractMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: -1\r\n\r\n'))).toThrow(
      SipParseError,
    );
    expect(() => extractMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 1e3\r\n\r\n'))).toThrow(
      SipParseError,
    );
  });

  it('a declared size over maxMessageBytes fails at once instead of buffering', () => {
    const head = bytes('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999\r\n\r\n');
    expect(() => extractMessage(head)).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE', status: 513 }),
    );
    expect(() =>
      extractMessage(bytes(msg('x'.repeat(200))), { limits: { maxMessageBytes: 150 } }),
    ).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('headers without an end within maxMessageBytes fail instead of buffering forever', () => {
    const endless = bytes(`OPTIONS sip:a@b SIP/2.0\r\n${'X-A: b\r\n'.repeat(40)}`);
    expect(extractMessage(endless, { limits: { maxMessageBytes: 1000 } }).kind).toBe('need-more');
    expect(() => extractMessage(endless, { limits: { maxMessageBytes: 200 } })).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });
});

describe('createStreamFramer', () => {
  it('RFC 3261 §18.3: messages split at every possible point come out whole and in order', () => {
    const stream = `${msg('first')}\r\n\r\n${msg('second', 'Subject: folded\r\n line\r\n')}\r\n${msg('')}`;
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = createStreamFramer();
      const events = [
        ...framer.push(bytes(stream.slice(0, cut))),
        ...framer.push(bytes(stream.slice(cut))),
      ];
      expect(
        events.map((e) => (e.kind === 'message' ? str(e.bytes) : 'PING')),
        `cut at ${cut}`,
      ).toEqual([msg('first'), 'PING', msg('second', 'Subject: folded\r\n line\r\n'), msg('')]);
      expect(framer.bufferedBytes).toBe(0);
    }
  });

  it('one octet at a time works and emitted messages are independent copies', () => {
    const framer = createStreamFramer();
    const stream = bytes(msg('abc') + msg('def'));
    const out: Uint8Array[] = [];
    for (const octet of stream) {
      for (const e of framer.push(new Uint8Array([octet])))
        if (e.kind === 'message') out.push(e.bytes);
    }
    expect(out.map(str)).toEqual([msg('abc'), msg('def')]);
    stream.fill(0);
    expect(parseFramedMessage(out[1] ?? new Uint8Array()).body).toEqual(bytes('def'));
  });

  it('feeding a 200 KB body in 1-octet chunks stays linear (no rescans of the buffer)', () => {
    const framer = createStreamFramer();
    const big = bytes(msg('z'.repeat(200_000)));
    const start = performance.now();
    let messages = 0;
    for (let i = 0; i < big.length; i++) messages += framer.push(big.subarray(i, i + 1)).length;
    expect(messages).toBe(1);
    // Quadratic behaviour would take minutes here; linear takes well under a few seconds.
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('RFC 4475 §3.1.2.2: after a framing error the framer stays failed (the connection must close)', () => {
    const framer = createStreamFramer();
    expect(() => framer.push(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\nab'))).toThrow(
      /conflicting/,
    );
    expect(() => framer.push(bytes(msg('ok')))).toThrow(/conflicting/);
  });

  it('RFC 3261 §21.5.14: a message whose Content-Length is over the limit is reported for a 513 and its body skipped; the stream stays in sync', () => {
    const framer = createStreamFramer({ limits: { maxMessageBytes: 300 } });
    const big = msg('b'.repeat(1000));
    const head = big.slice(0, big.indexOf('\r\n\r\n') + 4);
    const stream = big + msg('next');
    const events = [
      ...framer.push(bytes(stream.slice(0, 400))),
      ...framer.push(bytes(stream.slice(400, 900))),
      ...framer.push(bytes(stream.slice(900))),
    ];
    expect(events.map((e) => e.kind)).toEqual(['oversize', 'message']);
    const [oversize, next] = events;
    expect(oversize?.kind === 'oversize' && str(oversize.head)).toBe(head);
    expect(oversize?.kind === 'oversize' && oversize.error).toMatchObject({
      code: 'TOO_LARGE',
      status: 513,
    });
    expect(next?.kind === 'message' && str(next.bytes)).toBe(msg('next'));
    expect(framer.bufferedBytes).toBe(0);
    expect(framer.skippingBytes).toBe(0);
  });

  it('after a framing error peek() gives the head of the failed message (to salvage an answer)', () => {
    const framer = createStreamFramer();
    const text = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n';
    expect(() => framer.push(bytes(text))).toThrow(/mandatory/);
    expect(str(framer.peek(10))).toBe(text.slice(0, 10));
    expect(str(framer.peek(10_000))).toBe(text);
  });

  it('buffered data never exceeds maxMessageBytes plus one chunk', () => {
    const framer = createStreamFramer({ limits: { maxMessageBytes: 300 } });
    const head = 'OPTIONS sip:a@b SIP/2.0\r\n';
    framer.push(bytes(head));
    let failed = false;
    for (let i = 0; i < 100 && !failed; i++) {
      try {
        framer.push(bytes('X-Pad: 0123456789\r\n'));
        expect(framer.bufferedBytes).toBeLessThanOrEqual(300 + 19);
      } catch (err) {
        expect(err).toMatchObject({ code: 'TOO_LARGE' });
        failed = true;
      }
    }
    expect(failed).toBe(true);
  });
});
