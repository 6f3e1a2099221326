/** A Fenwick (binary indexed) tree of counts: point updates and prefix sums in O(log n). */
export class Fenwick {
  private tree: number[] = [0];

  add(index: number, delta: number): void {
    while (this.tree.length <= index + 1) this.grow();
    for (let i = index + 1; i < this.tree.length; i += i & -i) this.tree[i] = (this.tree[i] ?? 0) + delta;
  }

  /** Sum of positions 0..index inclusive. */
  prefix(index: number): number {
    let sum = 0;
    for (let i = Math.min(index + 1, this.tree.length - 1); i > 0; i -= i & -i) sum += this.tree[i] ?? 0;
    return sum;
  }

  total(): number {
    return this.prefix(this.tree.length - 2);
  }

  /** Doubles the capacity, keeping the sums (a tree of size 2n rebuilt from the old prefix sums). */
  private grow(): void {
    const n = this.tree.length - 1;
    const size = Math.max(16, n * 2);
    const values = new Array<number>(size).fill(0);
    for (let i = 0; i < n; i++) values[i] = this.prefix(i) - (i > 0 ? this.prefix(i - 1) : 0);
    this.tree = new Array<number>(size + 1).fill(0);
    values.forEach((v, i) => {
      if (v !== 0) for (let j = i + 1; j <= size; j += j & -j) this.tree[j] = (this.tree[j] ?? 0) + v;
    });
  }
}
