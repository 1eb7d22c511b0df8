import { FailurePolicy, maxAttemptsFromEnv, ProcessingStoppedError } from './failure-policy';

const outage = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const fast = (maxAttempts = 5) => new FailurePolicy({ maxAttempts, minDelayMs: 1, maxDelayMs: 2 });

/** Work that throws the given errors in turn, then answers 'applied'. */
function work(...errors: unknown[]) {
  let calls = 0;
  const fn = async () => {
    calls += 1;
    if (calls <= errors.length) throw errors[calls - 1];
    return 'applied';
  };
  return { fn, calls: () => calls };
}

describe('FailurePolicy', () => {
  it('given work that succeeds, when run, then it is applied in one attempt', async () => {
    const w = work();
    expect(await fast().run(w.fn)).toEqual({ ok: true, value: 'applied', attempts: 1 });
  });

  it('given a bad event that keeps failing, when run, then it is tried maxAttempts times and handed back to be parked', async () => {
    const w = work(...Array.from({ length: 10 }, () => new TypeError('cannot read needId')));
    const failures: Array<[boolean, number]> = [];
    const outcome = await fast(5).run(w.fn, { onFailure: (_e, transient, attempts) => failures.push([transient, attempts]) });
    expect(outcome).toMatchObject({ ok: false, attempts: 5 });
    expect((outcome as { error: Error }).error.message).toBe('cannot read needId');
    expect(w.calls()).toBe(5);
    expect(failures).toEqual([[false, 1], [false, 2], [false, 3], [false, 4]]);
  });

  it('given a bad event that fails twice and then applies, when run, then it is applied on the third attempt', async () => {
    const w = work(new Error('deadlock'), new Error('deadlock'));
    expect(await fast(5).run(w.fn)).toEqual({ ok: true, value: 'applied', attempts: 3 });
  });

  it('given the database away for longer than maxAttempts, when run, then the outage is waited out without counting', async () => {
    const w = work(...Array.from({ length: 12 }, outage));
    const keptAlive: number[] = [];
    const outcome = await fast(3).run(w.fn, { keepAlive: async () => void keptAlive.push(1) });
    expect(outcome).toEqual({ ok: true, value: 'applied', attempts: 1 });
    expect(w.calls()).toBe(13);
    expect(keptAlive).toHaveLength(12);
  });

  it('given an outage between bad attempts, when run, then only the bad attempts count', async () => {
    const bad = () => new Error('bad event');
    const w = work(bad(), outage(), outage(), bad(), outage(), bad(), bad());
    const outcome = await fast(4).run(w.fn);
    expect(outcome).toMatchObject({ ok: false, attempts: 4 });
    expect(w.calls()).toBe(7);
  });

  it('given the processor stops during an outage, when run, then it gives up with ProcessingStoppedError and nothing to park', async () => {
    let running = true;
    const w = work(...Array.from({ length: 100 }, outage));
    const pending = fast().run(w.fn, { isRunning: () => running, onFailure: () => void (running = false) });
    await expect(pending).rejects.toBeInstanceOf(ProcessingStoppedError);
  });

  it('given bookkeeping under waitOut, when it fails for a reason other than an outage, then it rejects at once', async () => {
    const w = work(outage(), new Error('no such table: parked_events'));
    await expect(fast().waitOut(w.fn)).rejects.toThrow('no such table');
    expect(w.calls()).toBe(2);
  });

  it('given PROJECTION_MAX_ATTEMPTS, then it sets the attempts, 5 when unset, and refuses nonsense', () => {
    expect(maxAttemptsFromEnv({})).toBe(5);
    expect(maxAttemptsFromEnv({ PROJECTION_MAX_ATTEMPTS: '3' })).toBe(3);
    expect(() => maxAttemptsFromEnv({ PROJECTION_MAX_ATTEMPTS: '0' })).toThrow('PROJECTION_MAX_ATTEMPTS');
    expect(() => maxAttemptsFromEnv({ PROJECTION_MAX_ATTEMPTS: 'many' })).toThrow('PROJECTION_MAX_ATTEMPTS');
  });
});
