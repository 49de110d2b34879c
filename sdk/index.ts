/**
 * The SDK's public surface: everything a network function author needs, from one import.
 *   import { Packet, Verdict, FlowTable, object, integer } from '../../sdk';
 */
export * from './types';
export * from './errors';
export * from './packet';
export * from './checksum';
export * from './flow-key';
export * from './flow-table';
export * from './state';
export * from './config';
export * from './local-runtime';
export * from './prng';
export * from './chain';
