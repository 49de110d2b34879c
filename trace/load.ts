/**
 * loadTrace: read a capture into one packed buffer of IPv4 packets (see LoadedTrace), for
 * benchmarks and the simulator that replay it many times. Non-IPv4 frames are counted, not kept.
 */
import { TraceReader } from './reader';
import { PackedTraceBuilder } from './packed-trace';
import type { LoadedTrace } from './types';
import { expandInputs as expandCaptureFiles } from './composite';

export type { LoadedTrace } from './types';

export interface LoadOptions {
  /** Stop after this many IPv4 packets. */
  limit?: number;
}

export function loadTrace(path: string, options: LoadOptions = {}): LoadedTrace {
  const limit = options.limit ?? Infinity;
  const reader = TraceReader.open(path);
  const out = new PackedTraceBuilder();
  let skipped = 0;
  let firstSec = -1;
  let firstNsec = 0;
  try {
    for (let rec = reader.next(); rec !== null && out.count < limit; rec = reader.next()) {
      if (rec.l3Offset < 0) {
        skipped++;
        continue;
      }
      if (firstSec < 0) {
        firstSec = rec.tsSec;
        firstNsec = rec.tsNsec;
      }
      const l3 = rec.l3Offset;
      const ipLen = rec.capLen - l3;
      // The wire size is the IP total length when the header is there, else what the link says.
      const wire = ipLen >= 4 ? rec.data.readUInt16BE(l3 + 2) : rec.origLen - l3;
      const t = (rec.tsSec - firstSec) * 1e9 + (rec.tsNsec - firstNsec);
      out.push(rec.data, l3, ipLen, wire, t);
    }
  } finally {
    reader.close();
  }
  return out.finish(path, skipped);
}

/**
 * Several captures (files, or directories of capture files) back to back in one LoadedTrace,
 * each shifted to start one second after the previous one ended. Used where a corpus such as the
 * nDPI folder is one benchmark input.
 */
export function loadTraceFiles(paths: string[], options: LoadOptions = {}): LoadedTrace {
  const files = expandCaptureFiles(paths);
  if (files.length === 1) return loadTrace(files[0]!, options);
  const out = new PackedTraceBuilder();
  let skipped = 0;
  let base = 0;
  for (const file of files) {
    const one = loadTrace(file, { limit: (options.limit ?? Infinity) - out.count });
    skipped += one.skipped;
    for (let i = 0; i < one.count; i++) {
      out.push(one.bytes, one.offsets[i]!, one.lengths[i]!, one.wireLengths[i]!, base + one.timesNs[i]!);
    }
    if (one.count > 0) base += one.timesNs[one.count - 1]! + 1e9;
    if (out.count >= (options.limit ?? Infinity)) break;
  }
  return out.finish(paths.join(','), skipped);
}
