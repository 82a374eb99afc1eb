// A PCMU stream of a capture session file, for the capture tests' journals.
import type { CaptureSessionFile } from '@callvault/recorder';

export const PCMU = [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }];

export function pcmuStream(
  index: number,
  label: string,
  journal: string,
  telephoneEventPayloadTypes: number[] = [],
): CaptureSessionFile['streams'][number] {
  return { index, label, codecs: PCMU, telephoneEventPayloadTypes, journal, srtp: false };
}
