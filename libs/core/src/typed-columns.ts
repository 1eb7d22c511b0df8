/**
 * In-memory columns of numbers (one typed array per field, one slot per row), as the matching
 * scan and the dashboard's index keep them: the array itself when it is long enough, else a copy
 * at least `size` long (doubling, at least 1024).
 */
export function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2, 1024));
  bigger.set(array);
  return bigger;
}
