// Awaiting a promise that must fail, and getting its error back typed.
import { expect } from 'chai';

/** Awaits `promise`, which must reject with an instance of `type`; returns that error. */
export async function rejectionOf<T>(promise: Promise<unknown>, type: new (...args: never[]) => T, what = 'a rejection'): Promise<T> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error(`expected ${what}`);
}
