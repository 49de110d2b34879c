/**
 * The gateway's clock: integer nanoseconds since the process started, from the monotonic
 * `process.hrtime`. Read once per ingress batch / egress frame / tick, never per packet — the
 * controller takes time as an argument and the batch shares one reading.
 */
const origin = process.hrtime.bigint();

export function monoNs(): number {
  return Number(process.hrtime.bigint() - origin);
}
