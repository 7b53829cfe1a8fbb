// The runs a `cancel` named while the orchestrator runs: a run in flight stops at its next step and records its own
// end, and a run not yet started sees the request before it starts.

/** The runs named by cancel requests (all of them, after a cancel without --runs). */
export class CancelRequests {
  private all = false;
  private readonly ids = new Set<string>();

  /** Adds a request: some runs, or every run when `ids` is empty. */
  add(ids: readonly string[]): void {
    if (ids.length === 0) this.all = true;
    for (const id of ids) this.ids.add(id);
  }

  /** Whether run `id` is to be cancelled. */
  has(id: string): boolean {
    return this.all || this.ids.has(id);
  }
}
