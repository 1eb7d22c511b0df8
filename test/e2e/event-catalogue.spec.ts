import { CONTEXTS, eventCatalogue, eventCatalogueMarkdown } from '@shecun/hosting';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The published events: declared once per context and stream family, documented in docs/events.md. */
describe('the event catalogue', () => {
  it('docs/events.md is what the contexts declare (npm run events:catalogue regenerates it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'events.md'), 'utf8')).toBe(eventCatalogueMarkdown());
  });

  it('lists events for exactly the stream families each context publishes, each type once', () => {
    for (const context of CONTEXTS) expect(Object.keys(context.events).sort()).toEqual(Object.keys(context.streams).sort());
    const types = eventCatalogue().map((e) => e.type);
    expect(types.filter((type, i) => types.indexOf(type) !== i)).toEqual([]);
  });

  it('declares every event of the version-1 fixture under the family of its stream', () => {
    const { events } = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'events-v1.json'), 'utf8')) as { events: Array<{ streamName: string; type: string }> };
    const declared = new Set(eventCatalogue().map((e) => `${e.family}:${e.type}`));
    const undeclared = events.map((e) => `${e.streamName.split('-')[0]}:${e.type}`).filter((key) => !declared.has(key));
    expect(undeclared).toEqual([]);
    expect(events.length).toBeGreaterThan(40);
  });
});
