/**
 * Loads proto/snf.proto at startup with @grpc/proto-loader (no codegen). The .proto is read from
 * the source tree (also when running from dist/, which sits one level deeper).
 *
 * Loader options: longs as Number (clocks stay far below 2^53), bytes as Buffer, defaults filled
 * in so a missing field reads as 0/false/empty rather than undefined.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';

export function snfProtoPath(): string {
  for (const p of [path.join(__dirname, 'snf.proto'), path.join(__dirname, '..', '..', 'proto', 'snf.proto')]) {
    if (fs.existsSync(p)) return p;
  }
  return path.join(__dirname, 'snf.proto');
}

let cached: grpc.GrpcObject | null = null;

export function loadSnfProto(): grpc.GrpcObject {
  if (cached) return cached;
  const def = protoLoader.loadSync(snfProtoPath(), {
    keepCase: false,
    longs: Number,
    enums: Number,
    bytes: Buffer,
    defaults: true,
    arrays: true,
    oneofs: true,
  });
  cached = grpc.loadPackageDefinition(def);
  return cached;
}

/** The StatePeer service definition and client constructor. */
export function statePeerService(): { service: grpc.ServiceDefinition; Client: grpc.ServiceClientConstructor } {
  const pkg = (loadSnfProto() as any).snf.v1;
  const Client = pkg.StatePeer as grpc.ServiceClientConstructor;
  return { service: Client.service, Client };
}

/** TS shapes of the messages as the loader presents them (camelCase, numbers, Buffers). */
export interface FlowKeyMsg { proto: number; srcIp: number; srcPort: number; dstIp: number; dstPort: number }
export interface FlowStateMsg { key: FlowKeyMsg | null; clock: number; present: boolean; value: Buffer }
export interface PushRequestMsg { fromUnit: number; flows: FlowStateMsg[]; sentMonoNs?: number }
export interface PushReplyMsg { applied: number; stale: number; rejected: number }
export interface PullItemMsg { key: FlowKeyMsg | null; minClock: number }
export interface PullRequestMsg { fromUnit: number; flows: PullItemMsg[]; requestId?: number }
export interface PulledStateMsg { found: boolean; state: FlowStateMsg | null }
export interface PullReplyMsg { flows: PulledStateMsg[]; requestId?: number }
