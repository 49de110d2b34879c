/**
 * The V8 flags SNF runs its data-plane processes with (compute units, output loggers, and the
 * gateway where SNF starts it). One flag: `--max-semi-space-size=1` caps V8's young generation at
 * 1 MB semi-spaces. With V8's default (up to 16 MB here) a unit scavenged every 1–2 s and each
 * scavenge stopped it for 14–30 ms (survivors of a second of per-flow state and held packets),
 * which is the unit's event-loop delay and the packets' `link` p99; with 1 MB it scavenges every
 * few ms for ≤ 7 ms at most, with no more GC time in total (`snf bench live`, 20 k pkt/s, 3 units,
 * 45 Mb/s, paired, 2026-12-03: scavenge max 23–401 ms → 6–7 ms, docs/results.md §9).
 * An operator's own `--max-semi-space-size` wins. NODE_OPTIONS accepts the flag, so pods get it
 * through the environment (`LATENCY_NODE_OPTIONS`).
 */

export const LATENCY_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=1']);

/** NODE_OPTIONS value carrying the same flags (Kubernetes pods, the chart's containers). */
export const LATENCY_NODE_OPTIONS = LATENCY_NODE_FLAGS.join(' ');

/** The node flags for a data-plane child process: ours first, unless `extra` sets the same flag. */
export function dataPlaneNodeFlags(extra: readonly string[] = []): string[] {
  const ours = LATENCY_NODE_FLAGS.filter((f) => !extra.some((e) => flagName(e) === flagName(f)));
  return [...ours, ...extra];
}

/** NODE_OPTIONS for a pod: ours added to what the function's environment already sets. */
export function dataPlaneNodeOptions(existing: string | undefined): string {
  const words = (existing ?? '').split(/\s+/).filter((w) => w !== '');
  return dataPlaneNodeFlags(words).join(' ');
}

function flagName(f: string): string {
  const eq = f.indexOf('=');
  return (eq < 0 ? f : f.slice(0, eq)).replace(/_/g, '-');
}
