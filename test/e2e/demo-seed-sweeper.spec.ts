import { CommandBus } from '@nestjs/cqrs';
import { ExecuteNeedCommand, NeedExpirySweeper } from '@shecun/needs';
import { seedDemo } from '../../apps/standalone/src/seed/demo-seed';
import { removeDir, startEmbeddedApp, TestApp } from '../support/embedded-app';

/**
 * The need-expiry sweeper runs 10 s after start, while a first-start seed on a slow machine may
 * still be running: it can expire the seed's past-due need before the seed's own ExpireNeed. The
 * seed must finish all the same (before, it failed with a conflict and the start never got ready).
 */
describe('demo seed while the expiry sweeper runs', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
    if (t) removeDir(t.dataDir);
  });

  it('completes when the sweeper expired its past-due need first', async () => {
    t = await startEmbeddedApp();
    const bus = t.app.get(CommandBus);
    const execute = bus.execute.bind(bus);
    const swept: string[][] = [];
    let sweepStarted = false;
    bus.execute = (async (command: unknown) => {
      // Once, before the seed's own ExpireNeed: the sweeper's ExpireNeed comes through here too.
      if (command instanceof ExecuteNeedCommand && command.command.type === 'ExpireNeed' && !sweepStarted) {
        sweepStarted = true;
        await t.projections.waitFor(await t.store.headPosition());
        swept.push(await t.app.get(NeedExpirySweeper).sweep());
      }
      return execute(command as never);
    }) as typeof bus.execute;

    const result = await seedDemo(t.app);
    expect(swept).toEqual([[expect.any(String)]]);
    expect(result.needs).toBe(21);
    const expired = (await t.store.readStream(`need-${swept[0][0]}`)).filter((e) => e.type === 'NeedExpired');
    expect(expired).toHaveLength(1);
  }, 180_000);
});
