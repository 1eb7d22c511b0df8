import { currentSchemaVersion } from '@shecun/event-store';
import { ContextDefinition } from '@shecun/projections';
import { CONTEXTS } from './contexts';

/** Every event type each context publishes, by stream family, with its topic and current schema version. */
export function eventCatalogue(contexts: readonly ContextDefinition[] = CONTEXTS) {
  return contexts.flatMap((context) =>
    Object.entries(context.events).flatMap(([family, types]) =>
      types.map((type) => ({ context: context.name, family, topic: context.streams[family], type, version: currentSchemaVersion(type) })),
    ),
  );
}

/** The event catalogue as a page (docs/events.md), written by `npm run events:catalogue`. */
export function eventCatalogueMarkdown(contexts: readonly ContextDefinition[] = CONTEXTS): string {
  const lines = [
    '# Event catalogue',
    '',
    'The events each context publishes: its stream families (the stream name up to its first `-`),',
    'the Kafka topic they go to (prefixed by `TOPIC_PREFIX`), and each type with its current schema',
    'version. Older versions are upcast on reading (`defineEventVersions` in libs/event-store); other',
    'contexts read these events into their own read models. Generated from each context\'s',
    '`libs/<context>/src/context.ts` by `npm run events:catalogue`; `test/e2e/event-catalogue.spec.ts`',
    'fails when this page is stale.',
  ];
  let heading: string | undefined;
  for (const e of eventCatalogue(contexts)) {
    if (e.context !== heading) lines.push('', `## ${(heading = e.context)}`, '', '| Stream family | Topic | Event type | Version |', '|---|---|---|---|');
    lines.push(`| \`${e.family}-…\` | \`${e.topic}\` | \`${e.type}\` | ${e.version} |`);
  }
  return `${lines.join('\n')}\n`;
}
