/** The tools of the index's scans over typed arrays: keeping the best k, division codes as numbers (columns grow by `grow` of @shecun/core). */
import { chinaDate } from '@shecun/core';
import { CATEGORIES } from '@shecun/categories';
import { categoryBit } from './scoring';

/** The base points of an organization that is not ranked. */
export const NOT_RANKED = -1;
/** Each category's bit, by bit number, and the category of each bit. */
export const CATEGORY_BITS = CATEGORIES.map(categoryBit);
export const CATEGORY_OF_BIT = new Map(CATEGORIES.map((c) => [categoryBit(c), c]));
export const today = (now: number) => chinaDate(now);
export const codeNumber = (code: string, length: number) => (code.length >= length ? Number(code.slice(0, length)) : -1);
export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Keeps the k best by value; ties keep the earlier index (stable). */
export class TopK {
  readonly items: Array<{ index: number; value: number }> = [];
  constructor(private readonly k: number) {}
  get threshold(): number {
    return this.items.length < this.k ? -Infinity : this.items[this.items.length - 1].value;
  }
  offer(index: number, value: number): void {
    if (this.k <= 0 || value <= this.threshold) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].value < value) i--;
    this.items.splice(i, 0, { index, value });
    if (this.items.length > this.k) this.items.pop();
  }
}

