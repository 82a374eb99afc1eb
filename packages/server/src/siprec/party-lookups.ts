// How a SIPREC participant's identifier is read into directory lookups (pure; owner matching in
// recording-policy.ts runs them against the database). The rules:
//
// - SIP address (RFC 3261 §19.1.4): the host compares case-insensitively, the user part
//   case-sensitively. Stored SIP addresses are kept in the same canonical form (scheme dropped,
//   host lower-cased, user as given: canonicalSipAddress), so both sides of the comparison are
//   normalised the same way. A person's e-mail address, stored lower-cased, is compared with the
//   whole address lower-cased (e-mail local parts are case-insensitive in practice).
// - Extension: the user part (or a bare identifier) is an extension only on a host the trunk
//   declares as its own (`ownDomains`; `*` = any host, `*.example.com` = any subdomain); an
//   identifier without a host (`sip:8638254725`, a bare BroadWorks number) is the SRC's own.
// - Number: E.164 (`+…`) as given; digits the SRC sent without `+` are read with each dial-plan
//   country (the trunk's country, else the countries of the org's locations) by libphonenumber-js
//   (`7602922410` with US → +17602922410, `0760516936` with SE → +46760516936, `0046…` too; only
//   readings valid by the country's numbering pattern), and a number read with a country only
//   matches an entity in a location of that country (enforced by the caller) unless the country
//   is the trunk's own; the digits as given and with a `+` put back (a user part that dropped
//   it) are tried last. A global number (`+…`) is never an extension.
import { parseUri } from '@callvault/recorder';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { dialPlanCountry } from '../org/dial-plan.js';
import { normalizeNumber } from '../org/directory-entries.repository.js';
import { canonicalHost } from '../org/sip-address.js';

export type MatchedBy = 'sip-address' | 'extension' | 'number' | 'broadworks-user-id';

/** One directory lookup, in the order tried. */
export interface PartyLookup {
  readonly matchedBy: MatchedBy;
  readonly ref: { email?: string; sipAddress?: string; extension?: string; number?: string };
  /** A national number read with this dial-plan country: the entity must be in it. */
  readonly country?: string;
}

/** What the trunk the session came on says about the identifiers it sends. */
export interface DialContext {
  /** Hosts (or `*`, `*.domain`) whose user parts are extensions. */
  readonly ownDomains: readonly string[];
  /** ISO 3166-1 alpha-2 countries to read national numbers with, most likely first. */
  readonly countries: readonly string[];
}

const DIGITS = /^\+?[0-9][0-9\-.() ]*$/;

/** Visual separators of RFC 3966 §5.1.1 removed; the leading + kept. */
function phoneDigits(text: string): string | null {
  const trimmed = text.trim();
  return DIGITS.test(trimmed) ? normalizeNumber(trimmed) : null;
}

/** Normalises an own-domain entry (`PBX.Example.com.` → `pbx.example.com`); null if unusable. */
export function canonicalOwnDomain(value: string): string | null {
  const text = canonicalHost(value);
  if (text === '*') return text;
  const host = text.startsWith('*.') ? text.slice(2) : text;
  const ok = /^[a-z0-9_](?:[a-z0-9_\-.]*[a-z0-9_])?$/.test(host) || /^\[[0-9a-f:.]+\]$/.test(host);
  return ok && host.length <= 253 ? text : null;
}

/** Whether `host` is one of the trunk's own domains. */
export function isOwnHost(host: string, ownDomains: readonly string[]): boolean {
  const unbracket = (h: string): string => canonicalHost(h).replace(/^\[(.*)\]$/, '$1');
  const h = unbracket(host);
  return ownDomains.some((entry) => {
    const d = unbracket(entry);
    if (d === '*') return true;
    if (d.startsWith('*.')) return h.endsWith(d.slice(1));
    return d === h;
  });
}

/**
 * The phone number a participant's AOR names, as the SRC wrote it: a `tel:` number, or the user
 * part of a `sip:`/`sips:` URI when it is digits (`sip:+15550100@pstn`,
 * `sip:0701234567@host;user=phone`), or a host-less `sip:8638254725`, with or without the scheme;
 * null for a name, a run of over 20 digits or an AOR that does not parse.
 */
export function phoneNumberOfAor(aor: string | undefined): string | null {
  const text = aor?.trim();
  if (!text) return null;
  try {
    // Sonus/Ribbon and Metaswitch send AORs without a scheme (`2249888500@172.16.198.55`, a bare
    // `8638254725`): read as the SIP URI they stand for.
    const uri = parseUri(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `sip:${text}`);
    const value =
      uri.kind === 'tel' ? uri.number : uri.kind === 'sip' ? (uri.user ?? uri.host) : undefined;
    const digits = value ? phoneDigits(value) : null;
    // E.164 numbers have at most 15 digits; a longer run is no phone number.
    return digits !== null && digits.replace('+', '').length <= 20 ? digits : null;
  } catch {
    return null;
  }
}

/** E.164 readings of digits sent without `+`, one per dial-plan country that finds one. */
export function nationalReadings(
  digits: string,
  countries: readonly string[],
): Array<{ e164: string; country: string }> {
  const readings: Array<{ e164: string; country: string }> = [];
  for (const c of countries) {
    const country = dialPlanCountry(c);
    if (!country) continue;
    const parsed = parsePhoneNumberFromString(digits, country);
    // Valid by the country's general numbering pattern (libphonenumber-js' default metadata
    // checks the pattern and lengths, not each assigned range): a US reading of a number
    // starting with 0 is refused, a new range in a known area code is not.
    if (!parsed?.isValid()) continue;
    if (!readings.some((r) => r.e164 === parsed.number)) {
      readings.push({ e164: parsed.number, country });
    }
  }
  return readings;
}

function numberLookups(
  value: string,
  matchedBy: MatchedBy,
  extensionAllowed: boolean,
  countries: readonly string[],
): PartyLookup[] {
  const digits = phoneDigits(value);
  if (digits === null) return [];
  const bare = digits.replace(/^\+/, '');
  const by = (kind: 'extension' | 'number'): MatchedBy =>
    matchedBy === 'broadworks-user-id' ? matchedBy : kind;
  const lookups: PartyLookup[] = [];
  // A global number (`+…`) is never an extension.
  if (extensionAllowed && !digits.startsWith('+')) {
    lookups.push({ matchedBy: by('extension'), ref: { extension: bare } });
  }
  if (digits.startsWith('+')) {
    lookups.push({ matchedBy: by('number'), ref: { number: digits } });
    return lookups;
  }
  for (const reading of nationalReadings(digits, countries)) {
    lookups.push({
      matchedBy: by('number'),
      ref: { number: reading.e164 },
      country: reading.country,
    });
  }
  lookups.push({ matchedBy: by('number'), ref: { number: digits } });
  // E.164 numbers are stored with their +; call systems often drop it in the user part.
  if (!lookups.some((l) => l.ref.number === `+${bare}`)) {
    lookups.push({ matchedBy: by('number'), ref: { number: `+${bare}` } });
  }
  return lookups;
}

/**
 * The directory lookups for one identifier: an AOR (`sip:`/`sips:` user@host, `tel:` number, a
 * host-less `sip:number`, or a bare address) or a BroadWorks userID (`user@domain` or a number).
 */
export function planPartyLookups(
  identifier: string,
  context: DialContext,
  matchedBy: 'sip-address' | 'broadworks-user-id' = 'sip-address',
): PartyLookup[] {
  const text = identifier.trim();
  if (text === '') return [];
  let user: string | undefined;
  let host: string | undefined;
  let tel: { number: string; context?: string } | undefined;
  try {
    const uri = parseUri(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `sip:${text}`);
    if (uri.kind === 'tel') {
      const phoneContext = uri.params['phone-context'];
      tel = { number: uri.number, ...(phoneContext ? { context: phoneContext } : {}) };
    } else if (uri.kind === 'sip') {
      user = uri.user;
      host = uri.host;
    }
  } catch {
    const at = text.lastIndexOf('@');
    user = at < 0 ? text : text.slice(0, at);
    host = at < 0 ? undefined : text.slice(at + 1);
  }
  if (tel !== undefined) {
    // RFC 3966 §5.1.5: a local number's phone-context names the domain it belongs to.
    const own =
      tel.context === undefined ||
      tel.context.startsWith('+') ||
      isOwnHost(tel.context, context.ownDomains);
    return numberLookups(
      tel.number,
      matchedBy === 'sip-address' ? 'number' : matchedBy,
      own,
      context.countries,
    );
  }
  const lookups: PartyLookup[] = [];
  if (user !== undefined && host !== undefined && user !== '') {
    const address = `${user}@${canonicalHost(host)}`;
    lookups.push({ matchedBy, ref: { sipAddress: address, email: address.toLowerCase() } });
    lookups.push(
      ...numberLookups(user, matchedBy, isOwnHost(host, context.ownDomains), context.countries),
    );
  } else if (user !== undefined) {
    lookups.push(...numberLookups(user, matchedBy, true, context.countries));
  } else if (host !== undefined) {
    // `sip:8638254725`: no user part, the "host" is the number the SRC means.
    lookups.push(...numberLookups(host, matchedBy, true, context.countries));
  }
  return lookups;
}
