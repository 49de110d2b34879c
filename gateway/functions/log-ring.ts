/**
 * The units' log lines of each function, kept in a bounded ring (oldest dropped, counted) and
 * passed on to followers (`/system/logs?follow=true`). Chunks from a unit's pipes are split into
 * lines; a partial line waits for its end (bounded).
 */
import type { LogLine } from '../api/types';
import type { LogQuery } from './provider';

const MAX_PARTIAL = 16 * 1024;

export class LogRing {
  private readonly lines: Array<LogLine & { ms: number }> = [];
  private readonly partial = new Map<string, string>();
  private readonly followers = new Set<(l: LogLine) => void>();
  dropped = 0;

  constructor(readonly name: string, readonly namespace: string, readonly capacity = 2000) {}

  /** A chunk of a unit's stdout/stderr. */
  write(instance: string, chunk: string, nowMs = Date.now()): void {
    const text = (this.partial.get(instance) ?? '') + chunk;
    const parts = text.split('\n');
    const rest = parts.pop()!;
    if (rest.length > 0 && rest.length < MAX_PARTIAL) this.partial.set(instance, rest);
    else {
      this.partial.delete(instance);
      if (rest.length > 0) parts.push(rest);
    }
    for (const p of parts) {
      const t = p.replace(/\r$/, '');
      if (t.length > 0) this.push(instance, t, nowMs);
    }
  }

  private push(instance: string, text: string, ms: number): void {
    const line = { name: this.name, namespace: this.namespace, instance, timestamp: new Date(ms).toISOString(), text, ms };
    this.lines.push(line);
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.dropped++;
    }
    const { ms: _ms, ...out } = line;
    for (const f of this.followers) f(out);
  }

  query(q: LogQuery): LogLine[] {
    let sel = this.lines.filter((l) => (q.sinceMs === undefined || l.ms >= q.sinceMs) && (q.instance === undefined || q.instance === '' || l.instance === q.instance));
    if (q.tail !== undefined && q.tail > 0) sel = sel.slice(-q.tail);
    return sel.map(({ ms: _ms, ...l }) => l);
  }

  follow(listener: (l: LogLine) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }
}
