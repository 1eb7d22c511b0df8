export * from './scoring';
export * from './matching.projection';
export * from './matching.index';
export * from './team-suggestion';
export * from './matching.dto';
export * from './matching.service';
export * from './matching.controller';
export * from './matching.module';
