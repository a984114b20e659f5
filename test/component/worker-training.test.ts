/** The worker's training controls: a request that crossed the run's end is a calm no-op, not an error. */
import { describe, expect, it } from 'vitest';
import { controlTraining, isTraining } from '../../src-renderer/ml/worker-training';

describe('controlTraining', () => {
  it('answers a pause, resume or stop of a run that is not training (it just ended) with nothing to do', () => {
    expect(isTraining()).toBe(false);
    for (const action of ['pause', 'resume', 'stop'] as const) expect(controlTraining('rn-ended000', action)).toBeNull();
  });
});
