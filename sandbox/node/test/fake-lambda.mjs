// Stand-in for the sandbox's Lambda handler host and SDK stand-ins, for smoke.sh.
//   POST /lambda/<FunctionName>   body = payload   -> result JSON, or a function error
//   POST /sdk/<service>/<action>  body = params    -> result JSON, or an error
// Every call is appended to argv[2] as {"path":..., "body":...}.  Prints `READY <port>`.
import fs from 'node:fs';
import http from 'node:http';

const callsFile = process.argv[2];

function functionError(res, errorType, errorMessage) {
  const body = JSON.stringify({ errorType, errorMessage, stackTrace: [] });
  res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
  res.end(body);
}

const lambdas = {
  'lifeboat-CheckReplicas': input => ({ lagging: (input.lagSeconds ?? 0) > 10, replica: 'replica-1', seen: input }),
  'lifeboat-StartBackup': (input, res) => {
    if (input.check?.lagging) return functionError(res, 'Lifeboat.ReplicaLagging', `replica-1 is ${input.lagSeconds} s behind`);
    return { backupId: 'b-001', replica: input.check.replica };
  },
  'lifeboat-Item': input => ({ item: input, doubled: input * 2 }),
  'lifeboat-Crash': (input, res) => functionError(res, 'System.InvalidOperationException', 'boom'),
};

const server = http.createServer((req, res) => {
  let text = '';
  req.on('data', d => (text += d));
  req.on('end', () => {
    const body = text ? JSON.parse(text) : null;
    fs.appendFileSync(callsFile, JSON.stringify({ path: req.url, body }) + '\n');
    let m = /^\/lambda\/([^/]+)$/.exec(req.url);
    if (m) {
      const fn = lambdas[decodeURIComponent(m[1])];
      if (!fn) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no such function' }));
        return;
      }
      const result = fn(body, res);
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return;
    }
    m = /^\/sdk\/([^/]+)\/([^/]+)$/.exec(req.url);
    if (m) {
      const [, service, action] = m;
      if (service === 'ec2' && action === 'describeInstances') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Reservations: [{ Instances: [{ InstanceId: 'i-0123' }] }] }));
        return;
      }
      if (service === 'sns' && action === 'publish') {
        if (body.TopicArn === 'bad') {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errorType: 'Sns.InvalidParameterException', errorMessage: 'bad topic' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: 'm-1' }));
        return;
      }
    }
    res.writeHead(404).end('not found');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
