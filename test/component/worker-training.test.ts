/** The worker's training controls: a request that crossed the run's end is a calm no-op, not an error. */
import { describe, expect, it } from 'vitest';
import { cancelEvaluation, runEvaluation } from '../../src-renderer/ml/worker-explain';
import { controlTraining, isTraining } from '../../src-renderer/ml/worker-training';

describe('controlTraining', () => {
  it('answers a pause, resume or stop of a run that is not training (it just ended) with nothing to do', () => {
    expect(isTraining()).toBe(false);
    for (const action of ['pause', 'resume', 'stop'] as const) expect(controlTraining('rn-ended000', action)).toBeNull();
  });
});

describe('cancelEvaluation', () => {
  it('counts a Cancel that arrives before its evaluation starts: the evaluation then stops before loading anything', async () => {
    cancelEvaluation('eval-early');
    const req = { evalId: 'eval-early', artifacts: null as never, feedId: 'none', classNames: ['a', 'b'], limit: null, input: { kind: 'tabular' as const, features: ['x'] }, standardization: null };
    await expect(runEvaluation(req, () => undefined)).rejects.toThrow('The evaluation was cancelled.');
  });
});
