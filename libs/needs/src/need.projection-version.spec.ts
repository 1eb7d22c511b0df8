import { createHash } from 'node:crypto';
import { needDecider, NeedState } from './need.decider';
import { NeedEvent } from './need.events';
import { needDocument } from './need.presenter';
import { NEEDS_PROJECTION_VERSION } from './need.projection';
import { syntheticNeedEvents } from './synthetic-needs';

/** Every key path a value holds (array elements as `[]`), sorted: the value's shape without its data. */
function shapeOf(value: unknown, path = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) shapeOf(item, `${path}[]`, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(`${path}.${key}`);
      shapeOf(inner, `${path}.${key}`, into);
    }
  }
  return into;
}

const fingerprint = (values: unknown[]) => {
  const paths = new Set<string>();
  for (const value of values) shapeOf(value, '', paths);
  return createHash('sha256').update([...paths].sort().join('\n')).digest('hex').slice(0, 16);
};

/**
 * The needs read model keeps the decider's NeedState (needs_fold) and the need's document
 * (needs_view.document) as JSON. Rows written by one shape and read by another would be wrong
 * without any error, so a change to either shape must come with a new NEEDS_PROJECTION_VERSION
 * (the stored rows are then rebuilt from the event store at start). This spec fails when a shape
 * changes: raise the version in need.projection.ts, then record the new fingerprints here.
 */
describe('needs projection version guards the shapes it stores', () => {
  const states = new Map<string, NeedState>();
  for (const e of syntheticNeedEvents({ villages: ['441826105201', '440112101001'], needs: 300, start: new Date('2025-01-01T00:00:00+08:00'), days: 30, seed: 5, organizations: 30 })) {
    states.set(e.stream, needDecider.evolve(states.get(e.stream) ?? needDecider.initialState, { type: e.type, data: e.data } as NeedEvent));
  }

  it('the stored shapes are those of the declared version', () => {
    const recorded: Record<number, { state: string; document: string }> = {
      2: { state: '106c69928de34af5', document: 'd0c4e44fda19d322' },
    };
    const now = { state: fingerprint([...states.values()]), document: fingerprint([...states.values()].map(needDocument)) };
    expect({ version: NEEDS_PROJECTION_VERSION, ...now }).toEqual({ version: NEEDS_PROJECTION_VERSION, ...recorded[NEEDS_PROJECTION_VERSION] });
  });
});
