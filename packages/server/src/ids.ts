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
  | 'JOB';

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
