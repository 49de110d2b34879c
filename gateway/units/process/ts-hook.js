'use strict';
/*
 * Lets node `require` the project's TypeScript sources: each .ts file is transpiled (no type
 * check) with the project's own `typescript` and cached on disk by path and mtime, so several
 * processes or threads cost one transpile per file. Used by dev-entry.js (units run from the
 * sources during development) and by threads started from sources (bench/replay/replay-thread.ts
 * under jest). Production runs dist/.
 */
const fs = require('fs');
const path = require('path');
const os = require('os');
const crypto = require('crypto');

const root = path.join(__dirname, '..', '..', '..');
const cacheDir = path.join(os.tmpdir(), 'snf-ts-cache');
fs.mkdirSync(cacheDir, { recursive: true });
let ts = null;

require.extensions['.ts'] = function compileTs(module, filename) {
  const st = fs.statSync(filename);
  const id = crypto.createHash('sha1').update(`${filename}:${st.mtimeMs}:${st.size}`).digest('hex');
  const cached = path.join(cacheDir, `${id}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    if (ts === null) ts = require(path.join(root, 'node_modules', 'typescript'));
    code = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    const tmp = `${cached}.${process.pid}`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  }
  module._compile(code, filename);
};
