// Bounded waits: every wait the tool does ends, by success, by its deadline or by the caller's AbortSignal.

/** Resolves with `promise`, or rejects with `onTimeout()` after `ms` milliseconds; the timer never outlives it. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
