// The pseudo-random numbers behind `sample`: a small generator defined here bit for bit, so the same `seed` gives the
// same points on every machine, every Node version and every start (Math.random is neither seedable nor specified).
// xoshiro128** 1.1 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), its 128-bit state filled by
// two outputs of SplitMix64 (https://prng.di.unimi.it/splitmix64.c) started at the seed, as its authors advise.

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 from `seed`: the next `count` outputs, as 64-bit unsigned integers. */
function splitMix64(seed: bigint, count: number): bigint[] {
  let x = seed & MASK64;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A seeded xoshiro128** generator. */
export class Prng {
  readonly #s: Uint32Array;

  /** Seeds the state from `seed` (a non-negative integer up to 2^53 − 1): s0, s1 = low, high word of SplitMix64's first output; s2, s3 of its second. */
  constructor(seed: number) {
    const [a = 0n, b = 0n] = splitMix64(BigInt(seed), 2);
    this.#s = Uint32Array.of(Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n));
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A double uniform in [0, 1) from two outputs: their top 27 and 26 bits as 53 bits (MT19937's genrand_res53). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer uniform in [0, bound), bound ≤ 2^32: floor(nextDouble() · bound). */
  nextBelow(bound: number): number {
    return Math.floor(this.nextDouble() * bound);
  }
}
