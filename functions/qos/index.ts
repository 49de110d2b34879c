/**
 * qos — per-connection token-bucket traffic policer (paper §8). Rate and bucket size (per class)
 * are the configuration state; each connection's (last packet time, tokens) is its per-flow state.
 */
import type { NetworkFunction } from '../../sdk/types';
import { qosConfig, qosDefaultConfig, type QosConfig } from './config';
import { QosHandler } from './handler';
import { qosStateCodec, type QosState } from './state';

export const qos: NetworkFunction<QosConfig, QosState> = {
  name: 'qos',
  description: 'QoS policer: a token bucket per connection (rate, burst); over-rate packets are dropped or DSCP-marked',
  config: qosConfig,
  defaultConfig: qosDefaultConfig,
  stateCodec: qosStateCodec,
  /** Every reason its handler passes to ctx.drop (interned when created). */
  dropReasons: ['qos_over_rate'],
  create(c: QosConfig): QosHandler {
    return new QosHandler(c, c.classes, c.action === 'mark', c.markDscp);
  },
};

export default qos;
export type { QosConfig, QosState };
