// The console's files as the server sends them: the precompressed copy (brotli, else gzip) the
// browser accepts, and cache headers that keep hashed assets for a year and revalidate index.html.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { IMMUTABLE, REVALIDATE } from './static-cache.js';

const INDEX = `<!doctype html><html lang="en"><head><title>Callvault</title></head><body>${'<div></div>'.repeat(200)}<script type="module" src="/assets/index-AbCd1234.js"></script></body></html>`;
const SCRIPT = `console.log(${JSON.stringify('callvault '.repeat(500))});`;

let webRoot: string;
let t: TestApp;

async function writeWithCopies(file: string, content: string): Promise<void> {
  await writeFile(file, content);
  await writeFile(`${file}.br`, brotliCompressSync(content));
  await writeFile(`${file}.gz`, gzipSync(content));
}

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(os.tmpdir(), 'callvault-web-'));
  await mkdir(path.join(webRoot, 'assets'));
  await writeWithCopies(path.join(webRoot, 'index.html'), INDEX);
  await writeWithCopies(path.join(webRoot, 'assets', 'index-AbCd1234.js'), SCRIPT);
  await writeFile(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await createTestApp({ webRoot });
});

afterAll(async () => {
  await t?.close();
  await rm(webRoot, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  t.app.inject({
    method: 'GET',
    url,
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });

describe(`static console files on ${testDialect}`, () => {
  it('a hashed asset is sent brotli-compressed to a browser that accepts br, cached for a year', async () => {
    const res = await get('/assets/index-AbCd1234.js', 'gzip, deflate, br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(SCRIPT);
  });

  it('a browser that accepts only gzip gets the gzip copy', async () => {
    const res = await get('/assets/index-AbCd1234.js', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).toString()).toBe(SCRIPT);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('a client that accepts no encoding gets the file as it is', async () => {
    const res = await get('/assets/index-AbCd1234.js');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.payload).toBe(SCRIPT);
  });

  it('index.html is compressed and revalidated on every load', async () => {
    const res = await get('/', 'br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe(REVALIDATE);
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(INDEX);
  });

  it('a console route (/login) answers index.html, compressed and revalidated', async () => {
    const res = await get('/login', 'gzip, br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe(REVALIDATE);
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(INDEX);
  });

  it('a file without a content hash is revalidated', async () => {
    const res = await get('/favicon.svg', 'br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(REVALIDATE);
  });
});
