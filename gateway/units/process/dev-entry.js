#!/usr/bin/env node
'use strict';
/*
 * Runs the `snf` CLI straight from the TypeScript sources (no dist/), through ./ts-hook.js.
 * Used by the local process provider when dist/cli/main.js is missing or older than the
 * sources (tests, development). Production runs bin/snf.js over dist/.
 */
const path = require('path');
require('./ts-hook');

const root = path.join(__dirname, '..', '..', '..');
require(path.join(root, 'cli', 'main.ts')).main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`snf: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 1; },
);
