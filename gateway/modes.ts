/**
 * Run modes, one spelling everywhere (`snf gateway --mode`, `snf sim --compare`,
 * `snf bench live --modes`): `<assignment>[/<state>]`, e.g. `flowlet`, `flowlet/reactive`,
 * `flowlet/external`, `flowlet-timeout-only`, `flow`, `smartflow:50`, `packet`. Pure.
 *
 * Assignment (controller `parseMode`): flowlet | flowlet-timeout-only | flow | smartflow[:<ms>] | packet.
 * State: proactive (push at T/2 to K targets, pull on a miss) | reactive (pull only) | external
 * (Redis, read at flowlet start, written at T/2 idle). Defaults: flowlet modes are proactive (the
 * paper's SNF); flow and smartflow move state only on a migration and pull it then (reactive);
 * packet keeps state in the external store per packet (`packet/external` is accepted, nothing else).
 */
import { ConfigError } from '../sdk/errors';
import { parseMode, type AssignmentMode } from './controller';

export type StateMode = 'proactive' | 'reactive' | 'external';
export const STATE_MODES: readonly StateMode[] = Object.freeze(['proactive', 'reactive', 'external']);

export interface RunMode {
  /** The text as given (trimmed): labels results. */
  readonly label: string;
  readonly assignment: AssignmentMode;
  /** smartflow:<ms> only. */
  readonly smartflowPeriodNs?: number;
  readonly state: StateMode;
}

export const MODE_SYNTAX = 'flowlet | flowlet-timeout-only | flow | smartflow:<ms> | packet, optionally /proactive | /reactive | /external';

function defaultState(a: AssignmentMode): StateMode {
  return a === 'packet' ? 'external' : a === 'flow' || a === 'smartflow' ? 'reactive' : 'proactive';
}

/** Parses and validates one mode; ConfigError('mode') naming the bad part. */
export function parseRunMode(text: string): RunMode {
  const label = text.trim();
  const [a, st, extra] = label.split('/');
  if (extra !== undefined) throw new ConfigError('mode', `"${label}" has more than one "/" (${MODE_SYNTAX})`);
  const m = parseMode(a ?? '');
  let state: StateMode;
  if (st === undefined) state = defaultState(m.mode);
  else if ((STATE_MODES as readonly string[]).includes(st)) state = st as StateMode;
  else throw new ConfigError('mode', `unknown state mode "${st}" in "${label}" (proactive, reactive, external)`);
  if (m.mode === 'packet' && state !== 'external') {
    throw new ConfigError('mode', `packet mode keeps state in the store; "${label}" is not a mode`);
  }
  return Object.freeze({ label, assignment: m.mode, ...(m.smartflowPeriodNs !== undefined ? { smartflowPeriodNs: m.smartflowPeriodNs } : {}), state });
}

/** The canonical spelling: state written only when it is not the assignment's default. */
export function formatRunMode(m: Pick<RunMode, 'assignment' | 'smartflowPeriodNs' | 'state'>): string {
  const a = m.smartflowPeriodNs !== undefined ? `${m.assignment}:${m.smartflowPeriodNs / 1e6}` : m.assignment;
  return m.state === defaultState(m.assignment) ? a : `${a}/${m.state}`;
}
