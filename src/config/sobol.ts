// The Sobol low-discrepancy sequence in [0, 1)^d, for `sample: {method: sobol}`: 32-bit direction numbers made from
// Joe and Kuo's table (sobol-directions.ts), points in Gray-code order as Joe and Kuo's own program and SciPy's
// `qmc.Sobol(scramble=False)` give them: (0, 0), (0.5, 0.5), (0.75, 0.25), (0.25, 0.75), …
import { Prng } from './prng.js';
import { SOBOL_DIRECTIONS } from './sobol-directions.js';

const BITS = 32;

/** The most dimensions a Sobol sample may have: dimension 1 and one per row of the table. */
export const SOBOL_MAX_DIMENSIONS = SOBOL_DIRECTIONS.length + 1;

/** The 32 direction numbers V_1 … V_32 of dimension `dim` (0-based), as integers scaled by 2^32. */
function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s = 1, a = 0, ...m] = SOBOL_DIRECTIONS[dim - 1] ?? [];
  for (let k = 0; k < BITS; k++) {
    if (k < s) {
      v[k] = (m[k] ?? 1) * 2 ** (BITS - 1 - k);
      continue;
    }
    // Bratley and Fox's recurrence: V_k = V_{k-s} ^ (V_{k-s} >> s) ^ XOR of a's bits times V_{k-l}.
    let value = v[k - s]! ^ (v[k - s]! >>> s);
    for (let l = 1; l < s; l++) if ((a >>> (s - 1 - l)) & 1) value ^= v[k - l]!;
    v[k] = value >>> 0;
  }
  return v;
}

/** The position of the lowest zero bit of `i`: which direction number the Gray code flips after point i. */
function lowestZeroBit(i: number): number {
  let bit = 0;
  while (i % 2 === 1) {
    i = Math.floor(i / 2);
    bit++;
  }
  return bit;
}

/**
 * `n` points of the `dims`-dimensional Sobol sequence. Without a seed the sequence's first point (all zeros, on
 * the edge of every range) is skipped: point k is the sequence's point k + 1. With a seed every point is XORed with
 * one random 32-bit shift per dimension (a digital shift, drawn from Prng(seed) in dimension order), which keeps the
 * sequence's balance and leaves no point on an edge, and the sequence is taken from its first point.
 */
export function sobolPoints(dims: number, n: number, seed?: number): number[][] {
  if (dims > SOBOL_MAX_DIMENSIONS) throw new RangeError(`Sobol points have at most ${SOBOL_MAX_DIMENSIONS} dimensions`);
  const directions = Array.from({ length: dims }, (_, dim) => directionNumbers(dim));
  const prng = seed === undefined ? undefined : new Prng(seed);
  const shift = Array.from({ length: dims }, () => prng?.nextUint32() ?? 0);
  const x = new Uint32Array(dims);
  const skip = seed === undefined ? 1 : 0;
  const points: number[][] = [];
  for (let i = 0; i < n + skip; i++) {
    if (i >= skip) points.push(Array.from(x, (value, dim) => ((value ^ shift[dim]!) >>> 0) / 2 ** BITS));
    const bit = lowestZeroBit(i);
    if (bit >= BITS) throw new RangeError(`Sobol points number at most 2^${BITS}`);
    for (let dim = 0; dim < dims; dim++) x[dim] = (x[dim]! ^ directions[dim]![bit]!) >>> 0;
  }
  return points;
}
