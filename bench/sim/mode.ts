/**
 * A compared mode in the simulator: the one spelling of gateway/modes.ts (`<assignment>[/<state>]`,
 * e.g. `flowlet`, `flowlet/reactive`, `flowlet/external`, `flowlet-timeout-only`, `flow`,
 * `smartflow:50`, `packet`) with the state mapped onto the simulator's state model: packet mode
 * keeps state in the external store per packet (`packet`).
 */
import type { AssignmentMode } from '../../gateway/controller';
import { parseRunMode } from '../../gateway/modes';
import type { StateModelMode } from './state-model';

export interface ModeSpec {
  label: string;
  assignment: AssignmentMode;
  smartflowPeriodNs?: number;
  state: StateModelMode;
}

export function parseModeSpec(text: string): ModeSpec {
  const m = parseRunMode(text);
  return { label: m.label, assignment: m.assignment, smartflowPeriodNs: m.smartflowPeriodNs, state: m.assignment === 'packet' ? 'packet' : m.state };
}
