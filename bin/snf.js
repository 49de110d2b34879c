#!/usr/bin/env node
'use strict';
// The `snf` command. Sources are TypeScript; `npm install` (prepare) compiles them to dist/.
const path = require('path');
const dist = path.join(__dirname, '..', 'dist');
const main = path.join(dist, 'cli', 'main.js');

// `snf bench` and `snf demo` host a gateway in this process: they run under the data plane's V8
// flags (dist/gateway/units/node-flags.js says why), which node reads only at start — so they run
// as one child node with the flags in NODE_OPTIONS, this process relaying signals and exit code.
if (relaunchWithDataPlaneFlags()) return;

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

function relaunchWithDataPlaneFlags() {
  if (!['bench', 'demo'].includes(process.argv[2])) return false;
  let flags;
  try {
    flags = require(path.join(dist, 'gateway', 'units', 'node-flags.js'));
  } catch {
    return false; // no build yet: the normal path reports it
  }
  // Already under them (NODE_OPTIONS or node's own flags): nothing to add, run here.
  const mine = [...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean), ...process.execArgv];
  if (flags.dataPlaneNodeFlags(mine).length === mine.length) return false;
  const { spawn } = require('child_process');
  const env = { ...process.env, NODE_OPTIONS: flags.dataPlaneNodeOptions(process.env.NODE_OPTIONS) };
  const child = spawn(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, sig) => {
    if (sig) process.kill(process.pid, sig);
    else process.exitCode = code ?? 1;
  });
  return true;
}
