/**
 * A compared mode: `<assignment>[/<state>]`, e.g. `flowlet`, `flowlet/reactive`,
 * `flowlet/external`, `flowlet-timeout-only`, `flow`, `smartflow:50`, `packet`.
 * State defaults: flowlet modes are proactive (the paper's SNF); flow and smartflow move state
 * only on a migration and pull it then (reactive, bounded below by the controller's migration
 * hold); packet mode keeps state in the external store per packet.
 */
import { ConfigError } from '../../sdk/errors';
import { parseMode, type AssignmentMode } from '../../gateway/controller';
import type { StateModelMode } from './state-model';

export interface ModeSpec {
  label: string;
  assignment: AssignmentMode;
  smartflowPeriodNs?: number;
  state: StateModelMode;
}

export function parseModeSpec(text: string): ModeSpec {
  const [a, st] = text.trim().split('/', 2);
  const m = parseMode(a);
  let state: StateModelMode;
  if (m.mode === 'packet') {
    if (st !== undefined && st !== 'external') throw new ConfigError('mode', `packet mode keeps state in the store; "${text}" is not a mode`);
    state = 'packet';
  } else if (st === undefined) {
    state = m.mode === 'flow' || m.mode === 'smartflow' ? 'reactive' : 'proactive';
  } else if (st === 'proactive' || st === 'reactive' || st === 'external') {
    state = st;
  } else {
    throw new ConfigError('mode', `unknown state mode "${st}" in "${text}" (proactive, reactive, external)`);
  }
  return { label: text.trim(), assignment: m.mode, smartflowPeriodNs: m.smartflowPeriodNs, state };
}
