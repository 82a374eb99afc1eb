import { describe, expect, it } from 'vitest';
import { dispositionHeader } from '../http/file-reply.js';
import { recordingDownloadName } from './download-filename.js';

const recording = {
  timeRecorded: '2026-12-05T09:07:00.000Z',
  ownerName: 'Åsa Öberg',
  topic: 'Call with Bob Berg',
};

describe('the name a downloaded recording is saved under', () => {
  it('is "YYYY-MM-DD HHMM owner – topic.ext" in UTC without a time zone', () => {
    expect(recordingDownloadName(recording, 'ogg', null)).toBe(
      '2026-12-05 0907 Åsa Öberg – Call with Bob Berg.ogg',
    );
  });

  it('uses the viewer’s time zone when the link names one', () => {
    expect(recordingDownloadName(recording, 'wav', 'Europe/Stockholm')).toBe(
      '2026-12-05 1007 Åsa Öberg – Call with Bob Berg.wav',
    );
    expect(
      recordingDownloadName(
        { ...recording, timeRecorded: '2026-12-05T23:30:00.000Z' },
        'wav',
        'Asia/Tokyo',
      ),
    ).toBe('2026-12-06 0830 Åsa Öberg – Call with Bob Berg.wav');
  });

  it('replaces characters file systems refuse and keeps names short', () => {
    const name = recordingDownloadName(
      { ...recording, ownerName: 'a/b\\c', topic: `x:y*z?"<>|\n${'long '.repeat(60)}` },
      'ogg',
      null,
    );
    expect(name).not.toMatch(/[<>:"/\\|?*\n]/);
    expect(name.startsWith('2026-12-05 0907 a b c – x y z')).toBe(true);
    expect(Array.from(name).length).toBeLessThanOrEqual(154);
    expect(name.endsWith('.ogg')).toBe(true);
  });

  it('goes out as an RFC 6266 header with an ASCII fallback and filename* for the UTF-8 name', () => {
    const name = recordingDownloadName(recording, 'ogg', null);
    const header = dispositionHeader(name);
    expect(header).toBe(
      `inline; filename="2026-12-05 0907 Asa Oberg - Call with Bob Berg.ogg"; filename*=UTF-8''2026-12-05%200907%20%C3%85sa%20%C3%96berg%20%E2%80%93%20Call%20with%20Bob%20Berg.ogg`,
    );
  });
});
