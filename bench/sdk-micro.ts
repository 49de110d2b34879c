/**
 * SDK micro-benchmarks (mitata): the per-packet building blocks.
 * - FlowTable lookup vs a Map keyed by a string built per lookup (the obvious alternative);
 * - Packet.reset + flowKeyOf over a mix of real-sized packets.
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/sdk-micro.js [--json]`
 * (or `runSdkMicro({ json })` from the CLI). Quick by design: a few seconds on one core.
 */
import { bench, do_not_optimize, run, summary } from 'mitata';
import { flowKeyOf, newFlowKey, type FlowKey } from '../sdk/flow-key';
import { FlowTable } from '../sdk/flow-table';
import { Packet } from '../sdk/packet';

/** Deterministic flows (LCG), like a busy NAT: 4096 connections between /16 clients and 64 servers. */
function makeKeys(n: number): FlowKey[] {
  let s = 12345;
  const r = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const keys: FlowKey[] = [];
  for (let i = 0; i < n; i++) {
    keys.push({ proto: r() & 1 ? 6 : 17, srcIp: (0x0a000000 | (r() & 0xffff)) >>> 0, srcPort: 1024 + (r() % 60000), dstIp: (0xc0a80000 | (r() & 63)) >>> 0, dstPort: r() & 1 ? 443 : 80 });
  }
  return keys;
}

function stringKey(k: FlowKey): string {
  return `${k.proto}|${k.srcIp}|${k.srcPort}|${k.dstIp}|${k.dstPort}`;
}

/** Raw IPv4+TCP header bytes for `k` (checksums are irrelevant to parsing speed). */
function rawPacket(k: FlowKey): Buffer {
  const b = Buffer.alloc(40);
  b[0] = 0x45;
  b.writeUInt16BE(1400, 2);
  b[8] = 64;
  b[9] = k.proto;
  b.writeUInt32BE(k.srcIp, 12);
  b.writeUInt32BE(k.dstIp, 16);
  b.writeUInt16BE(k.srcPort, 20);
  b.writeUInt16BE(k.dstPort, 22);
  b[32] = 0x50;
  return b;
}

export async function runSdkMicro(opts: { json?: boolean } = {}): Promise<void> {
  const keys = makeKeys(4096);
  const table = new FlowTable<number>();
  const map = new Map<string, number>();
  keys.forEach((k, i) => {
    table.set(k, i);
    map.set(stringKey(k), i);
  });
  // Lookups follow a fixed pseudo-random order over the same keys (all hits).
  const order = new Uint32Array(1 << 16);
  for (let i = 0, s = 7; i < order.length; i++) order[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % keys.length;
  const packets = Buffer.concat(keys.map(rawPacket));
  const view = new Packet();
  const key = newFlowKey();
  let pos = 0;

  summary(() => {
    bench('FlowTable.get (5-tuple, no allocation)', () => {
      const k = keys[order[pos++ & 0xffff]!]!;
      do_not_optimize(table.get(k));
    });
    bench('Map.get with a string key built per lookup', () => {
      const k = keys[order[pos++ & 0xffff]!]!;
      do_not_optimize(map.get(stringKey(k)));
    });
  });
  bench('Packet.reset + flowKeyOf (reused view and key)', () => {
    const i = order[pos++ & 0xffff]!;
    view.reset(packets, i * 40, 40);
    do_not_optimize(flowKeyOf(view, key));
  });
  await run(opts.json ? { format: 'json' } : {});
}

if (require.main === module) {
  runSdkMicro({ json: process.argv.includes('--json') }).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  });
}
