/** Shared with the benchmarks (bench/ is compiled, test/ is not). */
export * from '../../bench/support/distributed-identity';
