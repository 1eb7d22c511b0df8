import { ContextDefinition } from '@shecun/projections';
import { RegionsModule } from './regions.module';

/** Guangdong's divisions (reference data in the code): no streams, no tables. */
export const regionsContext: ContextDefinition = {
  name: 'regions',
  streams: {},
  events: {},
  embedded: { module: () => RegionsModule, entities: [] },
  distributed: { gateway: () => [RegionsModule] },
};
