/**
 * Import rules between SNF's folders (STYLE habit 5: the data plane imports nothing from API,
 * Kafka, gRPC or Redis modules; function authors see only sdk/). `npm test` runs
 * `npx depcruise` with this file; a violation fails the run and names the import.
 */
const NODE_IO = '(^|node_modules/)(ioredis|kafkajs|@grpc/|express|pino|prom-client)|^(http|https|net|dgram)$';

module.exports = {
  forbidden: [
    {
      name: 'sdk-is-self-contained',
      comment: 'sdk/ is what function authors import: it may use only itself and node builtins.',
      severity: 'error',
      from: { path: '^sdk/' },
      to: { pathNot: '^sdk/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'functions-use-only-sdk',
      comment: 'A network function is built only on sdk/ (functions/config-source.ts is the control-path loader and may use Redis).',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/(config-source|index)\\.ts$' },
      to: { pathNot: '^(sdk|functions)/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'controller-is-pure',
      comment: 'gateway/controller/ takes time as a parameter and does no I/O: only sdk/ and itself, no node builtins.',
      severity: 'error',
      from: { path: '^gateway/controller/' },
      to: { pathNot: '^(sdk|gateway/controller)/' },
    },
    {
      name: 'watchdog-runtime-is-pure',
      comment: 'watchdog/runtime/ (the per-packet processor, its store and the pure sweep) takes time as a parameter and does no I/O: only sdk/, proto/frames/ and itself, no node builtins (no gRPC, Redis, pino, net, other watchdog modules). Where state comes from is the state backend\'s business (watchdog/state/).',
      severity: 'error',
      from: { path: '^watchdog/runtime/' },
      to: { pathNot: '^(sdk|proto/frames|watchdog/runtime)/' },
    },
    {
      name: 'watchdog-not-gateway',
      comment: 'A unit knows the gateway only through proto/ (frames and StatePeer); it imports nothing of gateway/.',
      severity: 'error',
      from: { path: '^watchdog/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'data-plane-no-io-libraries',
      comment: 'The per-packet code (sdk, functions, controller, watchdog runtime, trace) never imports network/IO client libraries.',
      severity: 'error',
      from: { path: '^(sdk|gateway/controller|watchdog/runtime|trace)/' },
      to: { path: NODE_IO },
    },
    {
      name: 'only-cli-imports-bench',
      comment: 'bench/ (benchmarks, simulator, replayer) is reached only through the CLI (bench/README.md).',
      severity: 'error',
      from: { pathNot: '^(cli|bench|test)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-compare-runs-the-gateway-as-a-process',
      comment: 'bench/compare/ runs `snf gateway` as a child process and reads what a user can (start line, /metrics, stats): no gateway internals, no watchdog/, no report (bench/compare/README.md).',
      severity: 'error',
      from: { path: '^bench/compare/' },
      to: { path: '^(watchdog/|bench/report/|gateway/(?!modes\\.ts$|profiles\\.ts$|units/process/local-process-provider\\.ts$))' },
    },
    {
      name: 'proto-imports-nothing-of-snf',
      comment: 'proto/ (wire formats) is the bottom layer: only itself, node builtins and its codec libraries (proto/README.md).',
      severity: 'error',
      from: { path: '^proto/' },
      to: { path: '^(sdk|functions|gateway|watchdog|trace|bench|cli|test)/' },
    },
    {
      name: 'gateway-dispatch-is-socket-free',
      comment: 'gateway/dispatch/ is driven through ports (tested from packet tables): no sockets, no HTTP, no clock module.',
      severity: 'error',
      from: { path: '^gateway/dispatch/' },
      to: { path: '(^(net|dgram|http|https)$)|^gateway/clock\\.ts$|^gateway/(units|ingress)/' },
    },
    {
      name: 'nothing-imports-cli-or-tests',
      severity: 'error',
      from: { pathNot: '^(cli|test)/' },
      to: { path: '^(cli|test)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|coverage)/' },
  },
};
