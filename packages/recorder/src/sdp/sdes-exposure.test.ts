import { describe, expect, it } from 'vitest';
import { sdesKeyExposure } from './sdes-exposure.js';

describe('sdesKeyExposure (RFC 4568 §8.3: SDES keys are as secret as the signalling)', () => {
  const srtp = (suite: string) => ({ srtp: { suite } });

  it.each(['udp', 'tcp', 'UDP'])('SRTP keys signalled over %s are sent in clear', (transport) => {
    expect(sdesKeyExposure(transport, [srtp('AEAD_AES_128_GCM'), {}])).toEqual({
      suites: ['AEAD_AES_128_GCM'],
      keysSentInClear: true,
    });
  });

  it('over TLS the keys are protected', () => {
    expect(sdesKeyExposure('tls', [srtp('AES_CM_128_HMAC_SHA1_80')]).keysSentInClear).toBe(false);
  });

  it('plain RTP has no keys to expose; suites are listed once each', () => {
    expect(sdesKeyExposure('udp', [{}, {}])).toEqual({ suites: [], keysSentInClear: false });
    expect(
      sdesKeyExposure('tcp', [srtp('AES_CM_128_HMAC_SHA1_80'), srtp('AES_CM_128_HMAC_SHA1_80')])
        .suites,
    ).toEqual(['AES_CM_128_HMAC_SHA1_80']);
  });
});
