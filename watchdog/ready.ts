/** Writes the unit ready record (proto/ready-record.ts) to SNF_READY_FD, once, and closes it. */
import * as fs from 'fs';
import { encodeReadyRecord, type ReadyRecord } from '../proto/ready-record';

export function announceReady(fd: number | null, r: Omit<ReadyRecord, 'snfReady' | 'pid'>): void {
  if (fd === null) return;
  fs.writeSync(fd, encodeReadyRecord({ ...r, pid: process.pid }));
  fs.closeSync(fd);
}
