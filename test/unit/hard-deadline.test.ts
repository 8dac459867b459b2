import assert from 'node:assert/strict';
import { armHardDeadline, hardDeadlineMs } from '../../harness/cli/hard-deadline.ts';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { manualTimers } from '../helpers/manual-timers.ts';


describe('the hard deadline of a run', () => {
  it('comes after the run’s own deadline, a step’s tail, a drain and the stops', async () => {
    const scenario = await loadScenario('overload');
    // 600 s cap + the 10 s client timeout + an 11 s drain (1 s connect + 5 s upstream + 5 s) + 10 s of stops.
    assert.equal(hardDeadlineMs(scenario), 600_000 + 10_000 + 11_000 + 10_000);
    const target = await loadScenario('overload', { sets: ['caps.maxDurationS=60'] });
    assert.equal(hardDeadlineMs(target), 60_000 + 31_000);
  });

  it('calls its last resort when the time comes, and never once disarmed', () => {
    const expired: string[] = [];
    const timers = manualTimers();
    armHardDeadline(5000, () => expired.push('exit'), timers);
    assert.equal(timers.ms, 5000);
    timers.fire();
    assert.deepEqual(expired, ['exit']);

    const calm = manualTimers();
    const disarm = armHardDeadline(5000, () => expired.push('too late'), calm);
    disarm();
    calm.fire();
    assert.deepEqual(expired, ['exit']);
    assert.equal(calm.cleared, true);
  });
});
