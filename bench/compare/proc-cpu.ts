/**
 * CPU time of a process tree from /proc (Linux): a root pid and every descendant, found through
 * /proc/<pid>/task/<tid>/children (every thread: a Go program such as of-watchdog may fork from
 * any of its threads). Times are utime + stime in clock ticks (`getconf CLK_TCK`, 100 on Linux
 * x86-64 and arm64; fixed by the kernel ABI as USER_HZ).
 *
 * `CpuMeter` takes a baseline of the tree, is sampled while the run goes on (a process that exits
 * between two samples keeps its last reading), and sums "last reading − baseline" per process
 * (pid + start time, so a reused pid is a new process). A process that lived less than one
 * sampling interval is missed; units live for the whole run or at least hundreds of ms.
 */
import * as fs from 'fs';

/** USER_HZ: the unit of /proc/<pid>/stat times. */
export const CLK_TCK = 100;

export interface ProcTimes {
  /** utime + stime, clock ticks. */
  ticks: number;
  /** Start time since boot, clock ticks (identifies the process with its pid). */
  start: number;
}

/** Parses one /proc/<pid>/stat line (the command may hold spaces and parentheses). */
export function parseProcStat(text: string): ProcTimes | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): utime = field 14, stime = 15, starttime = 22.
  const utime = Number(f[11]), stime = Number(f[12]), start = Number(f[19]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(start)) return null;
  return { ticks: utime + stime, start };
}

function readTimes(pid: number): ProcTimes | null {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // exited
  }
}

/** `pid` and all its living descendants. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tids) {
      let kids = '';
      try {
        kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const k of kids.split(' ')) if (k.trim() !== '') stack.push(Number(k));
    }
  }
  return out;
}

export class CpuMeter {
  private readonly base = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private started = false;

  constructor(private readonly rootPid: number) {}

  /** Readings of the tree now; the first call is the baseline. */
  sample(): void {
    for (const pid of processTree(this.rootPid)) {
      const t = readTimes(pid);
      if (t === null) continue;
      const key = `${pid}:${t.start}`;
      if (!this.started) this.base.set(key, t.ticks);
      this.last.set(key, t.ticks);
    }
    this.started = true;
  }

  /** CPU seconds used since the baseline by every process seen (processes born later from 0). */
  seconds(): number {
    let ticks = 0;
    for (const [k, v] of this.last) ticks += v - (this.base.get(k) ?? 0);
    return ticks / CLK_TCK;
  }

  /** Processes seen so far. */
  get processes(): number {
    return this.last.size;
  }
}
