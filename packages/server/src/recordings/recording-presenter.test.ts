// Webex's metadata shape for a captured call, filled from what the SIPREC metadata and the
// recorder kept (participants, streams, recording actions).
import { describe, expect, it } from 'vitest';
import { IMPORTED_PROVENANCE, type RecordingRecord } from './recordings.model.js';
import { presentConvergedRecording, presentMetadata } from './recording-presenter.js';

const uuid = (n: number) => `0000000${n}-5529-4b60-a6c7-91e8b293bbab`;
const webexId = (type: string, n: number) =>
  Buffer.from(`ciscospark://us/${type}/${uuid(n)}`).toString('base64url');

const captured: RecordingRecord = {
  id: 'd3f434f7599b4d99ad58933a0a2885aa',
  orgId: webexId('ORGANIZATION', 1),
  audioId: 'a1',
  topic: 'Call with +15550100',
  createTime: '2026-12-05T12:12:28.111Z',
  timeRecorded: '2026-12-05T12:11:58.748Z',
  format: 'OGG',
  serviceType: 'calling',
  durationSeconds: 27,
  sizeBytes: 137009,
  status: 'available',
  ownerId: webexId('WORKSPACE', 2),
  ownerEmail: null,
  ownerName: 'Reception',
  ownerType: 'place',
  storageRegion: 'US',
  locationId: webexId('LOCATION', 3),
  callSessionId: 'c1@host;local-tag=a;remote-tag=b',
  callId: 'c1@host',
  direction: 'outbound',
  localNumber: '2001',
  remoteNumber: '+15550100',
  parties: [],
  channels: 2,
  sha256: 'ab',
  hasTranscript: false,
  metadata: {
    participants: [
      { id: 'p1', aor: 'sip:2001@pbx.example.com', name: 'Reception' },
      { id: 'p2', aor: 'sip:+15550100@pstn.example' },
    ],
    streams: [
      { channel: 0, index: 0, label: '1', participantId: 'p1' },
      { channel: 1, index: 1, label: '2', participantId: 'p2' },
    ],
    recordingActions: [
      {
        action: 'start',
        at: '2026-12-05T12:11:58.719Z',
        offsetMs: -29,
        source: 'mode',
        ownerId: webexId('WORKSPACE', 2),
      },
      { action: 'pause', at: '2026-12-05T12:12:05.783Z', offsetMs: 7035, source: 'api' },
    ],
  },
  provenance: IMPORTED_PROVENANCE,
  deletedAt: null,
  purgedAt: null,
  updatedAt: '2026-12-05T12:12:28.111Z',
};

describe('Webex metadata of a captured call', () => {
  it('ids are plain UUIDs, ownerType is upper case, the owner placed the call (originator)', () => {
    const m = presentMetadata(captured);
    expect(m).toMatchObject({
      orgId: uuid(1),
      ownerId: uuid(2),
      ownerType: 'PLACE',
      version: '1.2',
    });
    expect(m.serviceData).toMatchObject({
      callRecordingId: captured.id,
      locationId: uuid(3),
      personality: 'originator',
      callingParty: { actor: { type: 'PLACE', id: uuid(2) }, number: '2001' },
      calledParty: { number: '+15550100' },
      answererInfo: { number: '+15550100' },
      recordingType: 'alwaysON',
      session: {
        startTime: '2026-12-05T12:11:58.748Z',
        stopTime: '2026-12-05T12:12:25.748Z',
        durationSeconds: 27,
      },
    });
    expect(m.serviceData.calledParty?.actor).toBeUndefined();
    expect(presentConvergedRecording(captured)).toMatchObject({
      ownerId: uuid(2),
      ownerType: 'place',
      serviceData: { locationId: uuid(3) },
    });
  });

  it('recordingActions as Webex writes them ({action: "PAUSE", time}), Callvault fields kept', () => {
    expect(presentMetadata(captured).serviceData.recordingActions).toEqual([
      {
        action: 'START',
        time: '2026-12-05T12:11:58.719Z',
        at: '2026-12-05T12:11:58.719Z',
        offsetMs: -29,
        source: 'mode',
        ownerId: uuid(2),
      },
      {
        action: 'PAUSE',
        time: '2026-12-05T12:12:05.783Z',
        at: '2026-12-05T12:12:05.783Z',
        offsetMs: 7035,
        source: 'api',
      },
    ]);
  });

  it('callActivity: the media streams and who sent which, from the SIPREC participants and streams', () => {
    expect(presentMetadata(captured).serviceData.callActivity).toEqual([
      {
        timeStamp: '2026-12-05T12:11:58.748Z',
        mediaStreams: [
          { streamId: '1', mode: 'separate', mLineIndex: '0' },
          { streamId: '2', mode: 'separate', mLineIndex: '1' },
        ],
        participants: [
          { aor: 'sip:2001@pbx.example.com', name: 'Reception', send: '1' },
          { aor: 'sip:+15550100@pstn.example', send: '2' },
        ],
      },
    ]);
  });

  it('a start by the owner is onDemand; an imported recording without actions has no recordingType', () => {
    const onDemand = presentMetadata({
      ...captured,
      metadata: { recordingActions: [{ action: 'start', at: 'x', source: 'dtmf' }] },
    });
    expect(onDemand.serviceData.recordingType).toBe('onDemand');
    const imported = presentMetadata({ ...captured, metadata: {}, direction: null });
    expect(imported.serviceData.recordingType).toBeUndefined();
    expect(imported.serviceData.personality).toBeUndefined();
    expect(imported.serviceData.callActivity).toEqual([]);
  });

  it('parties with roles from the call system name the calling and called numbers', () => {
    const m = presentMetadata({
      ...captured,
      direction: 'inbound',
      parties: [
        { role: 'caller', number: '+46701234567', name: 'Alice Caller' },
        { role: 'callee', number: '+4685550101' },
      ],
    });
    expect(m.serviceData).toMatchObject({
      personality: 'terminator',
      callingParty: { number: '+46701234567', name: 'Alice Caller' },
      calledParty: { number: '+4685550101', actor: { type: 'PLACE', id: uuid(2) } },
    });
  });
});
