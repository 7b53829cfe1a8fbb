// What a scenario reports: its figures (one value per repetition), the targets they are held to, and the exact
// commands that produced them, so anyone can run them again by hand.

/** One measured quantity, one value per repetition. */
export interface Figure {
  readonly label: string;
  readonly values: readonly number[];
  readonly unit: string;
  /** Decimals to print. */
  readonly digits: number;
}

/** A target from the issue, checked against the median of a figure. */
export interface Target {
  readonly label: string;
  readonly measured: number;
  /** `<=`: at most the limit; `=`: exactly it. */
  readonly op: '<=' | '=';
  readonly limit: number;
  readonly unit: string;
  readonly digits: number;
}

/** Whether a target is met. */
export function isMet(target: Target): boolean {
  return target.op === '=' ? target.measured === target.limit : target.measured <= target.limit;
}

/** A scenario's outcome. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  /** The size and settings: `1,000 runs, maxruns 16, 5 repetitions`. */
  readonly size: string;
  readonly commands: readonly string[];
  readonly figures: readonly Figure[];
  readonly targets: readonly Target[];
  /** Set when the scenario could not run here (no SLURM): why. Not a failure. */
  readonly skipped?: string;
  readonly notes: readonly string[];
}

/** How the whole benchmark was asked to run. */
export interface BenchOptions {
  /** Small sizes, one repetition, no target judged: proves every scenario still runs. */
  readonly quick: boolean;
  /** Repetitions of each measured command (interleaved with its floor). */
  readonly reps: number;
  /** Where generated files go (git-ignored). */
  readonly work: string;
  /** The repository root. */
  readonly root: string;
}
