/**
 * `snf sim`: the discrete-event simulator. Runs each compared mode through the real controller
 * on the same trace and prints a table (or JSON with --json); --report writes the figures.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { SnfError } from '../../sdk/errors';
import { loadTrace } from '../../trace/load';
import { generateTraffic } from '../../trace/generator';
import { inputFromTrace, withAdversarialBursts } from '../../bench/sim/input';
import { DEFAULT_SIM_PARAMS, simParams } from '../../bench/sim/params';
import { PAPER } from '../../gateway/profiles';
import { MODE_SYNTAX } from '../../gateway/modes';
import { overlayCopies } from '../../bench/sim/overlay';
import { flowSizeStats } from '../../bench/sim/workload';
import { compareJson, runModes, runSweep, type Sweep } from '../../bench/sim/compare';
import { compareControllers, summarizeControllers } from '../../bench/sim/multi-controller';
import { resultsTable } from '../../bench/report/table';
import { writeSimReport } from '../../bench/report/sim-report';
import { parseCtrlFlag, parseIntFlag, parseListFlag, parseNumberFlag } from '../flags';

/** Flag defaults: the PAPER profile (gateway/profiles.ts) and the simulator's own defaults. */
const P = PAPER.controller;

const SWEEP_KNOBS: ReadonlyArray<Sweep['knob']> = ['k', 'alpha', 'size-kb', 'timeout-us', 'backlog-us'];

function parseSweep(text: string): Sweep {
  const m = /^([a-z-]+)=(.+)$/.exec(text.trim());
  const knob = m?.[1] as Sweep['knob'] | undefined;
  if (!m || !knob || !SWEEP_KNOBS.includes(knob)) {
    throw new SnfError('SNF_ERR_USAGE', `--sweep must be <knob>=v1,v2,… with knob one of ${SWEEP_KNOBS.join(', ')}; got '${text}'`);
  }
  return { knob, values: parseListFlag('--sweep', m[2]).map((v) => parseNumberFlag('--sweep', v, 0)) };
}

function parseAdversarial(text: string | undefined): number {
  if (text === undefined) return 0;
  const m = /^every:(\d+)$/.exec(text.trim());
  if (!m) throw new SnfError('SNF_ERR_USAGE', `--adversarial must be every:N, got '${text}'`);
  return parseIntFlag('--adversarial', m[1], 1);
}

export function register(program: Command): void {
  program
    .command('sim')
    .description('discrete-event simulation of SNF and its baselines on a trace (paper §9 figures)')
    .option('-t, --trace <pcap>', 'pcap or pcapng to replay (default: seeded generated traffic)')
    .option('--compare <modes>', `run modes (${MODE_SYNTAX})`, 'flowlet,flow,smartflow:50,smartflow:100')
    .option('--compress <x>', 'divide inter-arrival times by x (the paper scaled its traces this way)', '1')
    .option('--unit-bw <bps>', 'BW_max of a compute unit', String(DEFAULT_SIM_PARAMS.unitBwBps))
    .option('--timeout-us <us>', 'flowlet inactivity timeout T', String(P.timeoutNs / 1e3))
    .option('--size-kb <kb>', 'flowlet size threshold B (1 KB = 1000 B)', String(P.sizeThresholdBytes / 1000))
    .option('--alpha <a>', 'balancing knob α', String(P.alpha))
    .option('--k <k>', 'replication factor K', String(P.k))
    .option('--seed <n>', 'seed (controller PRNG, adversarial placement, generated traffic)', String(P.seed))
    .option('--adversarial <every:N>', 'add a 20-packet back-to-back MTU burst to every Nth flow')
    .option('--epoch-ms <ms>', 'epoch length for provisioning and utilization', String(DEFAULT_SIM_PARAMS.epochNs / 1e6))
    .option('--tick-us <us>', 'controller tick period', String(DEFAULT_SIM_PARAMS.tickNs / 1e3))
    .option('--startup-us <us>', 'unit start-up delay', String(P.unitStartupNs / 1e3))
    .option('--ctrl-latency-us <us>', 'controller → unit one-way latency', String(DEFAULT_SIM_PARAMS.ctrlToUnitNs / 1e3))
    .option('--peer-latency-us <us>', 'unit ↔ unit one-way latency (push lands after it, a pull takes two)', String(DEFAULT_SIM_PARAMS.peerOneWayNs / 1e3))
    .option('--store-rtt-us <us>', 'external store read and write round trip', String(DEFAULT_SIM_PARAMS.storeReadNs / 1e3))
    .option('--state-bytes <n>', 'per-flow state size moved by a push or pull', String(DEFAULT_SIM_PARAMS.stateBytes))
    .option('--late-pull', 'start a pull only when the previous packet left the old unit (the model before 2026-11-29) instead of queueing the request there')
    .option('--limit <n>', 'use only the first n packets of the trace')
    .option('--until-s <s>', 'use only packets captured in the first s seconds (before compression)')
    .option('--overlay <n>', 'replay n time-rotated copies of the (compressed) trace, each in its own address space (load scaling; seeded)', '1')
    .option('--flows <n>', 'connections in generated traffic (no --trace)', '2000')
    .option('--ctrl <name=value,...>', 'other controller parameters (gateway/controller ControllerParams), e.g. countOpenDemand=false,idleRetireNs=1e8')
    .option('--sweep <knob=values>', `run every mode for each value of one knob (${SWEEP_KNOBS.join(', ')})`)
    .option('--controllers <n>', 'also run Fig. 8: n controllers on hash slices of the flows, RM vs independent (first --compare mode)')
    .option('--json', 'print {"trace","params","modes"} as JSON')
    .option('--report <dir>', 'write report.md and the SVG figures into this folder')
    .action((opts) => {
      const seed = parseIntFlag('--seed', opts.seed, 0, 2 ** 32 - 1);
      const compress = parseNumberFlag('--compress', opts.compress, 1e-9);
      const adversarialEvery = parseAdversarial(opts.adversarial);
      const modes = parseListFlag('--compare', opts.compare);
      const sim = simParams({
        unitBwBps: parseNumberFlag('--unit-bw', opts.unitBw, 1),
        epochNs: parseNumberFlag('--epoch-ms', opts.epochMs, 1e-6) * 1e6,
        tickNs: parseNumberFlag('--tick-us', opts.tickUs, 1e-3) * 1e3,
        ctrlToUnitNs: parseNumberFlag('--ctrl-latency-us', opts.ctrlLatencyUs, 0) * 1e3,
        peerOneWayNs: parseNumberFlag('--peer-latency-us', opts.peerLatencyUs, 0) * 1e3,
        storeReadNs: parseNumberFlag('--store-rtt-us', opts.storeRttUs, 0) * 1e3,
        storeWriteNs: parseNumberFlag('--store-rtt-us', opts.storeRttUs, 0) * 1e3,
        stateBytes: parseIntFlag('--state-bytes', opts.stateBytes, 0),
        compress,
        seed,
        adversarialEvery,
        earlyPullRequest: !opts.latePull,
      });
      const timeoutUs = parseNumberFlag('--timeout-us', opts.timeoutUs, 1e-3);
      const sizeKb = parseNumberFlag('--size-kb', opts.sizeKb, 1e-3);
      const alpha = parseNumberFlag('--alpha', opts.alpha, 0, 1);
      const k = parseIntFlag('--k', opts.k, 0, 64);
      const startupUs = parseNumberFlag('--startup-us', opts.startupUs, 0);
      const extra = parseCtrlFlag(opts.ctrl);
      const ctrl = { ...extra, timeoutNs: Math.round(timeoutUs * 1e3), sizeThresholdBytes: Math.round(sizeKb * 1000), alpha, k, unitStartupNs: startupUs * 1e3 };
      const sweep = opts.sweep ? parseSweep(opts.sweep) : undefined;

      const limit = opts.limit !== undefined ? parseIntFlag('--limit', opts.limit, 1) : undefined;
      const trace = opts.trace ? loadTrace(opts.trace, { limit }) : generateTraffic({ seed, flows: parseIntFlag('--flows', opts.flows, 1) });
      const traceName = opts.trace ?? `generated:seed=${seed},flows=${opts.flows}`;
      const untilS = opts.untilS !== undefined ? parseNumberFlag('--until-s', opts.untilS, 0) : undefined;
      const overlay = parseIntFlag('--overlay', opts.overlay, 1, 4096);
      const overlaid = overlayCopies(inputFromTrace(trace, compress, untilS !== undefined ? untilS * 1e9 : Infinity), overlay, seed);
      if (overlaid.collisions > 0) process.stderr.write(`snf sim: --overlay merged ${overlaid.collisions} flows whose keys collided across copies\n`);
      const input = withAdversarialBursts(overlaid.input, adversarialEvery, seed);

      const params = {
        compress, unitBwBps: sim.unitBwBps, timeoutUs, sizeKb, alpha, k, seed, adversarialEvery,
        epochMs: sim.epochNs / 1e6, tickUs: sim.tickNs / 1e3, startupUs, ctrlToUnitUs: sim.ctrlToUnitNs / 1e3,
        peerOneWayUs: sim.peerOneWayNs / 1e3, storeRttUs: sim.storeReadNs / 1e3, stateBytes: sim.stateBytes,
        ...(opts.latePull ? { latePull: true } : {}),
        workload: flowSizeStats(input),
        ...(overlay > 1 ? { overlay, overlayCollisions: overlaid.collisions } : {}),
        ...(opts.ctrl ? { ctrl: extra } : {}), ...(limit ? { limit } : {}), ...(untilS !== undefined ? { untilS } : {}), ...(sweep ? { sweep: `${sweep.knob}=${sweep.values.join(',')}` } : {}),
      };
      const bar = new SingleBar({ stream: process.stderr, format: 'sim {mode} [{bar}] {percentage}%', hideCursor: true, clearOnComplete: true });
      let barMode = '';
      const progress = (label: string, done: number): void => {
        if (label !== barMode) {
          if (barMode) bar.stop();
          barMode = label;
          bar.start(100, 0, { mode: label });
        }
        bar.update(Math.round(done * 100), { mode: label });
      };
      try {
        const runs = sweep ? [] : runModes(input, modes, ctrl, sim, progress);
        const points = sweep ? runSweep(input, modes, sweep, ctrl, sim, progress) : undefined;
        const nCtrl = opts.controllers !== undefined ? parseIntFlag('--controllers', opts.controllers, 1, 64) : 0;
        const multi = nCtrl > 0 ? compareControllers(input, nCtrl, modes[0], ctrl, sim) : undefined;
        if (barMode) bar.stop();
        if (opts.report) {
          writeSimReport(opts.report, { command: `snf sim ${process.argv.slice(3).join(' ')}`, trace: traceName, params, runs, sweep: sweep && points ? { knob: sweep.knob, points } : undefined, multi });
        }
        if (opts.json) {
          const base = points ? { trace: traceName, params, sweep: points.map((p) => ({ [sweep!.knob]: p.value, mode: p.mode, ...p.result })) } : compareJson(traceName, params, runs);
          const out = multi ? { ...base, controllers: summarizeControllers(multi) } : base;
          process.stdout.write(`${JSON.stringify(out)}\n`);
        } else if (points) {
          process.stdout.write(resultsTable(points.map((p) => ({ label: `${p.mode} ${sweep!.knob}=${p.value}`, result: p.result }))));
        } else {
          process.stdout.write(resultsTable(runs.map((r) => ({ label: r.mode.label, result: r.result }))));
        }
        if (multi && !opts.json) process.stdout.write(`controllers: ${JSON.stringify(summarizeControllers(multi))}\n`);
      } finally {
        if (barMode) bar.stop();
      }
    });
}
