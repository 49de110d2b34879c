/** Egress into a pcap file (LINKTYPE_RAW, ns timestamps = gateway clock at egress); drops are not written. */
import { PcapWriter } from '../../trace/writer';
import type { EgressSink } from './egress-sink';
import { monoNs } from '../clock';

export class PcapEgress implements EgressSink {
  private readonly writer: PcapWriter;
  constructor(path: string) {
    this.writer = PcapWriter.create(path);
  }

  get packets(): number {
    return this.writer.count;
  }

  emit(_seq: number, _res: number, verdict: number, _reason: number, buf: Buffer, off: number, len: number): void {
    if (verdict !== 0 || len === 0) return;
    const t = monoNs();
    this.writer.writeIpv4(buf.subarray(off, off + len), Math.floor(t / 1e9), t % 1e9);
  }

  close(): void {
    this.writer.close();
  }
}
