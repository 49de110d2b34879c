/**
 * Cluster-token checks for the StatePeer gRPC service and the data-plane handshake.
 * gRPC metadata: `authorization: Bearer <token>` or `x-snf-token: <token>`.
 * Comparison is constant-time so a peer cannot learn the token byte by byte.
 */
import { timingSafeEqual } from 'crypto';
import type { Metadata } from '@grpc/grpc-js';

export function tokenFromMetadata(md: Metadata): string | null {
  const auth = md.get('authorization')[0];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const t = md.get('x-snf-token')[0];
  return typeof t === 'string' ? t : null;
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
