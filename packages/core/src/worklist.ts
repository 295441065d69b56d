/**
 * A growable stack of 32-bit integers on a typed array: the mark stack, the cascade worklist and the
 * oracle's traversal stack. No allocation per push; the array doubles when full.
 */
export class Worklist {
  /** The backing array; entries `[0, length)` are live. */
  items: Int32Array;
  /** Number of entries on the stack. */
  length = 0;

  constructor(capacity = 1024) {
    this.items = new Int32Array(Math.max(16, capacity));
  }

  /** Pushes one value. */
  push(value: number): void {
    if (this.length === this.items.length) this.grow(this.length + 1);
    this.items[this.length++] = value;
  }

  /** Pops the top value; the stack must not be empty. */
  pop(): number {
    return this.items[--this.length]!;
  }

  /** Makes room for `extra` more entries without growing during the next `extra` pushes. */
  reserve(extra: number): void {
    if (this.length + extra > this.items.length) this.grow(this.length + extra);
  }

  /** Empties the stack. */
  clear(): void {
    this.length = 0;
  }

  private grow(min: number): void {
    let size = this.items.length * 2;
    while (size < min) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.items.subarray(0, this.length));
    this.items = grown;
  }
}
