/**
 * ids — signature-matching intrusion detection (paper §8): Aho–Corasick over Snort/Suricata
 * `content` patterns. The signature set is the NF configuration state; each connection's
 * automaton states (one pair per direction) are its per-flow state.
 */
import type { NetworkFunction } from '../../sdk/types';
import { idsConfig, idsDefaultConfig, type IdsConfig } from './config';
import { IdsHandler } from './handler';
import type { PatternSet } from './pattern-set';
import { buildIds, type IdsBuild, type IdsBuildReport } from './ruleset';
import { idsStateCodec, type IdsState } from './state';

/** The handler plus what its build found (rule counts, warnings with file:line, sizes). */
export class IdsFunctionHandler extends IdsHandler {
  constructor(
    built: IdsBuild,
    dropOnAlert: boolean,
    readonly report: IdsBuildReport = built.report,
    readonly patternSet: PatternSet = built.set,
  ) {
    super(built.matcher, built.set, dropOnAlert);
  }
}

export const ids: NetworkFunction<IdsConfig, IdsState> = {
  name: 'ids',
  description: 'IDS: Aho–Corasick signature matching of Snort/Suricata content patterns over each connection\'s payload stream',
  config: idsConfig,
  defaultConfig: idsDefaultConfig,
  stateCodec: idsStateCodec,
  create(c: IdsConfig): IdsFunctionHandler {
    return new IdsFunctionHandler(buildIds(c), c.alertAction === 'drop');
  },
};

export default ids;
export type { IdsConfig, IdsState, IdsBuildReport };
export { buildIds, ruleFilesOf } from './ruleset';
