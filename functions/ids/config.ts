/**
 * IDS configuration (the NF configuration state of paper §8: the signature set).
 *
 * | field | default | meaning |
 * |---|---|---|
 * | rules | [] | rule file paths (Snort 2, Snort 3 or Suricata syntax, detected per file) |
 * | ruleSets | [] | shorthand for the real sets under `dataDir`: snort3-community, snort2-community, et-open |
 * | dataDir | '' | where ruleSets live; '' = $SNF_DATA or ../shared/data beside the project |
 * | dialect | auto | force a rule dialect for every file |
 * | alertAction | alert | `drop` also drops packets that raise an alert |
 * | contentScope | visible | `payload`: only raw-payload contents; `visible`: also app-layer buffers seen verbatim in the stream |
 * | maxPatternsPerRule | 1 | patterns kept per rule (fast_pattern first, then longest) |
 * | minPatternLength | 4 | shorter contents are never used as patterns |
 * | denseTableMiB | 192 | dense DFA table budget per automaton (an upper bound; full ET Open uses 165 MiB, every state dense: ~190 MB per instance in all; 32 → ~50 MB, ~15 % slower) |
 *
 * With neither `rules` nor `ruleSets`, the built-in demo set (demo-rules.ts) is used.
 */
import { array, integer, object, oneOf, optional, string, type Infer } from '../../sdk/config';

export const RULE_SETS = ['snort3-community', 'snort2-community', 'et-open'] as const;

const schema = object({
  rules: optional(array(string({ minLength: 1 })), []),
  ruleSets: optional(array(oneOf(RULE_SETS)), []),
  dataDir: optional(string(), ''),
  dialect: optional(oneOf(['auto', 'snort2', 'snort3', 'suricata'] as const), 'auto'),
  alertAction: optional(oneOf(['alert', 'drop'] as const), 'alert'),
  contentScope: optional(oneOf(['payload', 'visible'] as const), 'visible'),
  maxPatternsPerRule: optional(integer({ min: 1, max: 64 }), 1),
  minPatternLength: optional(integer({ min: 1, max: 1024 }), 4),
  denseTableMiB: optional(integer({ min: 0, max: 1024 }), 192),
});

export type IdsConfig = Infer<typeof schema>;

export const idsConfig = schema;

/** Works with no files: the built-in demo signatures, alerts only. */
export const idsDefaultConfig = { rules: [], alertAction: 'alert' };
