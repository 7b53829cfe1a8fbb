// The points of `sample: {method, n, seed, space}`: n points in the box the space gives, one run each. Every draw
// comes from Prng(seed) (prng.ts) in an order fixed here, so the same configuration gives the same points on every
// machine and every start; values are PyFloat.
import { Prng } from './prng.js';
import { sobolPoints } from './sobol.js';
import { PyFloat } from './values.js';

/** A sample as validated: its method, size, seed and the dimensions with their [low, high]. */
export interface SampleSpec {
  readonly method: 'random' | 'lhs' | 'sobol';
  readonly n: number;
  readonly seed?: number;
  readonly space: Readonly<Record<string, readonly [number, number]>>;
}

/** Points in [0, 1)^dims drawn uniformly: point by point, dimension by dimension in space order. */
function randomUnitPoints(dims: number, n: number, prng: Prng): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => prng.nextDouble()));
}

/**
 * A Latin hypercube in [0, 1)^dims: in every dimension each of the n strata [k/n, (k+1)/n) holds exactly one point.
 * For each dimension in space order: a Fisher–Yates shuffle of the strata (i from n − 1 down to 1 swaps i with
 * nextBelow(i + 1)), then one uniform draw per point for its place inside its stratum.
 */
function latinHypercubeUnitPoints(dims: number, n: number, prng: Prng): number[][] {
  const points = Array.from({ length: n }, () => new Array<number>(dims).fill(0));
  for (let dim = 0; dim < dims; dim++) {
    const strata = Array.from({ length: n }, (_, k) => k);
    for (let i = n - 1; i > 0; i--) {
      const j = prng.nextBelow(i + 1);
      [strata[i], strata[j]] = [strata[j]!, strata[i]!];
    }
    for (let i = 0; i < n; i++) points[i]![dim] = (strata[i]! + prng.nextDouble()) / n;
  }
  return points;
}

/** The sample's points in [0, 1)^dims, before scaling. */
export function drawUnitPoints(spec: SampleSpec): number[][] {
  const dims = Object.keys(spec.space).length;
  if (spec.method === 'sobol') return sobolPoints(dims, spec.n, spec.seed);
  const prng = new Prng(spec.seed ?? 0);
  return spec.method === 'lhs' ? latinHypercubeUnitPoints(dims, spec.n, prng) : randomUnitPoints(dims, spec.n, prng);
}

/** The sample's points scaled to each dimension's [low, high] (low + u · (high − low)), as key–value pairs per point. */
export function drawSample(spec: SampleSpec): [string, PyFloat][][] {
  const bounds = Object.entries(spec.space);
  return drawUnitPoints(spec).map((point) =>
    bounds.map(([key, [low, high]], dim) => [key, new PyFloat(low + point[dim]! * (high - low))]),
  );
}
