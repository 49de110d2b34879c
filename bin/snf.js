#!/usr/bin/env node
'use strict';
// The `snf` command. Sources are TypeScript; `npm install` (prepare) compiles them to dist/.
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let mod;
try {
  mod = require(main);
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(main)) {
    process.stderr.write('snf: dist/ is missing; run `npm install` (or `npm run build`) in the project first\n');
    process.exit(2);
  }
  throw err;
}
mod.main(process.argv).then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`snf: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
