/**
 * ids — signature-matching intrusion detection (paper §8): Aho–Corasick over Snort/Suricata
 * `content` patterns. The signature set is the NF configuration state; each connection's
 * automaton states (one pair per direction) are its per-flow state.
 */
import type { AlertInfo, NetworkFunction } from '../../sdk/types';
import { idsConfig, idsDefaultConfig, type IdsConfig } from './config';
import { IDS_DROP_REASON, IdsHandler } from './handler';
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
    this.signatures = built.signatures;
  }

  private readonly signatures: IdsBuild['signatures'];

  /** A sid as its rule names it (EVE `signature`, `rev`). */
  describeAlert(sid: number): AlertInfo | undefined {
    const s = this.signatures.get(sid);
    return s === undefined ? undefined : { signature: s.msg, gid: 1, rev: s.rev };
  }
}

export const ids: NetworkFunction<IdsConfig, IdsState> = {
  name: 'ids',
  description: 'IDS: Aho–Corasick signature matching of Snort/Suricata content patterns over each connection\'s payload stream',
  config: idsConfig,
  defaultConfig: idsDefaultConfig,
  stateCodec: idsStateCodec,
  /** Every reason its handler passes to ctx.drop (interned when created). */
  dropReasons: [IDS_DROP_REASON],
  create(c: IdsConfig): IdsFunctionHandler {
    return new IdsFunctionHandler(buildIds(c), c.alertAction === 'drop');
  },
};

export default ids;
export type { IdsConfig, IdsState, IdsBuildReport };
export { buildIds, ruleFilesOf } from './ruleset';
