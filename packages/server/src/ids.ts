// Resource ids in the Webex shape: base64url of `ciscospark://us/<TYPE>/<uuid>`, opaque to clients.
import crypto from 'node:crypto';

export type IdType =
  | 'PARTNER'
  | 'ORGANIZATION'
  | 'LOCATION'
  | 'PEOPLE'
  | 'WORKSPACE'
  | 'VIRTUAL_LINE'
  | 'AUTO_ATTENDANT'
  | 'CALL_QUEUE'
  | 'HUNT_GROUP'
  | 'API_TOKEN'
  | 'SESSION'
  | 'AUDIT_EVENT'
  | 'RECORDING_VENDOR'
  | 'RECORDING_TRUNK'
  | 'ANNOUNCEMENT_FILE'
  | 'JOB'
  | 'EVENT'
  | 'FORWARDED_CALL';

export function newId(type: IdType): string {
  return Buffer.from(`ciscospark://us/${type}/${crypto.randomUUID()}`).toString('base64url');
}

/** The type encoded in an id, or null when the string is not one of ours. */
export function idType(id: string): IdType | null {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^ciscospark:\/\/us\/([A-Z_]+)\/[0-9a-f-]{36}$/.exec(decoded);
  return match ? (match[1] as IdType) : null;
}

/** Opaque secrets (API tokens, session cookies) and their stored form. */
export function newSecret(prefix: string): string {
  return `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

const WEBEX_ID = /^ciscospark:\/\/[^/]+\/([A-Z_]+)\/([0-9a-fA-F-]{32,36})$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A UUID, dashed or as 32 hex digits, in its dashed lowercase form; null when it is none. */
export function normaliseUuid(value: string): string | null {
  if (!UUID.test(value)) return null;
  const hex = value.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The type and UUID inside a Webex id (base64 or base64url, any cluster); null for other strings. */
function decodeWebexId(id: string): { type: string; uuid: string } | null {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(id)) return null;
  const match = WEBEX_ID.exec(Buffer.from(id, 'base64url').toString('utf8'));
  const uuid = match?.[2] !== undefined ? normaliseUuid(match[2]) : null;
  return match?.[1] !== undefined && uuid !== null ? { type: match[1], uuid } : null;
}

/**
 * The plain UUID of a Webex id, the form Webex itself uses in recording objects and metadata
 * (`ownerId`, `serviceData.locationId`, `orgId`); a string that is not a Webex id is returned as is.
 */
export function uuidOfId(id: string): string {
  return decodeWebexId(id)?.uuid ?? id;
}

/**
 * The stored ids a client's id may name: a Webex id in Callvault's own encoding (whatever base64
 * flavour or cluster the client used), or a plain UUID as the Webex id of each of `types`. Any
 * other string stands for itself (it matches nothing it should not).
 */
export function idFormsOf(value: string, types: readonly IdType[]): string[] {
  const decoded = decodeWebexId(value);
  if (decoded !== null) {
    const canonical = Buffer.from(`ciscospark://us/${decoded.type}/${decoded.uuid}`).toString(
      'base64url',
    );
    return canonical === value ? [value] : [canonical, value];
  }
  const uuid = normaliseUuid(value);
  if (uuid === null) return [value];
  return types.map((type) => Buffer.from(`ciscospark://us/${type}/${uuid}`).toString('base64url'));
}
