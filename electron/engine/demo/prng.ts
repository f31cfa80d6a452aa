/**
 * Seeded pseudo-random numbers for the demo bundle. Everything the generator draws comes from
 * here, so the same seed gives the same bundle byte for byte (no Math.random, no clock).
 */

/** FNV-1a over a label, used to give every part of the generator its own independent stream. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** One splitmix32 step: a well-mixed 32-bit value from any 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const HEX = '0123456789abcdef';

/** mulberry32 generator with the distributions the demo needs. */
export class Rng {
  private state: number;

  constructor(seed: number, label = '') {
    this.state = splitmix32((seed >>> 0) ^ hashLabel(label)) ^ splitmix32(Math.floor(seed / 0x100000000) >>> 0);
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 0x100000000;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal via Box–Muller (one value per call; keeps the stream simple to reason about). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.next(); // (0, 1], so log is finite
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Poisson for small means (Knuth). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks a key by weight; weights need not sum to 1. */
  weighted<T extends string>(table: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of table) total += w;
    let r = this.next() * total;
    for (const [value, w] of table) {
      r -= w;
      if (r < 0) return value;
    }
    const last = table[table.length - 1];
    if (!last) throw new Error('weighted pick from an empty table');
    return last[0];
  }

  /** Lower-case hex id of `chars` characters. */
  hex(chars: number): string {
    let out = '';
    while (out.length < chars) {
      let v = this.nextU32();
      for (let i = 0; i < 8 && out.length < chars; i++) {
        out += HEX[v & 15];
        v >>>= 4;
      }
    }
    return out;
  }
}
