import { describe, expect, it } from 'vitest';
import {
  keptStretches,
  planRecordingSegments,
  type RecordingAction,
} from './recording-segments.js';

const a = (action: RecordingAction['action'], atMs: number): RecordingAction => ({
  action,
  atMs,
  source: 'api',
});

describe('SPEC §4: recordings of a call from its actions', () => {
  it('Always: one recording from the answer to the end', () => {
    expect(planRecordingSegments([a('start', 100)], 5000)).toEqual([
      { startMs: 100, endMs: 5000, pauses: [] },
    ]);
  });

  it('On Demand never started: nothing is recorded', () => {
    expect(planRecordingSegments([a('hold', 200)], 5000)).toEqual([]);
  });

  it('a paused stretch is noted inside its recording and cut from the kept stretches', () => {
    const plans = planRecordingSegments(
      [a('start', 0), a('pause', 1000), a('hold', 1500), a('resume', 3000)],
      5000,
    );
    expect(plans).toEqual([{ startMs: 0, endMs: 5000, pauses: [{ startMs: 1000, endMs: 3000 }] }]);
    expect(keptStretches(plans[0]!)).toEqual([
      { startMs: 0, endMs: 1000 },
      { startMs: 3000, endMs: 5000 },
    ]);
  });

  it('stopping and restarting makes several recordings; a pause open at the end is closed', () => {
    expect(
      planRecordingSegments(
        [a('start', 1000), a('stop', 2000), a('start', 3000), a('pause', 4000)],
        6000,
      ),
    ).toEqual([
      { startMs: 1000, endMs: 2000, pauses: [] },
      { startMs: 3000, endMs: 6000, pauses: [{ startMs: 4000, endMs: 6000 }] },
    ]);
  });

  it('a failure keeps what there is: the recording runs on to the end of its audio', () => {
    expect(planRecordingSegments([a('start', 0), a('fail', 700)], 6000)).toEqual([
      { startMs: 0, endMs: 6000, pauses: [] },
    ]);
  });
});
