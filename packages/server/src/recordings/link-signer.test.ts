import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LINK_SECRET_FILE,
  createDataDirLinkSigner,
  createLinkSignerFromSecret,
  loadOrCreateLinkSecret,
  type LinkClaims,
} from './link-signer.js';

const claims: LinkClaims = {
  recordingId: 'r1',
  kind: 'audio',
  actorId: 'p1',
  expires: 1_800_000_000,
};
const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-link-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('signed download links', () => {
  const signer = createLinkSignerFromSecret(Buffer.alloc(32, 7));

  it('verifies its own signature for the same claims', () => {
    expect(signer.verify(claims, signer.sign(claims))).toBe(true);
  });

  it.each([
    ['another recording', { recordingId: 'r2' }],
    ['another kind', { kind: 'transcript' as const }],
    ['another person', { actorId: 'p2' }],
    ['a later expiry', { expires: claims.expires + 1 }],
  ])('refuses the signature for %s', (_name, change) => {
    expect(signer.verify({ ...claims, ...change }, signer.sign(claims))).toBe(false);
  });

  it('refuses a signature from another secret, and garbage', () => {
    const other = createLinkSignerFromSecret(Buffer.alloc(32, 8));
    expect(signer.verify(claims, other.sign(claims))).toBe(false);
    expect(signer.verify(claims, '')).toBe(false);
    expect(signer.verify(claims, 'not base64 !!')).toBe(false);
  });

  it('keeps its secret in a 0600 file in the data dir, created on first use and reused', () => {
    const dir = tempDir();
    const lazy = createDataDirLinkSigner(dir);
    expect(fs.existsSync(path.join(dir, LINK_SECRET_FILE))).toBe(false);
    const sig = lazy.sign(claims);
    const stat = fs.statSync(path.join(dir, LINK_SECRET_FILE));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(createDataDirLinkSigner(dir).verify(claims, sig)).toBe(true);
    expect(loadOrCreateLinkSecret(dir)).toHaveLength(32);
  });
});
