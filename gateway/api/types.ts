/**
 * OpenFaaS wire shapes (faas-provider's types, as faas-cli sends and reads them) and the API's
 * metrics hook. Fields marked optional are left out of the JSON when empty or zero, as the stock
 * gateway does (omitempty); clients treat a missing `replicas` as 0.
 */
import type { Gateway } from '../gateway';

export type StringMap = Record<string, string>;

export interface FunctionResources {
  memory?: string;
  cpu?: string;
}

/** The fields a deploy request and a function's status share (OpenFaaS's wire names). */
interface FunctionFields {
  image: string;
  namespace?: string;
  envProcess?: string;
  envVars?: StringMap;
  constraints?: string[];
  secrets?: string[];
  labels?: StringMap;
  annotations?: StringMap;
  limits?: FunctionResources;
  requests?: FunctionResources;
  readOnlyRootFilesystem?: boolean;
}

/** Body of POST/PUT /system/functions. */
export interface FunctionDeployment extends FunctionFields {
  service: string;
}

/** One function in GET /system/functions and GET /system/function/{name}. */
export interface FunctionStatus extends FunctionFields {
  name: string;
  invocationCount?: number;
  replicas?: number;
  availableReplicas?: number;
  /** RFC 3339. */
  createdAt: string;
}

export interface SecretEntry {
  name: string;
  namespace?: string;
  value?: string;
  /** base64 bytes. */
  rawValue?: string;
}

/** One NDJSON line of GET /system/logs. */
export interface LogLine {
  name: string;
  namespace: string;
  instance: string;
  timestamp: string;
  text: string;
}

/**
 * What the API tells a metrics server (gateway/metrics/, plugged by the caller of `startUp`).
 * Function names are `name.namespace` (the stock `function_name` label form).
 */
export interface ApiMetrics {
  started(fn: string): void;
  done(fn: string, code: number, seconds: number): void;
  setReplicas(fn: string, n: number): void;
  watch?(fn: string, gw: Gateway): void;
  unwatch?(fn: string): void;
}

export const NO_METRICS: ApiMetrics = Object.freeze({
  started: () => {},
  done: () => {},
  setReplicas: () => {},
});

/** The namespace functions live in (faas-netes CE default; the only one this gateway serves). */
export const DEFAULT_NAMESPACE = 'openfaas-fn';
