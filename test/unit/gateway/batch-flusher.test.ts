import { BatchFlusher } from '../../../gateway/batch-flusher';

/** Resolves after one event-loop turn's immediates have run (an immediate queued now runs first). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function harness(minBatch: number, maxTurns: number) {
  const frame = { count: 0 };
  const flushes: number[] = [];
  const flusher = new BatchFlusher(frame, () => {
    flushes.push(frame.count);
    frame.count = 0;
    flusher.flushed();
  }, { minBatch, maxTurns });
  const add = (n: number) => {
    for (let i = 0; i < n; i++) {
      frame.count++;
      flusher.added();
    }
  };
  return { frame, flushes, flusher, add };
}

describe('BatchFlusher', () => {
  test('a frame with ≥ minBatch records leaves on the first turn, once', async () => {
    const h = harness(4, 10);
    h.add(5);
    await turn();
    expect(h.flushes).toEqual([5]);
    await turn();
    await turn();
    expect(h.flushes).toEqual([5]);
  });

  test('a trickle below minBatch waits while turns bring records, at most maxTurns turns', async () => {
    const h = harness(32, 3);
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([]);
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([]);
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([3]);
  });

  test('a turn that adds nothing ends the wait (no spinning while nothing arrives)', async () => {
    const h = harness(32, 10);
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([]);
    await turn();
    expect(h.flushes).toEqual([1]);
  });

  test('{1, 1} flushes every turn; an empty frame schedules nothing', async () => {
    const h = harness(1, 1);
    h.add(1);
    await turn();
    h.add(2);
    await turn();
    expect(h.flushes).toEqual([1, 2]);
    await turn();
    expect(h.flushes).toEqual([1, 2]);
  });

  test('a flush by the owner (full frame) restarts the wait', async () => {
    const h = harness(32, 3);
    h.add(1);
    await turn();
    h.add(1);
    await turn(); // two turns waited, each bringing a record
    expect(h.flushes).toEqual([]);
    h.frame.count = 0; // the owner wrote a full frame
    h.flusher.flushed();
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([]); // had the wait not restarted, this turn would have been the third
    h.add(1);
    await turn();
    expect(h.flushes).toEqual([]);
    await turn();
    expect(h.flushes).toEqual([2]);
  });
});
