/**
 * The environment a unit process inherits from the gateway's: a defined allow-list, not the
 * gateway's whole environment (its secrets, its SNF_GATEWAY_* settings and whatever else the
 * operator's shell holds are none of a unit's business). Pure. Kept:
 *  - PATH, HOME, USER, TMPDIR/TMP/TEMP, LANG, LC_*, TZ: what node and its libraries look up;
 *  - NODE_*: node's own settings (NODE_OPTIONS, NODE_PATH, NODE_ENV, NODE_V8_COVERAGE, …);
 *  - SNF_* except SNF_GATEWAY_*: the units' settings (watchdog/README.md) and SNF_DATA, SNF_TEST_*;
 *  - REDIS_URL, KAFKA_BROKERS: the external state store and the alert sink.
 * The provider adds SNF_HOST and SNF_LOCK_FILE, then the gateway's derived unit settings
 * (options.ts unitEnvFor), which win.
 */
const KEEP = /^(PATH|HOME|USER|TMPDIR|TMP|TEMP|LANG|LC_[A-Z_]+|TZ|NODE_[A-Z0-9_]+|REDIS_URL|KAFKA_BROKERS)$/;

export function unitBaseEnv(parent: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (KEEP.test(name) || (name.startsWith('SNF_') && !name.startsWith('SNF_GATEWAY_'))) out[name] = value;
  }
  return out;
}
