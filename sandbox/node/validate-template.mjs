#!/usr/bin/env node
// Validates the AWS::Serverless::* resources (and Globals) of a CloudFormation/SAM YAML
// template against the SAM JSON schema, and optionally dumps the template as JSON with the
// short-form intrinsics (!Ref, !Sub, !GetAtt, ...) in their long form ({"Ref": ...}).
//
//   node validate-template.mjs template.yaml sam.schema.json [--dump-json out.json]
//
// Exit 0 and `OK <n> resources checked`, or exit 1 with one line per problem:
// `<LogicalId>: <instancePath> <message>`.  Exit 2 on usage / unreadable input.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseDocument, Pair, Scalar, YAMLMap, YAMLSeq, isMap, isSeq } from 'yaml';

const { values: opts, positionals } = parseArgs({
  options: { 'dump-json': { type: 'string' }, help: { type: 'boolean', default: false } },
  allowPositionals: true,
  strict: true,
});
if (opts.help || positionals.length !== 2) {
  process.stderr.write('usage: validate-template.mjs <template.yaml> <sam.schema.json> [--dump-json out.json]\n');
  process.exit(opts.help ? 0 : 2);
}
const [templatePath, schemaPath] = positionals;

// ---------------------------------------------------------------------------------------
// YAML with CloudFormation short-form tags

const SHORT_FORMS = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

function longForm(fn, valueNode) {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(fn), valueNode));
  return map;
}

const customTags = [];
for (const [tag, fn] of Object.entries(SHORT_FORMS)) {
  customTags.push({
    tag,
    resolve(str) {
      if (fn === 'Fn::GetAtt') {
        // !GetAtt Resource.Attribute[.More] -> ["Resource", "Attribute[.More]"]
        const dot = str.indexOf('.');
        const seq = new YAMLSeq();
        seq.items = dot < 0 ? [new Scalar(str)] : [new Scalar(str.slice(0, dot)), new Scalar(str.slice(dot + 1))];
        return longForm(fn, seq);
      }
      return longForm(fn, new Scalar(str));
    },
  });
  customTags.push({ tag, collection: 'seq', resolve: seq => longForm(fn, seq) });
  customTags.push({ tag, collection: 'map', resolve: map => longForm(fn, map) });
}

let template;
try {
  const doc = parseDocument(fs.readFileSync(templatePath, 'utf8'), { customTags, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) process.stdout.write(`${templatePath}: ${e.message.split('\n')[0]}\n`);
    process.exit(1);
  }
  template = doc.toJS({ maxAliasCount: -1 });
} catch (err) {
  process.stderr.write(`cannot read ${templatePath}: ${err.message}\n`);
  process.exit(2);
}

if (opts['dump-json']) fs.writeFileSync(opts['dump-json'], JSON.stringify(template, null, 2) + '\n');

// ---------------------------------------------------------------------------------------
// schema

let schema;
try {
  schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
} catch (err) {
  process.stderr.write(`cannot read ${schemaPath}: ${err.message}\n`);
  process.exit(2);
}
// The SAM schema says draft-04 but uses nothing draft-04-specific (no boolean
// exclusiveMinimum/Maximum, no "id"); ajv 8 validates it as draft-07.
delete schema.$schema;
const defs = schema.definitions || {};

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, verbose: true });
addFormats(ajv);
ajv.addSchema(schema, 'sam');

const validators = new Map();
function validatorFor(ref) {
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: `sam${ref}` }));
  return validators.get(ref);
}

/** AWS::Serverless::X -> '#/definitions/<its Resource definition>' */
const resourceDefs = new Map();
for (const [name, def] of Object.entries(defs)) {
  const typeEnum = def?.properties?.Type?.enum;
  if (name.endsWith('__Resource') && Array.isArray(typeEnum) && typeEnum.length === 1 && String(typeEnum[0]).startsWith('AWS::Serverless::')) {
    resourceDefs.set(typeEnum[0], `#/definitions/${name}`);
  }
}
const globalsRef = schema.properties?.Globals?.$ref;

function resolvePointer(ref) {
  // '#/definitions/X/properties/Y' -> node; refs are followed one level at a time by the caller
  const parts = ref.replace(/^#\/?/, '').split('/').filter(Boolean).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = schema;
  for (const p of parts) {
    if (node == null) return undefined;
    node = node[p];
  }
  return node;
}

function deref(node) {
  let guard = 0;
  while (node && node.$ref && guard++ < 20) node = resolvePointer(node.$ref);
  return node;
}

function dataAt(data, pointer) {
  let node = data;
  for (const p of pointer.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (node == null) return undefined;
    node = node[p];
  }
  return node;
}

function formatError(e) {
  let msg = e.message;
  if (e.keyword === 'additionalProperties') msg += ` (${e.params.additionalProperty})`;
  else if (e.keyword === 'enum') msg += ` (${e.params.allowedValues.map(v => JSON.stringify(v)).join(', ')})`;
  return msg;
}

/**
 * Validates data against a schema reference.  anyOf failures over "typed" alternatives
 * (objects discriminated by a Type enum, like function Events) are narrowed to the
 * alternative whose Type matches, so the report says what is wrong rather than listing
 * every alternative's complaints.
 */
function check(ref, data, basePath, depth = 0) {
  const validate = validatorFor(ref);
  if (validate(data)) return [];
  let errors = [...validate.errors];
  const anyOfs = errors.filter(e => e.keyword === 'anyOf').sort((a, b) => a.instancePath.length - b.instancePath.length);
  const replaced = [];
  for (const a of anyOfs) {
    if (depth > 8) break;
    const p = a.instancePath;
    if (replaced.some(r => p === r || p.startsWith(r + '/'))) continue;
    const value = dataAt(data, p);
    // with verbose: true, e.schema is the anyOf array itself
    const branches = (Array.isArray(a.schema) ? a.schema : undefined)
      ?.map(b => ({ ref: b.$ref, def: deref(b) }))
      .filter(b => b.ref && Array.isArray(b.def?.properties?.Type?.enum));
    if (!branches?.length || !value || typeof value !== 'object' || Array.isArray(value)) continue;
    const match = branches.find(b => b.def.properties.Type.enum.includes(value.Type));
    errors = errors.filter(e => !(e.instancePath === p || e.instancePath.startsWith(p + '/')));
    replaced.push(p);
    if (match) {
      for (const sub of check(match.ref, value, basePath + p, depth + 1)) errors.push({ ...sub, preformatted: true });
    } else {
      const allowed = branches.flatMap(b => b.def.properties.Type.enum);
      errors.push({
        instancePath: p + '/Type',
        message: `must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value.Type)})`,
        keyword: 'x-type',
      });
    }
  }
  return errors.map(e =>
    e.preformatted ? e : { instancePath: basePath + e.instancePath, message: formatError(e), keyword: e.keyword, preformatted: true },
  );
}

// ---------------------------------------------------------------------------------------
// run

const problems = [];
let checked = 0;
if (!template || typeof template !== 'object' || !template.Resources || typeof template.Resources !== 'object') {
  problems.push('template: / must have a Resources mapping');
} else {
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const type = resource?.Type;
    if (typeof type !== 'string') {
      problems.push(`${logicalId}: /Type is missing`);
      continue;
    }
    if (!type.startsWith('AWS::Serverless::')) continue;
    const ref = resourceDefs.get(type);
    if (!ref) {
      problems.push(`${logicalId}: /Type ${type} is not a SAM resource type known to the schema`);
      continue;
    }
    checked++;
    for (const e of check(ref, resource, '')) problems.push(`${logicalId}: ${e.instancePath || '/'} ${e.message}`);
  }
  if (template.Globals !== undefined && globalsRef) {
    for (const e of check(globalsRef, template.Globals, '')) problems.push(`Globals: ${e.instancePath || '/'} ${e.message}`);
  }
}

if (problems.length) {
  for (const p of [...new Set(problems)]) process.stdout.write(p + '\n');
  process.exit(1);
}
process.stdout.write(`OK ${checked} resources checked\n`);
