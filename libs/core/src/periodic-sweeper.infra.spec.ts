import { Injectable, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../test/support/pg';
import { PeriodicSweeper, PgAdvisoryLease, SweepLeaseModule } from './periodic-sweeper';

// The timers stay off: the spec runs each round itself.
process.env.SPEC_SLOW_SWEEP = 'false';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sweeps that overlap: each records when it ran. */
const rounds: string[] = [];

@Injectable()
class SlowSweeper extends PeriodicSweeper {
  constructor() {
    super('SpecSlow', 'SPEC_SLOW_SWEEP');
  }
  async sweep(): Promise<string> {
    rounds.push('swept');
    await pause(400);
    return 'done';
  }
}

/**
 * Periodic sweeps run once per deployment: where several instances of a service share a
 * PostgreSQL database, a sweep runs in the one instance holding its advisory lock at that moment.
 */
describe('sweeps once per deployment (PostgreSQL advisory lease)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const contexts: INestApplicationContext[] = [];
  const sources: DataSource[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('shecun_sweep');
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await Promise.all(sources.map((s) => s.destroy()));
    await db?.drop();
  });

  it('given two instances sweeping at the same moment, then one sweeps and the other skips the round; afterwards the lease is free again', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => new DataSource({ type: 'postgres', url: db.url }).initialize()));
    sources.push(a, b);
    const work = async () => {
      await pause(300);
      return 'swept';
    };
    const outcomes = await Promise.all([new PgAdvisoryLease(a).whileHeld('expiry', work), new PgAdvisoryLease(b).whileHeld('expiry', work)]);
    expect(outcomes.filter((o) => o.held)).toEqual([{ held: true, result: 'swept' }]);
    expect(outcomes.filter((o) => !o.held)).toHaveLength(1);
    // Another sweep name is not held back; and once released, the lease is taken again.
    expect(await new PgAdvisoryLease(b).whileHeld('other', work)).toEqual({ held: true, result: 'swept' });
    expect(await new PgAdvisoryLease(b).whileHeld('expiry', work)).toEqual({ held: true, result: 'swept' });
  });

  it('given two service instances with the lease module, when their timers fire together, then the sweep body runs once', async () => {
    @Module({ imports: [TypeOrmModule.forRoot({ type: 'postgres', url: db.url }), SweepLeaseModule.onPostgres()], providers: [SlowSweeper] })
    class ServiceModule {}
    for (let i = 0; i < 2; i++) contexts.push(await NestFactory.createApplicationContext(ServiceModule, { logger: false }));
    rounds.length = 0;
    const results = await Promise.all(contexts.map((c) => c.get(SlowSweeper).runOnce()));
    expect(rounds).toEqual(['swept']);
    expect(results.sort()).toEqual(['done', undefined]);
  });

  it('given no lease (the embedded process), then every round sweeps', async () => {
    rounds.length = 0;
    expect(await new SlowSweeper().runOnce()).toBe('done');
    expect(rounds).toEqual(['swept']);
  });
});
