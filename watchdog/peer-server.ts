/**
 * The StatePeer gRPC server: authenticates every call, validates the message shape, and hands
 * the flows to the unit. Malformed requests get INVALID_ARGUMENT, missing/wrong tokens
 * UNAUTHENTICATED, undecodable bytes INTERNAL (from grpc-js); all are counted and logged once per
 * call, and the server keeps serving.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { statePeerService, type FlowKeyMsg, type PullReplyMsg, type PullRequestMsg, type PushReplyMsg, type PushRequestMsg } from '../proto/load';
import { tokenFromMetadata, tokenMatches } from './auth';
import type { UnitCounters } from './runtime/counters';

export interface PeerHandlers {
  push(req: PushRequestMsg): PushReplyMsg;
  pull(req: PullRequestMsg): Promise<PullReplyMsg>;
}

const MAX_FLOWS_PER_CALL = 65536;

function validKey(k: FlowKeyMsg | null | undefined): boolean {
  return !!k && k.proto <= 255 && k.srcPort <= 0xffff && k.dstPort <= 0xffff && k.srcIp <= 0xffffffff && k.dstIp <= 0xffffffff;
}

export function checkPush(req: PushRequestMsg): string | null {
  if (!Array.isArray(req.flows) || req.flows.length > MAX_FLOWS_PER_CALL) return 'flows missing or too many';
  for (let i = 0; i < req.flows.length; i++) if (!validKey(req.flows[i]!.key)) return `flows[${i}].key invalid`;
  return null;
}

export function checkPull(req: PullRequestMsg): string | null {
  if (!Array.isArray(req.flows) || req.flows.length > MAX_FLOWS_PER_CALL) return 'flows missing or too many';
  for (let i = 0; i < req.flows.length; i++) if (!validKey(req.flows[i]!.key)) return `flows[${i}].key invalid`;
  return null;
}

/**
 * The service definition with each request deserializer wrapped: bytes protobufjs cannot decode
 * are counted and logged here, then the throw goes on to grpc-js, which answers that call with
 * INTERNAL ("error deserializing request") and keeps the server running.
 */
function countingService(counters: UnitCounters, log: Logger): grpc.ServiceDefinition {
  const def = statePeerService().service;
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(def)) {
    const decode = m.requestDeserialize;
    out[name] = {
      ...m,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (err) {
          counters.badRequests++;
          log.warn({ method: name, bytes: bytes.length, reason: String(err) }, 'undecodable peer request rejected');
          throw err;
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

export function createPeerServer(token: string, handlers: PeerHandlers, counters: UnitCounters, log: Logger): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 << 20 });
  const refuse = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<any>, method: string): boolean => {
    if (tokenMatches(token, tokenFromMetadata(call.metadata))) return false;
    counters.authRefused++;
    log.warn({ method, peer: call.getPeer() }, 'peer call refused: missing or wrong cluster token');
    cb({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong cluster token' });
    return true;
  };
  /** Counts and logs one malformed request (the caller answers it as its call kind allows). */
  const malformed = (method: string, reason: string): void => {
    counters.badRequests++;
    log.warn({ method, reason }, 'malformed peer request rejected');
  };
  const bad = (cb: grpc.sendUnaryData<any>, method: string, reason: string) => {
    malformed(method, reason);
    cb({ code: grpc.status.INVALID_ARGUMENT, details: reason });
  };
  server.addService(countingService(counters, log), {
    Push(call: grpc.ServerUnaryCall<PushRequestMsg, PushReplyMsg>, cb: grpc.sendUnaryData<PushReplyMsg>) {
      if (refuse(call, cb, 'Push')) return;
      const reason = checkPush(call.request);
      if (reason !== null) return bad(cb, 'Push', reason);
      cb(null, handlers.push(call.request));
    },
    PushStream(call: grpc.ServerReadableStream<PushRequestMsg, PushReplyMsg>, cb: grpc.sendUnaryData<PushReplyMsg>) {
      if (refuse(call as unknown as grpc.ServerUnaryCall<unknown, unknown>, cb, 'PushStream')) return;
      const total = { applied: 0, stale: 0, rejected: 0 };
      call.on('data', (req: PushRequestMsg) => {
        const reason = checkPush(req);
        if (reason !== null) return malformed('PushStream', reason);
        const r = handlers.push(req);
        total.applied += r.applied;
        total.stale += r.stale;
        total.rejected += r.rejected;
      });
      call.on('end', () => cb(null, total));
      call.on('error', () => {});
    },
    PullStream(call: grpc.ServerDuplexStream<PullRequestMsg, PullReplyMsg>) {
      const refused = refuse(call as unknown as grpc.ServerUnaryCall<unknown, unknown>, (err) => call.emit('error', err), 'PullStream');
      if (refused) return;
      call.on('data', (req: PullRequestMsg) => {
        const reason = checkPull(req);
        if (reason !== null) {
          malformed('PullStream', reason);
          // An empty answer: the requester sees the length mismatch and fails that pull.
          call.write({ flows: [], requestId: req.requestId ?? 0 });
          return;
        }
        handlers.pull(req).then(
          (r) => call.write({ flows: r.flows, requestId: req.requestId ?? 0 }),
          () => call.write({ flows: [], requestId: req.requestId ?? 0 }),
        );
      });
      call.on('end', () => call.end());
      call.on('error', () => {});
    },
    Pull(call: grpc.ServerUnaryCall<PullRequestMsg, PullReplyMsg>, cb: grpc.sendUnaryData<PullReplyMsg>) {
      if (refuse(call, cb, 'Pull')) return;
      const reason = checkPull(call.request);
      if (reason !== null) return bad(cb, 'Pull', reason);
      handlers.pull(call.request).then((r) => cb(null, r), (err) => cb({ code: grpc.status.INTERNAL, details: String(err) }));
    },
  });
  return server;
}

export function bindServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}
