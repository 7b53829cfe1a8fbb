import { expect } from 'chai';
import { SOBOL_MAX_DIMENSIONS, sobolPoints } from '../../../src/config/sobol.js';

// The first points of the sequence as Joe and Kuo's program prints them for new-joe-kuo-6.21201 (N = 10, D = 3,
// https://web.maths.unsw.edu.au/~fkuo/sobol/), which SciPy's qmc.Sobol(3, scramble=False) gives too.
const JOE_KUO_3D = [
  [0, 0, 0],
  [0.5, 0.5, 0.5],
  [0.75, 0.25, 0.25],
  [0.25, 0.75, 0.75],
  [0.375, 0.375, 0.625],
  [0.875, 0.875, 0.125],
  [0.625, 0.125, 0.875],
  [0.125, 0.625, 0.375],
  [0.1875, 0.3125, 0.9375],
  [0.6875, 0.8125, 0.4375],
];

describe('config/sobol', () => {
  it('gives the published first points in two and three dimensions, skipping the first point (all zeros)', () => {
    expect(sobolPoints(3, 9)).to.deep.equal(JOE_KUO_3D.slice(1));
    expect(sobolPoints(2, 9)).to.deep.equal(JOE_KUO_3D.slice(1).map((point) => point.slice(0, 2)));
  });

  it('has direction numbers for 64 dimensions, agreeing with SciPy at dimensions 20, 21, 40 and 64', () => {
    expect(SOBOL_MAX_DIMENSIONS).to.equal(64);
    const points = sobolPoints(64, 1023);
    // SciPy 1.17: qmc.Sobol(64, scramble=False).random(1024)[i][[19, 20, 39, 63]] (point i is ours i - 1).
    const pick = (i: number): number[] => [19, 20, 39, 63].map((dim) => points[i - 1]![dim]!);
    expect(pick(1)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    expect(pick(3)).to.deep.equal([0.75, 0.75, 0.75, 0.25]);
    expect(pick(100)).to.deep.equal([0.3359375, 0.7578125, 0.1328125, 0.6484375]);
    expect(pick(1023)).to.deep.equal([0.3193359375, 0.8662109375, 0.6982421875, 0.0400390625]);
  });

  it('puts one of the first 2^k points into each interval of width 2^-k in every dimension, with or without a seed', () => {
    for (const seed of [undefined, 7]) {
      // Without a seed the net starts at the skipped point 0, so 2^k - 1 points fill all intervals but the first.
      const points = seed === undefined ? [[0, 0, 0, 0, 0], ...sobolPoints(5, 255)] : sobolPoints(5, 256, seed);
      for (let dim = 0; dim < 5; dim++) {
        const cells = new Set(points.map((point) => Math.floor(point[dim]! * 256)));
        expect(cells.size, `dimension ${dim + 1}, seed ${seed}`).to.equal(256);
      }
    }
  });

  it('shifts every point by the seed alone: the same seed gives the same points, another seed other points', () => {
    expect(sobolPoints(3, 16, 7)).to.deep.equal(sobolPoints(3, 16, 7));
    expect(sobolPoints(3, 16, 7)).to.not.deep.equal(sobolPoints(3, 16, 8));
    expect(sobolPoints(3, 16, 7).every((point) => point.every((x) => x > 0 && x < 1))).to.equal(true);
  });

  it('refuses more dimensions than its table has', () => {
    expect(() => sobolPoints(65, 1)).to.throw(RangeError, /at most 64 dimensions/);
  });
});
