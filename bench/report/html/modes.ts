/**
 * Which figure a comparison mode belongs in. Mode keys are `gateway/modes.ts` spellings
 * (`flowlet`, `flowlet/reactive`, `flow`, `smartflow:50`, `packet`, …); a bare state name
 * (`proactive`) means the flowlet mode with that state. A key neither parses as is put with the
 * allocation modes under its own name, so nothing run is left out of the report.
 */
import { parseRunMode, STATE_MODES, type RunMode, type StateMode } from '../../../gateway/modes';

export interface ModeClass {
  key: string;
  /** `flowlet`, `flow`, `smartflow:50`, `packet`, or the key itself when it does not parse. */
  allocation: string;
  state: StateMode | undefined;
  /** The mode's allocation runs with its default state (belongs in the by-allocation figure). */
  defaultState: boolean;
}

function parse(key: string): RunMode | undefined {
  const k = (STATE_MODES as readonly string[]).includes(key) ? `flowlet/${key}` : key;
  try {
    return parseRunMode(k);
  } catch {
    return undefined;
  }
}

export function classifyMode(key: string): ModeClass {
  const m = parse(key);
  if (!m) return { key, allocation: key, state: undefined, defaultState: true };
  const allocation = m.smartflowPeriodNs !== undefined ? `${m.assignment}:${m.smartflowPeriodNs / 1e6}` : m.assignment;
  const def = m.assignment === 'packet' ? 'external' : m.assignment === 'flow' || m.assignment === 'smartflow' ? 'reactive' : 'proactive';
  return { key, allocation, state: m.state, defaultState: m.state === def };
}

/** Modes for the latency-by-allocation figure: each allocation once, at its default state. */
export function allocationModes(keys: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const c = classifyMode(k);
    if (!c.defaultState || seen.has(c.allocation)) continue;
    seen.add(c.allocation);
    out.push(k);
  }
  return out;
}

/** Modes for the latency-by-state figure: the flowlet modes (SNF) with a state mode. */
export function stateModes(keys: readonly string[]): string[] {
  return keys.filter((k) => {
    const c = classifyMode(k);
    return c.state !== undefined && (c.allocation === 'flowlet' || c.allocation === 'flowlet-timeout-only');
  });
}
