/** What the API handlers share: the provider, the metrics hook, credentials, rejection counters. */
import type { RequestHandler, Response } from 'express';
import type { FunctionProvider } from '../functions/provider';
import type { Credentials } from './auth';
import type { ApiMetrics } from './types';

export interface ApiCounters {
  unauthorized: number;
  badBody: number;
  tooLarge: number;
  unknownFunction: number;
  timeouts: number;
  serverErrors: number;
}

export interface ApiContext {
  provider: FunctionProvider;
  metrics: ApiMetrics;
  creds: Credentials;
  version: string;
  sha: string;
  upstreamTimeoutMs: number;
  readonly counters: ApiCounters;
  /** Open `/system/logs?follow=true` responses (ended on shutdown). */
  readonly followers: Set<Response>;
  /** The faas-netes proxy path: `/system/*` (behind auth) goes here instead of the routes (system-proxy.ts). */
  systemProxy?: RequestHandler;
}

export function newCounters(): ApiCounters {
  return { unauthorized: 0, badBody: 0, tooLarge: 0, unknownFunction: 0, timeouts: 0, serverErrors: 0 };
}

