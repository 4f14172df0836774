/** The seedable PRNG: reproducible, seed-sensitive, in range, roughly uniform, independent forks. */
import { SeededRandom } from '../../../hosts/mocks/random';

const draw = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.next());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draw(new SeededRandom(7), 50)).toEqual(draw(new SeededRandom(7), 50));
    expect(draw(new SeededRandom(7), 50)).not.toEqual(draw(new SeededRandom(8), 50));
    expect(draw(new SeededRandom(0), 5)).not.toEqual(draw(new SeededRandom(1), 5)); // seed 0 is not degenerate
  });

  it('stays in [0, 1) and spreads evenly over ten bins', () => {
    const values = draw(new SeededRandom(123), 20000);
    const bins = new Array(10).fill(0);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      bins[Math.floor(v * 10)]++;
    }
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('integer() hits both bounds and nothing outside; between() and chance() respect their arguments', () => {
    const random = new SeededRandom(5);
    const ints = new Set(Array.from({ length: 500 }, () => random.integer(3, 6)));
    expect([...ints].sort()).toEqual([3, 4, 5, 6]);
    for (let i = 0; i < 200; i++) {
      const x = random.between(-2, 2);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(2);
    }
    expect(Array.from({ length: 100 }, () => random.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => random.chance(1)).every(Boolean)).toBe(true);
  });

  it('gaussian() has the requested spread', () => {
    const random = new SeededRandom(9);
    const values = Array.from({ length: 20000 }, () => random.gaussian(2));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
  });

  it('a fork is reproducible and does not replay its parent', () => {
    const parent = new SeededRandom(77);
    const fork = parent.fork();
    const again = new SeededRandom(77).fork();
    expect(draw(fork, 20)).toEqual(draw(again, 20));
    expect(draw(new SeededRandom(77).fork(), 20)).not.toEqual(draw(new SeededRandom(77), 20));
  });
});
