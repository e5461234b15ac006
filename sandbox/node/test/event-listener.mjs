// Tiny HTTP listener for smoke.sh: appends each POSTed body (one JSON document) as a line to
// the file given as argv[2]; prints `READY <port>`.  With argv[3] = N, the first N requests
// answer 500 (to exercise s3.mjs's retries).
import fs from 'node:fs';
import http from 'node:http';

const [out, failFirst = '0'] = process.argv.slice(2);
let failures = Number(failFirst);
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', d => (body += d));
  req.on('end', () => {
    if (failures > 0) {
      failures--;
      res.writeHead(500).end('try again');
      return;
    }
    fs.appendFileSync(out, body.replace(/\n/g, ' ') + '\n');
    res.end('ok');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
