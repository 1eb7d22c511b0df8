import { INestApplicationContext } from '@nestjs/common';
import { eventToAppend, SYSTEM_ACTOR } from '@shecun/core';
import { EVENT_STORE, EventStore, RecordedEvent, START } from '@shecun/event-store';
import { v5 as uuidv5 } from 'uuid';
import { seedDemo, SeedProgress, SeedResult } from './demo-seed';

/**
 * The demo seed's markers: `DemoSeedStarted` (with the demo's clock) is the first event a seed
 * appends, `DemoSeedCompleted` its last. A data folder whose log has the first and not the second
 * holds an interrupted seed, which the next start completes.
 */
export const DEMO_SEED_STREAM = 'seed-demo';
export const DEMO_SEED_STARTED = 'DemoSeedStarted';
export const DEMO_SEED_COMPLETED = 'DemoSeedCompleted';
const MARKER_NAMESPACE = '3c8e5a1f-7b2d-5e4c-9a6b-1d0f2e3c4b5a';

export interface DemoSeedStartedData {
  /** The demo's "now" (ISO): its history is dated back from it, on every run of this seed. */
  clock: string;
}

/** What a start does about the demo. */
export type DemoSeedPlan =
  | { run: true; resumed: boolean }
  | { run: false; reason: 'completed' | 'not-empty' | 'off' };

export interface DemoSeedMarkers {
  started?: RecordedEvent<DemoSeedStartedData>;
  completed?: RecordedEvent;
}

export async function demoSeedMarkers(store: EventStore): Promise<DemoSeedMarkers> {
  const events = await store.readStream(DEMO_SEED_STREAM);
  return {
    started: events.find((e) => e.type === DEMO_SEED_STARTED) as RecordedEvent<DemoSeedStartedData> | undefined,
    completed: events.find((e) => e.type === DEMO_SEED_COMPLETED),
  };
}

/**
 * An empty log gets the demo when SEED_DEMO is on; a seed that was started and not completed is
 * always completed (SEED_DEMO only decides whether an empty folder gets one); a log with other
 * events and no marker (real data, or a demo seeded before the markers) is left as it is.
 */
export async function planDemoSeed(store: EventStore, seedDemoOnEmpty: boolean): Promise<DemoSeedPlan> {
  const { started, completed } = await demoSeedMarkers(store);
  if (completed) return { run: false, reason: 'completed' };
  if (started) return { run: true, resumed: true };
  if ((await store.headPosition()) !== START) return { run: false, reason: 'not-empty' };
  return seedDemoOnEmpty ? { run: true, resumed: false } : { run: false, reason: 'off' };
}

const marker = (type: string, data: unknown, at: Date) => {
  const id = uuidv5(`demo-seed/${type}`, MARKER_NAMESPACE);
  return eventToAppend({ type, data }, { id, actor: SYSTEM_ACTOR, correlationId: uuidv5('demo-seed', MARKER_NAMESPACE), causationId: id, occurredAt: at.toISOString() });
};

/**
 * Runs the demo seed to its end between its markers: appends `DemoSeedStarted` if the log has none
 * (with the clock every later run reuses), runs the seed (which appends only what an earlier,
 * interrupted run did not), then appends `DemoSeedCompleted`. Safe to run again at any point.
 */
export async function seedDemoToCompletion(app: INestApplicationContext, onProgress?: SeedProgress): Promise<SeedResult & { resumed: boolean }> {
  const store = app.get<EventStore>(EVENT_STORE);
  let { started, completed } = await demoSeedMarkers(store);
  const resumed = Boolean(started) && !completed;
  if (!started) {
    const now = new Date();
    await store.append(DEMO_SEED_STREAM, [marker(DEMO_SEED_STARTED, { clock: now.toISOString() } satisfies DemoSeedStartedData, now)], 'no-stream');
    ({ started, completed } = await demoSeedMarkers(store));
  }
  const result = await seedDemo(app, onProgress, { now: Date.parse(started!.data.clock) });
  if (!completed) {
    await store.append(DEMO_SEED_STREAM, [marker(DEMO_SEED_COMPLETED, result, new Date())], started!.revision);
  }
  return { ...result, resumed };
}
