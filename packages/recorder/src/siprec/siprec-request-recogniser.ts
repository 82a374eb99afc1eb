// Recognises a SIPREC recording session request (RFC 7866 §6.1.1): the SRC SHOULD put the
// `+sip.src` feature tag in its Contact (RFC 7866 §6.1.1, registered in §12.1) and MAY send
// `Require: siprec` (§6.1.1, option tag of §12.2), and the body carries recording metadata.
// Callvault records without any of them (SPEC §5: "does not require +sip.src, Require: siprec,
// a=label or metadata"), so this only notes what was present.

export interface SiprecRequestHints {
  /** Contact header value(s) as received. */
  readonly contactHeader?: string | readonly string[];
  /** Require header value(s) as received. */
  readonly requireHeader?: string | readonly string[];
  /** Whether the body has a recording-metadata part. */
  readonly hasMetadataPart?: boolean;
}

export interface SiprecRequestIndicators {
  /** Contact carries `+sip.src` (or the draft's bare `src`) feature tag. */
  readonly srcFeatureTag: boolean;
  /** Require lists the `siprec` option tag. */
  readonly requireSiprec: boolean;
  readonly metadataPart: boolean;
}

function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Split on `sep` outside `<...>` and quoted strings (RFC 3261 §25.1 quoted-string). */
function splitOutside(value: string, sep: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] ?? '';
    if (inQuotes) {
      current += ch;
      if (ch === '\\') {
        current += value[i + 1] ?? '';
        i += 1;
      } else if (ch === '"') inQuotes = false;
      continue;
    }
    if (ch === '"') inQuotes = true;
    else if (ch === '<') inAngle = true;
    else if (ch === '>') inAngle = false;
    if (ch === sep && !inAngle) {
      pieces.push(current);
      current = '';
    } else current += ch;
  }
  pieces.push(current);
  return pieces;
}

function contactHasSrcTag(contact: string): boolean {
  return splitOutside(contact, ',').some((entry) =>
    splitOutside(entry, ';')
      .slice(1)
      .some((param) => {
        const name = (param.split('=')[0] ?? '').trim().toLowerCase();
        return name === '+sip.src' || name === 'sip.src' || name === 'src';
      }),
  );
}

export function readSiprecRequestIndicators(hints: SiprecRequestHints): SiprecRequestIndicators {
  return {
    srcFeatureTag: asList(hints.contactHeader).some(contactHasSrcTag),
    requireSiprec: asList(hints.requireHeader).some((value) =>
      value.split(',').some((tag) => tag.trim().toLowerCase() === 'siprec'),
    ),
    metadataPart: hints.hasMetadataPart === true,
  };
}

/** True when any SIPREC indicator is present. Absence never makes a request unrecordable. */
export function isSiprecRequest(hints: SiprecRequestHints): boolean {
  const indicators = readSiprecRequestIndicators(hints);
  return indicators.srcFeatureTag || indicators.requireSiprec || indicators.metadataPart;
}
