// Sends PutObject requests with aws-chunked bodies the way the AWS SDKs frame them, so the
// s3.mjs decoder can be tested without an SDK that does it over plain http.
//
//   node test/chunked-put.mjs <endpoint> <bucket> <key> <file> <mode> [--bad-checksum]
//
// mode: signed          STREAMING-AWS4-HMAC-SHA256-PAYLOAD (chunk-signature extensions)
//       signed-trailer  STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (+ x-amz-checksum-crc32 trailer)
//       unsigned-trailer STREAMING-UNSIGNED-PAYLOAD-TRAILER (+ x-amz-checksum-crc32c trailer)
// Prints the HTTP status, then the response body.  Signatures are dummies (s3rver ignores them).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';

const [endpoint, bucket, key, file, mode, flag] = process.argv.slice(2);
const data = fs.readFileSync(file);
const chunkSize = 64 * 1024;
const sig = () => crypto.randomBytes(32).toString('hex');

function crc32c(buf) {
  let crc = ~0;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  return ~crc >>> 0;
}
const b64u32 = n => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

const signed = mode.startsWith('signed');
const parts = [];
for (let off = 0; off < data.length; off += chunkSize) {
  const piece = data.subarray(off, off + chunkSize);
  parts.push(Buffer.from(`${piece.length.toString(16)}${signed ? `;chunk-signature=${sig()}` : ''}\r\n`), piece, Buffer.from('\r\n'));
}
parts.push(Buffer.from(`0${signed ? `;chunk-signature=${sig()}` : ''}\r\n`));
const headers = {
  host: new URL(endpoint).host,
  'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
  'x-amz-decoded-content-length': String(data.length),
  'content-type': 'application/octet-stream',
};
let trailerName;
if (mode === 'signed') {
  headers['x-amz-content-sha256'] = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  headers['content-encoding'] = 'aws-chunked';
  parts.push(Buffer.from('\r\n'));
} else {
  let value;
  if (mode === 'signed-trailer') {
    headers['x-amz-content-sha256'] = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
    trailerName = 'x-amz-checksum-crc32';
    value = b64u32(zlib.crc32(data));
  } else {
    headers['x-amz-content-sha256'] = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    trailerName = 'x-amz-checksum-crc32c';
    value = b64u32(crc32c(data));
  }
  if (flag === '--bad-checksum') value = b64u32(12345);
  headers['content-encoding'] = 'gzip,aws-chunked'; // gzip must survive as object metadata
  headers['x-amz-trailer'] = trailerName;
  parts.push(Buffer.from(`${trailerName}:${value}\r\n`));
  if (signed) parts.push(Buffer.from(`x-amz-trailer-signature:${sig()}\r\n`));
  parts.push(Buffer.from('\r\n'));
}
const body = Buffer.concat(parts);
headers['content-length'] = String(body.length);
headers.authorization =
  'AWS4-HMAC-SHA256 Credential=S3RVER/20240101/us-east-1/s3/aws4_request, ' +
  `SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${sig()}`;

const url = new URL(`${endpoint.replace(/\/$/, '')}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
const req = http.request(url, { method: 'PUT', headers }, res => {
  let out = '';
  res.on('data', d => (out += d));
  res.on('end', () => {
    console.log(res.statusCode);
    if (out) console.log(out);
  });
});
req.on('error', err => {
  console.log('ERROR ' + err.message);
  process.exitCode = 1;
});
req.end(body);
