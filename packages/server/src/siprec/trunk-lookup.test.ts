import { describe, expect, it } from 'vitest';
import type { TrunkRecord } from '../recording-trunks/recording-trunks.repository.js';
import { recordingTrunkOf } from './trunk-lookup.js';

const trunk: TrunkRecord = {
  id: 'trk-1',
  orgId: 'org-1',
  name: 'sbc',
  allowedSources: ['198.51.100.0/24'],
  digest: { username: 'sbc1', realm: 'callvault' },
  digestHa1: '0123456789abcdef0123456789abcdef',
  enabled: true,
  country: null,
  ownDomains: [],
  mediaLatching: 'signalled',
  clientCertificate: null,
  defaultOwner: null,
  created: '2026-03-02T10:00:00.000Z',
};

describe('trunk-lookup: the trunk as the recorder sees it', () => {
  it('RFC 3261 §22.4: a trunk with username, realm and HA1 hands the recorder all three', () => {
    expect(recordingTrunkOf(trunk)).toEqual({
      orgId: 'org-1',
      trunkId: 'trk-1',
      trunkName: 'sbc',
      mediaLatching: 'signalled',
      digest: { username: 'sbc1', realm: 'callvault', ha1: '0123456789abcdef0123456789abcdef' },
    });
  });

  it('a trunk missing its identity or its HA1 has no credentials: its source network is enough', () => {
    expect(recordingTrunkOf({ ...trunk, digestHa1: null })).not.toHaveProperty('digest');
    expect(recordingTrunkOf({ ...trunk, digest: null })).not.toHaveProperty('digest');
  });
});
