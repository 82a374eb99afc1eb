// Typed failures of encryption at rest. Both are server faults (500), never the caller's: they mean
// stored bytes were changed or a key is missing, and an operator has to look.
import { AppError } from '../errors.js';
import { BlobIntegrityError } from '../storage/blob-store.js';

/**
 * Stored content, its key record or its SHA-256 does not match what was written (tamper, rot).
 * A BlobIntegrityError, so callers of any BlobStore handle it as one.
 */
export class IntegrityError extends BlobIntegrityError {
  constructor(message: string, key?: string) {
    super(message, key);
    this.name = 'IntegrityError';
  }
}

/** The master key is missing, malformed, unsafe on disk, or not in the keyring. */
export class MasterKeyError extends AppError {
  constructor(message: string) {
    super('MASTER_KEY_UNAVAILABLE', message);
    this.name = 'MasterKeyError';
  }
}
