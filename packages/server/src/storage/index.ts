// Blob storage: the BlobStore port, its file-system and S3 implementations, and the factory that
// picks one from the configuration. Encryption at rest wraps any of them (see ../crypto).
export {
  BlobNotFoundError,
  BlobRangeError,
  InvalidBlobKeyError,
  MAX_BLOB_KEY_BYTES,
  assertBlobKey,
  assertBlobPrefix,
  collectBytes,
  resolveBlobRange,
  type BlobData,
  type BlobHead,
  type BlobPutOptions,
  type BlobPutResult,
  type BlobRange,
  type BlobReadStream,
  type BlobStore,
} from './blob-store.js';
export {
  createBlobStoreHealthCheck,
  HEALTH_PROBE_PREFIX,
  probeBlobStore,
  type BlobStoreHealthOptions,
} from './blob-store-probe.js';
export { createBlobStore } from './create-blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export { S3BlobStore, S3_MIN_PART_SIZE, type S3BlobStoreOptions } from './s3-blob-store.js';
