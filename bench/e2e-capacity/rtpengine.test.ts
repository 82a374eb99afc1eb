import { describe, expect, it } from 'vitest';
import { bdecode, bencode } from './rtpengine.js';

describe('bencode for the ng protocol', () => {
  it('BEP 3: strings by byte length, integers, lists, dictionaries with sorted keys', () => {
    expect(bencode({ 'call-id': 'a', command: 'ping', n: 42, flags: ['x', 'yz'] }).toString()).toBe(
      'd7:call-id1:a7:command4:ping5:flagsl1:x2:yze1:ni42ee',
    );
    expect(bencode('é').toString('latin1')).toBe('2:Ã©');
  });

  it("decodes rtpengine's answer, SDP with its CRLFs intact", () => {
    const sdp = 'v=0\r\nm=audio 30000 RTP/AVP 0\r\n';
    const wire = Buffer.from(`d6:result2:ok3:sdp${sdp.length}:${sdp}e`);
    expect(bdecode(wire)).toEqual({ value: { result: 'ok', sdp }, end: wire.length });
    const round = { command: 'offer', list: ['a', 1, { b: 'c' }] };
    expect(bdecode(bencode(round)).value).toEqual(round);
  });

  it('refuses what is not bencode', () => {
    expect(() => bdecode(Buffer.from('d3:abc'))).toThrow();
    expect(() => bdecode(Buffer.from('x'))).toThrow();
  });
});
