/**
 * The AlertManager webhook's scaling rule (POST /system/alert), as the stock gateway applies it:
 * for each alert naming a `function_name`, step = ceil(max / 100 × factor) with factor from
 * `com.openfaas.scale.factor` (1–100, default 10); `firing` → min(current + step, max); any other
 * status (resolved) → the function's min. Here max is the function's max units (no CE cap of 5).
 * Pure.
 */
export interface AlertBody {
  status?: string;
  receiver?: string;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

export interface ScaleTarget {
  current: number;
  min: number;
  max: number;
  labels: Record<string, string>;
}

/** Checks the webhook body's shape; a string says what is wrong. */
export function parseAlertBody(body: unknown): AlertBody | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body: must be a JSON object (AlertManager webhook)';
  const alerts = (body as Record<string, unknown>).alerts;
  if (!Array.isArray(alerts)) return 'alerts: must be a list';
  for (const [i, a] of alerts.entries()) {
    if (typeof a !== 'object' || a === null) return `alerts[${i}]: must be an object`;
    const x = a as Record<string, unknown>;
    if (typeof x.status !== 'string') return `alerts[${i}].status: must be a string`;
    if (typeof x.labels !== 'object' || x.labels === null) return `alerts[${i}].labels: must be an object`;
  }
  return body as AlertBody;
}

/** The replica count an alert asks for; a string on a bad factor label. */
export function desiredReplicas(status: string, t: ScaleTarget): number | string {
  const raw = t.labels['com.openfaas.scale.factor'];
  const factor = raw === undefined ? 10 : Number(raw);
  if (!Number.isInteger(factor) || factor < 1 || factor > 100) return `com.openfaas.scale.factor: must be an integer in 1..100, got ${JSON.stringify(raw)}`;
  if (status !== 'firing') return t.min;
  const step = Math.ceil((t.max / 100) * factor);
  return Math.min(t.current + step, t.max);
}
