// Encryption at rest: envelope encryption with per-object data keys (envelope.ts), master keys
// and their keyring (master-key.ts), and the BlobStore decorator that applies both, with master
// key rotation (encrypted-blob-store.ts). See docs/adr/0003-envelope-encryption.md.
export { IntegrityError, MasterKeyError } from './crypto-errors.js';
export {
  EncryptedBlobStore,
  KEY_RECORD_SUFFIX,
  keyRecordKey,
  rotateMasterKey,
  type EncryptedBlobStoreOptions,
  type EncryptedPutResult,
  type EncryptedReadOptions,
  type KeyRecord,
  type RotateMasterKeyOptions,
  type RotationProgress,
} from './encrypted-blob-store.js';
export {
  DATA_KEY_BYTES,
  DEFAULT_CHUNK_SIZE,
  HEADER_BYTES,
  TAG_BYTES,
  countChunks,
  createEnvelopeHeader,
  decryptChunks,
  decryptEnvelope,
  encryptEnvelope,
  encryptedSize,
  generateDataKey,
  parseEnvelopeHeader,
  planEncryptedRange,
  unwrapDataKey,
  wrapDataKey,
  type EncryptedRangePlan,
  type EnvelopeHeader,
  type WrappedDataKey,
} from './envelope.js';
export {
  MASTER_KEY_BYTES,
  MASTER_KEY_FILE,
  MasterKeyring,
  createMasterKey,
  deriveMasterKeyId,
  generateMasterKey,
  loadMasterKeyring,
  masterKeyFilePath,
  readMasterKeyFile,
  writeMasterKeyFile,
  type LoadMasterKeyringOptions,
  type MasterKey,
} from './master-key.js';
