// Whether a recording session is a voicemail deposit (a caller leaving a message in someone's
// mailbox) rather than a conversation, and whose mailbox it is. RFC 7865 metadata has no call
// category; this reads the two places an SRC says it. Pure: it reads the parsed model only.
//
//   - RFC 4458 §3 voicemail URIs: a call retargeted to a voicemail server carries the mailbox in
//     the `target` URI parameter and the redirecting reason in `cause` (§3.2: 404 unknown
//     number, 486 busy, 408 no reply, 302 unconditional, 487 deflection during alerting, 480
//     deflection immediate response, 503 not reachable), e.g.
//       sip:voicemail@example.com;target=sip:+15555551002%40example.com;user=phone;cause=486
//     A participant, or a BroadWorks called number, with such a URI is the voicemail server,
//     and `target` names the mailbox. A `target` without one of those causes is not taken: RFC
//     4458 also forms IVR URIs, and RFC 8119's cause 380 (service number translation) is not a
//     redirection to a mailbox.
//   - BroadWorks' `broadWorksRecordingMetadata` extension records one subscriber (`userID`) and
//     names the call half in `callType` (`origCall`, `termCall`, ...). A call half of the Voice
//     Messaging service — a `callType` child, or a `serviceType`/`service`/`serviceName` element,
//     whose name says voice mail or voice messaging — is a deposit into that subscriber's box.
//
// No evidence gives null: a conversation is never turned into a voicemail by a guess.
import type { RecordingMetadata } from './recording-metadata.js';

export type VoicemailEvidence = 'rfc4458-uri' | 'broadworks-call-type' | 'broadworks-service';

export interface VoicemailLeg {
  /** What said it is a voicemail deposit. */
  readonly evidence: VoicemailEvidence;
  /**
   * Whose mailbox: the RFC 4458 `target` (percent-decoded, an address or number) or BroadWorks'
   * recorded `userID`. Absent when the SRC said "voicemail" without naming the box.
   */
  readonly mailbox?: string;
  /** RFC 4458 §3.2 redirecting reason, when the evidence is a voicemail URI. */
  readonly cause?: string;
}

/** RFC 4458 §3.2 causes that mean "redirected to the mailbox of `target`". */
export const RFC4458_VOICEMAIL_CAUSES: ReadonlySet<string> = new Set([
  '302',
  '404',
  '408',
  '480',
  '486',
  '487',
  '503',
]);

function decodeParam(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * The mailbox and cause of an RFC 4458 voicemail URI (`sip:`, `sips:` or `tel:`, with or without
 * angle brackets), or null when the URI is not one.
 */
export function rfc4458VoicemailTarget(
  uri: string,
): { readonly mailbox: string; readonly cause: string } | null {
  let text = uri.trim();
  const open = text.indexOf('<');
  if (open >= 0) {
    const close = text.indexOf('>', open);
    text = text.slice(open + 1, close < 0 ? undefined : close);
  }
  if (!/^(?:sips?|tel):/i.test(text)) return null;
  // URI parameters end where the headers (`?`) begin (RFC 3261 §19.1.1).
  const withoutHeaders = text.split('?', 1)[0]!;
  const params = new Map<string, string>();
  for (const part of withoutHeaders.split(';').slice(1)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name !== '' && !params.has(name)) params.set(name, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  const target = params.get('target');
  const cause = params.get('cause');
  if (target === undefined || cause === undefined || !RFC4458_VOICEMAIL_CAUSES.has(cause)) {
    return null;
  }
  const mailbox = decodeParam(target);
  if (mailbox === null || mailbox.trim() === '') return null;
  return { mailbox: mailbox.trim(), cause };
}

/** Letters only, lower case: `voiceMailDeposit`, `Voice Messaging User` → `voicemaildeposit` … */
const letters = (name: string): string => name.replace(/[^A-Za-z]/g, '').toLowerCase();
const namesVoicemail = (name: string): boolean => /^(?:voicemail|voicemessag)/.test(letters(name));

const SERVICE_ELEMENT =
  /<(?:[A-Za-z_][\w.-]*:)?(?:serviceType|service|serviceName)(?:\s[^>]*)?>([^<]*)</gi;

function broadWorksLeg(metadata: RecordingMetadata): VoicemailLeg | null {
  const broadworks = metadata.vendor?.broadworks;
  if (broadworks === undefined) return null;
  const userId = broadworks.userId?.trim();
  const mailbox = userId === undefined || userId === '' ? {} : { mailbox: userId };
  if (broadworks.callType !== undefined && namesVoicemail(broadworks.callType.kind)) {
    return { evidence: 'broadworks-call-type', ...mailbox };
  }
  for (const extension of metadata.extensions) {
    if (!extension.xml.includes('broadWorksRecordingMetadata')) continue;
    for (const match of extension.xml.matchAll(SERVICE_ELEMENT)) {
      if (namesVoicemail(match[1]!)) return { evidence: 'broadworks-service', ...mailbox };
    }
  }
  return null;
}

/**
 * The voicemail deposit this session is, or null. `otherAors` are addresses known apart from the
 * metadata (the INVITE's To when the SRC sent none).
 */
export function voicemailLegOf(
  metadata: RecordingMetadata | undefined,
  otherAors: readonly string[] = [],
): VoicemailLeg | null {
  const callType = metadata?.vendor?.broadworks?.callType;
  const aors = [
    ...(metadata?.participants ?? []).flatMap((p) => [
      ...(p.aor === undefined ? [] : [p.aor]),
      ...p.nameIds.flatMap((n) => (n.aor === undefined ? [] : [n.aor])),
    ]),
    ...(callType?.calledPartyNumber === undefined ? [] : [callType.calledPartyNumber]),
    ...otherAors,
  ];
  for (const aor of aors) {
    const found = rfc4458VoicemailTarget(aor);
    if (found) return { evidence: 'rfc4458-uri', mailbox: found.mailbox, cause: found.cause };
  }
  return metadata === undefined ? null : broadWorksLeg(metadata);
}
