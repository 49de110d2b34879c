// Four suites (TESTING.md): unit (pure, seconds), integration (real Redis/Kafka),
// e2e (real processes), chaos (kill -9 under load). `npm test` runs all of them.
// Type errors are tsc's job (npm test runs `tsc --noEmit` first); ts-jest only transpiles.
const tsJest = ['ts-jest', { diagnostics: false }];
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});
module.exports = {
  // `npm test` reports coverage of the unit suite (text summary; coverage/ for the full report).
  coverageProvider: 'v8',
  collectCoverageFrom: ['{sdk,functions,gateway,watchdog,proto,trace,bench}/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  projects: [
    project('unit'),
    project('integration'),
    project('e2e'),
    project('chaos'),
  ],
};
