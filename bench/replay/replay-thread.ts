/**
 * The replayer on a thread of its own (worker_threads), for benchmarks that host the gateway in
 * this process (`snf bench live`). On the gateway's own thread the replayer cost the gateway its
 * event loop (a setImmediate spin between frames) and its GC (the replayer's garbage), and its CPU
 * could not be told from the gateway's. Here it has its own loop and heap, paces with
 * `Atomics.wait` (a futex sleep, no spin), and reports its own CPU time (/proc/thread-self), so
 * the caller can subtract it from the process's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import type { LoadedTrace } from '../../trace/types';
import { replay, type ReplayOptions, type ReplayResult } from './replayer';

export type ThreadReplayOptions = Omit<ReplayOptions, 'onProgress' | 'sleep' | 'collect'>;

export interface ThreadReplayResult {
  replay: Omit<ReplayResult, 'outputs' | 'order'>;
  /** CPU time the replayer's thread used, µs. */
  cpuUs: number;
}

/** A LoadedTrace as it crosses to the thread: a Buffer arrives as a plain Uint8Array. */
type WireTrace = Omit<LoadedTrace, 'bytes'> & { bytes: Uint8Array };

/** Runs `replay` on a new thread and resolves with its result and the thread's CPU time. */
export function replayInThread(o: ThreadReplayOptions): Promise<ThreadReplayResult> {
  const { trace, ...rest } = o;
  const wire: WireTrace = { ...trace, bytes: new Uint8Array(trace.bytes.buffer, trace.bytes.byteOffset, trace.bytes.byteLength) };
  const entry = __filename;
  // From the sources (jest), the thread needs the .ts loader the dev entry uses.
  const tsHook = entry.endsWith('.ts') ? path.join(__dirname, '..', '..', 'gateway', 'units', 'process', 'ts-hook.js') : null;
  const boot = `const { workerData } = require('worker_threads');
if (workerData.tsHook) require(workerData.tsHook);
require(workerData.entry).runReplayThread();`;
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { eval: true, workerData: { entry, tsHook, options: rest, trace: wire } });
    let done = false;
    w.once('message', (m: { ok: true; result: ThreadReplayResult } | { ok: false; error: string }) => {
      done = true;
      if (m.ok) resolve(m.result);
      else reject(new Error(`replay thread: ${m.error}`));
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`replay thread exited (${code}) without a result`));
    });
  });
}

/** The thread's side (called by the boot code above). */
export function runReplayThread(): void {
  if (isMainThread || parentPort === null) throw new Error('runReplayThread: not on a replay thread');
  const port = parentPort;
  const { options, trace: t } = workerData as { options: Omit<ThreadReplayOptions, 'trace'>; trace: WireTrace };
  const trace: LoadedTrace = { ...t, bytes: Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength) };
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const cpu0 = threadCpuUs();
  replay({ ...options, trace, sleep: (ms) => void Atomics.wait(cell, 0, 0, ms) }).then(
    (r) => {
      const { outputs: _o, order: _r, ...result } = r;
      port.postMessage({ ok: true, result: { replay: result, cpuUs: threadCpuUs() - cpu0 } }, [result.residenceNs.buffer as ArrayBuffer]);
    },
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
}

/** This thread's CPU time, µs: /proc/thread-self/schedstat (ns on CPU), else stat's ticks. */
function threadCpuUs(): number {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e3;
  } catch {
    try {
      const f = fs.readFileSync('/proc/thread-self/stat', 'utf8');
      const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(after[11]) + Number(after[12])) * 1e4; // utime + stime, 100 ticks/s
    } catch {
      return 0;
    }
  }
}
