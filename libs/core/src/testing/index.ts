/** Test helpers for deciders. Imports jest's `expect`: keep out of the runtime barrel `@shecun/core`. */
export * from './given-when-then';
