// BlobStore on any S3-compatible service (CALLVAULT_STORAGE_URL=s3://bucket?endpoint=…&region=…).
// Path-style URLs, because self-hosted stores (MinIO, Ceph RGW, Swift s3api, Garage) seldom have
// wildcard DNS for virtual-hosted buckets. Streams and large objects go up as multipart uploads
// (@aws-sdk/lib-storage), which are aborted when the source fails, so no partial object appears.
//
// Credentials come from the AWS SDK's standard chain, not from Callvault's configuration:
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE with
// ~/.aws/credentials, or a container or instance role.
//
// Checksums are only sent where S3 requires them: since early 2025 the SDK otherwise adds CRC32
// trailers in aws-chunked bodies, which many S3-compatible servers (Swift among them) reject.
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AppError } from '../errors.js';
import {
  BlobNotFoundError,
  BlobRangeError,
  assertBlobKey,
  assertBlobPrefix,
  assertHashableRead,
  checkReadBytes,
  checkReadStream,
  resolveBlobRange,
  type BlobData,
  type BlobHead,
  type BlobPutOptions,
  type BlobPutResult,
  type BlobRange,
  type BlobReadOptions,
  type BlobReadStream,
  type BlobStore,
} from './blob-store.js';

/** lib-storage's minimum and S3's minimum part size (except the last part). */
export const S3_MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** http(s)://host:port of an S3-compatible service; null for AWS itself. */
  readonly endpoint: string | null;
  readonly region: string;
  /** Explicit credentials (tests); by default the AWS SDK's standard chain. */
  readonly credentials?: S3ClientConfig['credentials'];
  /** Multipart part size in bytes (≥ 5 MiB); also the threshold above which uploads go multipart. */
  readonly partSize?: number;
  /** Parts uploaded at once per object. */
  readonly queueSize?: number;
  /** Keys asked for per ListObjectsV2 page (S3 caps it at 1000). */
  readonly listPageSize?: number;
}

interface S3ErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as S3ErrorShape | null)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const e = error as S3ErrorShape | null;
  return (
    statusOf(error) === 404 ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.Code === 'NoSuchKey'
  );
}

function isRangeNotSatisfiable(error: unknown): boolean {
  return statusOf(error) === 416 || (error as S3ErrorShape | null)?.name === 'InvalidRange';
}

/** Counts the bytes that pass, so a streamed put can report its size. */
async function* countBytes(
  source: AsyncIterable<Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const part of source) {
    counter.bytes += part.byteLength;
    yield part;
  }
}

/** Passes on only bytes `start`..`end` (inclusive) of a stream. */
async function* sliceBytes(
  source: AsyncIterable<Uint8Array>,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for await (const part of source) {
    const from = Math.max(start - offset, 0);
    const to = Math.min(end + 1 - offset, part.byteLength);
    if (from < to) yield part.subarray(from, to);
    offset += part.byteLength;
    if (offset > end) return;
  }
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.partSize = Math.max(options.partSize ?? S3_MIN_PART_SIZE, S3_MIN_PART_SIZE);
    this.queueSize = options.queueSize ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.endpoint === null ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
  }

  async put(key: string, data: BlobData, options: BlobPutOptions = {}): Promise<BlobPutResult> {
    assertBlobKey(key);
    const contentType = options.contentType ?? 'application/octet-stream';
    if (data instanceof Uint8Array && data.byteLength <= this.partSize) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: data,
          ContentLength: data.byteLength,
          ContentType: contentType,
        }),
      );
      return { size: data.byteLength };
    }
    const counter = { bytes: 0 };
    const body =
      data instanceof Uint8Array
        ? data
        : Readable.from(countBytes(data, counter), { objectMode: false });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } finally {
      if (body instanceof Readable && !body.destroyed) body.destroy();
    }
    return { size: data instanceof Uint8Array ? data.byteLength : counter.bytes };
  }

  async get(key: string, options?: BlobReadOptions): Promise<Uint8Array> {
    assertBlobKey(key);
    let bytes: Uint8Array;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(key);
      throw error;
    }
    return checkReadBytes(key, bytes, options);
  }

  async getStream(
    key: string,
    range?: BlobRange,
    options?: BlobReadOptions,
  ): Promise<BlobReadStream> {
    assertBlobKey(key);
    const whole = range === undefined || (range.start === undefined && range.end === undefined);
    assertHashableRead(key, whole, options);
    if (!whole) {
      // A malformed range is refused before asking S3, which would ignore it and send everything;
      // the error still carries the object's real size (and a missing object is still not found).
      const start = range.start ?? 0;
      const malformed =
        !Number.isSafeInteger(start) ||
        start < 0 ||
        (range.end !== undefined &&
          (!Number.isSafeInteger(range.end) || range.end < 0 || range.end < start));
      if (malformed) {
        const head = await this.head(key);
        if (head === null) throw new BlobNotFoundError(key);
        throw new BlobRangeError(range, head.size);
      }
    }
    const header = whole ? undefined : `bytes=${range.start ?? 0}-${range.end ?? ''}`;
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: header }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(key);
      if (!whole && isRangeNotSatisfiable(error)) {
        const head = await this.head(key);
        if (head === null) throw new BlobNotFoundError(key);
        throw new BlobRangeError(range, head.size);
      }
      throw error;
    }
    const stream =
      response.Body instanceof Readable ? response.Body : Readable.from([] as Uint8Array[]);
    const length = response.ContentLength ?? 0;
    // "bytes 2-5/11": the total comes from Content-Range whenever a range was asked for.
    const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.ContentRange ?? '');
    if (contentRange) {
      const read = {
        stream,
        size: Number(contentRange[3]),
        start: Number(contentRange[1]),
        end: Number(contentRange[2]),
      };
      return checkReadStream(key, read, options);
    }
    // No Content-Range: the whole object came back (no range asked, or a server that ignored the
    // Range header); in the second case keep only the bytes asked for.
    const { start, end } = resolveBlobRange(range, length);
    const sliced = whole ? stream : Readable.from(sliceBytes(stream, start, end));
    return checkReadStream(key, { stream: sliced, size: length, start, end }, options);
  }

  async head(key: string): Promise<BlobHead | null> {
    assertBlobKey(key);
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible servers answer 404.
      if (!isNotFound(error)) throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          ContinuationToken: continuationToken,
          MaxKeys: this.listPageSize,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw new AppError(
        'UNAVAILABLE',
        `S3 bucket ${this.bucket} is not reachable: ${(error as Error).name} ${(error as Error).message}`,
      );
    }
  }

  /** Releases the HTTP connections; the store cannot be used afterwards. */
  close(): void {
    this.client.destroy();
  }
}
