/** The `quickselect` package (Floyd–Rivest selection), which ships no types. */
declare module 'quickselect' {
  /**
   * Rearranges `values[left…right]` so that the k-th smallest is at index k, everything before it
   * no greater and everything after it no smaller.
   */
  export default function quickselect<T>(values: { [index: number]: T; length: number }, k: number, left?: number, right?: number, compare?: (a: T, b: T) => number): void;
}
