/**
 * A running function → the FunctionStatus JSON faas-cli reads, with the stock omit-when-empty
 * rule (replicas, availableReplicas, invocationCount of 0 and empty maps/lists are left out;
 * createdAt is always there). The function's packet ingress is reported in its annotations
 * (`com.snf.stream-port`, `com.snf.udp-port`, `com.snf.nf`). Pure.
 */
import type { FunctionInfo } from '../functions/provider';
import type { FunctionStatus } from './types';

const nonEmpty = <T extends object>(v: T | undefined): v is T => v !== undefined && Object.keys(v).length > 0;

export function toStatus(f: FunctionInfo): FunctionStatus {
  const d = f.spec.deployment;
  const annotations = {
    ...d.annotations,
    'com.snf.nf': f.spec.nf,
    'com.snf.stream-port': String(f.streamPort),
    'com.snf.udp-port': String(f.udpPort),
  };
  return {
    name: f.spec.name,
    image: d.image,
    namespace: f.spec.namespace,
    ...(d.envProcess ? { envProcess: d.envProcess } : {}),
    ...(nonEmpty(d.envVars) ? { envVars: d.envVars } : {}),
    ...(d.constraints.length > 0 ? { constraints: d.constraints } : {}),
    ...(d.secrets.length > 0 ? { secrets: d.secrets } : {}),
    ...(nonEmpty(d.labels) ? { labels: d.labels } : {}),
    annotations,
    ...(nonEmpty(d.limits) ? { limits: d.limits } : {}),
    ...(nonEmpty(d.requests) ? { requests: d.requests } : {}),
    ...(d.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    ...(f.invocations > 0 ? { invocationCount: f.invocations } : {}),
    ...(f.replicas > 0 ? { replicas: f.replicas } : {}),
    ...(f.availableReplicas > 0 ? { availableReplicas: f.availableReplicas } : {}),
    createdAt: f.createdAt,
  };
}
