#!/usr/bin/env node
// Usage: node validate.js SCHEMA FILE... — prints one line per file: "ok FILE" or
// "invalid FILE: <first errors>"; exits 0 when every file is valid, 1 otherwise, 2 on a usage error.
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020');
const YAML = require('yaml');

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error('usage: validate.js SCHEMA FILE...');
  process.exit(2);
}
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let failed = false;
for (const file of files) {
  let doc;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  } catch (e) {
    console.log(`invalid ${file}: ${e.message.split('\n')[0]}`);
    failed = true;
    continue;
  }
  if (validate(doc)) {
    console.log(`ok ${file}`);
  } else {
    const why = validate.errors.slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    console.log(`invalid ${file}: ${why}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
