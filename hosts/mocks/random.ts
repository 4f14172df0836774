/**
 * Seedable pseudo-random source for the simulators. Same seed, same sequence, on Node and XS:
 * nothing in the mocks may call Math.random, so every simulated run can be replayed.
 * Generator: SplitMix32-seeded sfc32 (small, fast, passes common statistical batteries).
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

export class SeededRandom implements RandomSource {
  // Number-initialised: V8 gives a field first left undefined a new heap box at every write.
  #a = 0;
  #b = 0;
  #c = 0;
  #counter = 0;

  constructor(seed: number) {
    // SplitMix32 spreads any integer seed (0 included) over the three state words.
    let state = seed >>> 0;
    const mix = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#counter = 1;
    for (let i = 0; i < 12; i++) this.#nextUint32();
  }

  next(): number {
    return this.#nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] inclusive. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Normally distributed (Box–Muller), mean 0 and the given standard deviation. */
  gaussian(standardDeviation = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return standardDeviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An independent generator derived from this one, so sub-systems do not shift each other's draws. */
  fork(): SeededRandom {
    return new SeededRandom(this.#nextUint32());
  }

  #nextUint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#counter) >>> 0;
    this.#counter = (this.#counter + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }
}
