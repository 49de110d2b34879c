import { FrameParser } from '../../../../proto/frames/frame-parser';
import { FrameType } from '../../../../proto/frames/constants';
import { decodeStats, encodeStats, encodeStatsRequest, STATS_FIELDS_V1, validateStats } from '../../../../proto/frames/stats-v1';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('STATS frames v1', () => {
  test('STATS_REQUEST is a bare header (golden bytes)', () => {
    expect(encodeStatsRequest().toString('hex')).toBe('0500000000000000');
  });

  test('STATS golden bytes: one f64 per field in STATS_FIELDS_V1 order', () => {
    const f = encodeStats({ packets: 3, seamless: 1.5, storeErrors: 7, storeFlowsMissing: 2 });
    const n = STATS_FIELDS_V1.length;
    expect(n).toBe(74);
    // header: type 6, flags 0, count 74 (0x4a), length 592 (0x250)
    expect(f.subarray(0, 8).toString('hex')).toBe('06 00 004a 00000250'.replace(/ /g, ''));
    expect(f.subarray(8, 16)).toEqual(hex('4008000000000000')); // packets = 3
    expect(f.subarray(8 + 3 * 8, 8 + 4 * 8)).toEqual(hex('3ff8000000000000')); // seamless (#3) = 1.5
    expect(f.subarray(8 + 26 * 8, 8 + 27 * 8)).toEqual(hex('401c000000000000')); // storeErrors (#26) = 7
    expect(f.subarray(8 + 30 * 8, 8 + 31 * 8)).toEqual(hex('4000000000000000')); // storeFlowsMissing (#30, appended) = 2
    expect(STATS_FIELDS_V1.slice(31, 37)).toEqual(['eventLoopDelayP50Us', 'eventLoopDelayP99Us', 'eventLoopDelayMaxUs', 'gcPauseTotalMs', 'gcPauseMaxMs', 'cpuUs']);
    expect(STATS_FIELDS_V1[37]).toBe('logRestoredFlows');
    expect(STATS_FIELDS_V1.slice(49, 59)).toEqual(['pushedByGatewayClock', 'pushLateUsSum', 'pushLateMaxUs', 'pushTooOld', 'pullAskNotTarget', 'pullAskBehind', 'pullAskPushSent', 'pullAskIdleShort', 'pullAskIdleShortGw', 'pullAskNotSwept']);
    expect(STATS_FIELDS_V1.slice(59)).toEqual([
      'pushIdleP50Us', 'pushIdleP99Us', 'pushIdleMaxUs', 'pushIdleCount', 'pushFlightP50Us', 'pushFlightP99Us', 'pushFlightMaxUs',
      'pushFlightCount', 'pushFlightLateP50Us', 'pushFlightLateP99Us', 'pushFlightLateMaxUs', 'pushFlightUnstamped',
      'pushWriteP50Us', 'pushWriteP99Us', 'pushWriteMaxUs',
    ]);
    const d = decodeStats(f.subarray(8), n);
    expect(d).toMatchObject({ packets: 3, seamless: 1.5, storeErrors: 7, forwarded: 0, storeFlowsMissing: 2 });
    // A receiver that knows only the first 27 fields (v1 as first shipped) still reads them.
    expect(decodeStats(f.subarray(8, 8 + 27 * 8), 27)).toMatchObject({ packets: 3, storeErrors: 7 });
  });

  test('unknown trailing records are ignored; a body not 8 bytes per record is rejected', () => {
    const body = Buffer.concat([encodeStats({ packets: 1 }).subarray(8), hex('4000000000000000')]);
    expect(validateStats(body, 75)).toBeNull();
    expect(Object.keys(decodeStats(body, 75))).toHaveLength(74);
    expect(validateStats(body.subarray(1), 75)).toMatch(/bytes for 75 records/);
  });

  test('the frame parser accepts STATS and a malformed STATS_REQUEST is counted, not fatal', () => {
    const got: number[] = [];
    const p = new FrameParser({ accept: [FrameType.STATS, FrameType.STATS_REQUEST], onFrame: (t) => got.push(t) });
    expect(p.push(Buffer.concat([encodeStats({}), hex('05 00 0001 00000001 00'), encodeStatsRequest()]))).toBe(true);
    expect(got).toEqual([FrameType.STATS, FrameType.STATS_REQUEST]);
    expect(p.counters.rejected.bad_body).toBe(1);
  });
});
