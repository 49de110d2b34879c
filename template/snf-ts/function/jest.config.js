// Runs handler.test.ts with SNF's own jest and ts-jest (no install in this folder). SNF's home is
// SNF_HOME (the runtime image sets /opt/snf), else the nearest folder above named "snf" in its
// package.json (a function scaffolded inside the SNF project).
const fs = require('fs');
const path = require('path');

function snfHome() {
  if (process.env.SNF_HOME) return path.resolve(process.env.SNF_HOME);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'snf') return dir;
    if (path.dirname(dir) === dir) throw new Error('SNF not found: set SNF_HOME to the SNF project folder');
  }
}

const home = snfHome();
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: { '^.+\\.ts$': [require.resolve('ts-jest', { paths: [home] }), { diagnostics: false }] },
  moduleNameMapper: { '^snf/(sdk|functions)$': path.join(home, '$1') },
};
