import { INestApplicationContext } from '@nestjs/common';
import { CATEGORIES, Category } from '@shecun/categories';
import { Actor, eventToAppend, SYSTEM_ACTOR } from '@shecun/core';
import { currentSchemaVersion, EVENT_STORE, EventStore, NewEvent } from '@shecun/event-store';
import { needStream, prng, syntheticNeedEvents } from '@shecun/needs';
import { HubKind, makeCreditCode, organizationDecider, OrganizationType, organizationStream } from '@shecun/organizations';
import { RegionsService } from '@shecun/regions';
import { v5 as uuidv5 } from 'uuid';

/** Event ids of the scale seed derive from names, so that an interrupted run can be run again. */
const SCALE_NAMESPACE = '6b1d2c3e-4f5a-5b6c-8d7e-9f0a1b2c3d4e';
/** Where the seed records the options it was made with. */
export const SCALE_SEED_STREAM = 'seed-scale';
const DAY = 86_400_000;

export interface ScaleSeedOptions {
  /** Registered social organizations (Guangdong had 72,019). */
  organizations: number;
  /** Needs spread over every village of Guangdong, the first one per village. */
  needs: number;
  /** Deterministic data for a seed. */
  seed: number;
  /** Called as the seed goes: a phase, what is done of it, and its total. */
  onProgress?: (phase: 'organizations' | 'needs', done: number, total: number) => void;
}

export interface ScaleSeedResult {
  organizations: number;
  needs: number;
  villages: number;
  events: number;
  skipped: boolean;
}

/**
 * A data set at Guangdong's scale for benchmarks and demonstrations, appended to the event store
 * through its port (any adapter): `organizations` social organizations registered by the bureau of
 * their city, county or town (ids org-s-0…, 1–3 service fields, 5% hubs), each registration decided
 * by the organizations decider; then `needs` needs in every village of the province published over
 * the last two years, each history (offers, acceptance, declines, withdrawals, deliveries with
 * evidence, confirmations, fulfilment, expiry) decided by the needs decider and taken by those
 * organizations. Events later than now are left out (a need's history is cut where it reaches the
 * present). A store that already holds the scale seed is left as it is; an interrupted run may be run
 * again (event ids derive from names: what was appended is not appended twice); a run with other
 * options than the store's seed is refused.
 */
export async function seedScale(app: INestApplicationContext, options: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const store = app.get<EventStore>(EVENT_STORE);
  const regions = app.get(RegionsService);
  const below = (code: string): string[] => (code.length === 12 ? [code] : regions.children(code).flatMap((c) => below(c.code)));
  const villages = below(regions.rootCode);
  const result: ScaleSeedResult = { organizations: options.organizations, needs: options.needs, villages: villages.length, events: 0, skipped: false };
  // The seed's options in a marker stream: a run with other options does not mix into this one.
  const wanted = { organizations: options.organizations, needs: options.needs, seed: options.seed };
  const [marker] = await store.readStream(SCALE_SEED_STREAM, { maxCount: 1 });
  if (marker && JSON.stringify(marker.data) !== JSON.stringify(wanted)) {
    throw new Error(`this data folder holds a scale seed made with other options (${JSON.stringify(marker.data)}); use an empty data folder for ${JSON.stringify(wanted)}`);
  }
  if ((await store.readStream(needStream(`syn-${options.needs - 1}`), { maxCount: 1 })).length > 0) return { ...result, skipped: true };

  const now = Date.now();
  const id = (name: string) => uuidv5(name, SCALE_NAMESPACE);
  if (!marker) {
    const started = eventToAppend({ type: 'ScaleSeedStarted', data: wanted }, { id: id('marker'), actor: SYSTEM_ACTOR, correlationId: id('marker'), causationId: id('marker'), occurredAt: new Date(now).toISOString() });
    await store.append(SCALE_SEED_STREAM, [started], 'no-stream');
    result.events += 1;
  }
  // The SQLite store answers at once: let timers (a progress bar's redraw) run between steps.
  const progress = async (phase: 'organizations' | 'needs', done: number, total: number) => {
    options.onProgress?.(phase, done, total);
    await new Promise((resolve) => setImmediate(resolve));
  };

  // 1. Organizations, registered about three years back by the bureau of their home division.
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const cities = regions.children(regions.rootCode).map((c) => c.code);
  const counties = cities.flatMap((c) => regions.children(c).map((d) => d.code));
  const towns = counties.flatMap((c) => regions.children(c).map((d) => d.code));
  const types: OrganizationType[] = ['social_group', 'social_service_institution', 'foundation'];
  for (let i = 0; i < options.organizations; i++) {
    const organizationId = `org-s-${i}`;
    const level = random();
    const home = level < 0.35 ? pick(cities) : level < 0.8 ? pick(counties) : pick(towns);
    const hubKind: HubKind | null = random() < 0.05 ? 'hub' : null;
    const type: OrganizationType = hubKind ? 'social_group' : pick(types);
    const categories = [...new Set<Category>([pick(CATEGORIES), ...(random() < 0.6 ? [pick(CATEGORIES)] : []), ...(random() < 0.3 ? [pick(CATEGORIES)] : [])])];
    const registrar: Actor = { id: `seed-mzj-${home}`, role: 'bureau', scope: home };
    const at = new Date(now - 1100 * DAY + Math.floor((i / options.organizations) * 300 * DAY));
    const events = organizationDecider.decide(
      {
        type: 'RegisterOrganization', organizationId, creditCode: makeCreditCode(type, home.slice(0, 6).padEnd(6, '0'), i % 1_000_000), name: `社会组织 ${i}`,
        homeDivisionCode: home, hubKind, categories, contact: { person: '秘书处' }, memberUnits: [], description: '',
      },
      organizationDecider.initialState,
      { actor: registrar, now: at },
    );
    const commandId = id(`org/${organizationId}`);
    await store.append(organizationStream(organizationId), events.map((e, index) => eventToAppend(e, { id: id(`org/${organizationId}/${index}`), actor: registrar, correlationId: commandId, causationId: commandId, occurredAt: at.toISOString() })), 'any');
    result.events += events.length;
    if (i % 500 === 0 || i === options.organizations - 1) await progress('organizations', i + 1, options.organizations);
  }

  // 2. Needs in every village, their events in time order, up to now; appended a chunk at a time,
  //    each stream's events of the chunk in one append.
  const start = new Date(now - 760 * DAY);
  let needsSeen = 0;
  let chunk = new Map<string, NewEvent[]>();
  let buffered = 0;
  const flush = async () => {
    for (const [stream, events] of chunk) await store.append(stream, events, 'any');
    result.events += buffered;
    chunk = new Map();
    buffered = 0;
    await progress('needs', needsSeen, options.needs);
  };
  for (const e of syntheticNeedEvents({ villages, needs: options.needs, start, days: 730, seed: options.seed, organizations: options.organizations, teams: false, everyVillage: true })) {
    if (Date.parse(e.metadata.occurredAt) > now) break;
    const events = chunk.get(e.stream) ?? [];
    if (events.length === 0) chunk.set(e.stream, events);
    events.push({ id: id(`${e.stream}/${e.revision}`), type: e.type, schemaVersion: currentSchemaVersion(e.type), data: e.data, metadata: e.metadata });
    if (e.revision === 0) needsSeen += 1;
    if (++buffered === 20_000) await flush();
  }
  await flush();
  return result;
}
