// Signed temporary download links (SPEC §7): `temporaryDirectDownloadLinks` must work without
// a token until they expire, so the link itself carries its authority: an HMAC-SHA256 over the
// recording, the kind of file, the person it was issued to and the expiry, keyed with a server
// secret. The secret is a 0600 file in the data dir, created on first use (so commands that never
// sign anything, like `callvault openapi`, leave no file behind).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** `playback`: the audio to listen to, for those who may play but not download it. */
export type LinkKind = 'audio' | 'transcript' | 'playback';

export interface LinkClaims {
  readonly recordingId: string;
  readonly kind: LinkKind;
  /** The person the link was issued to; downloads are audited as them. */
  readonly actorId: string;
  /** Unix seconds. */
  readonly expires: number;
}

export interface LinkSigner {
  sign(claims: LinkClaims): string;
  /** Whether `signature` was made by this server for exactly these claims (not checking time). */
  verify(claims: LinkClaims, signature: string): boolean;
}

export const LINK_SECRET_FILE = 'link-signing.key';

function payloadOf(c: LinkClaims): string {
  // Newlines cannot occur in ids, so the fields cannot be shifted into one another.
  return ['callvault-link-v1', c.recordingId, c.kind, c.actorId, String(c.expires)].join('\n');
}

export function createLinkSignerFromSecret(secret: Uint8Array): LinkSigner {
  const mac = (c: LinkClaims): Buffer =>
    crypto.createHmac('sha256', secret).update(payloadOf(c)).digest();
  return {
    sign: (c) => mac(c).toString('base64url'),
    verify: (c, signature) => {
      const expected = mac(c);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}

/** Reads the secret from `dataDir`, creating it (32 random bytes, mode 0600) when missing. */
export function loadOrCreateLinkSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, LINK_SECRET_FILE);
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32);
  try {
    // 'wx': when two processes race, the first file wins and both read it back.
    fs.writeFileSync(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  }
}

/** A signer whose secret file in `dataDir` is read (or created) on first use. */
export function createDataDirLinkSigner(dataDir: string): LinkSigner {
  let signer: LinkSigner | null = null;
  const get = (): LinkSigner =>
    (signer ??= createLinkSignerFromSecret(loadOrCreateLinkSecret(dataDir)));
  return {
    sign: (c) => get().sign(c),
    verify: (c, s) => get().verify(c, s),
  };
}
