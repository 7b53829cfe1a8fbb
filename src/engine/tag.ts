// The tag that names a job in the scheduler (SLURM `--comment`): recorded in the journal before the job is
// submitted, so a job submitted just before a crash is found again and never submitted twice. One function builds
// every tag, so a run's job, the extra jobs of a `submit` task and the jobs of batch and process tasks never collide.

/** Whose job a tag names: one attempt of a run, or the tasks of a batch or of the ensemble (`process`). */
export interface TagOwner {
  /** The run id, the batch name, or `process`. */
  readonly name: string;
  /** For a run: the cycle of a repeating batch and the attempt. */
  readonly cycle?: number;
  readonly attempt?: number;
}

/** `model_ensemble:<ensemble>:<run>:c<cycle>:a<attempt>`, then `:x<n>` for the n-th extra job of its tasks. */
export function buildTag(ensembleId: string, owner: TagOwner, extra?: number): string {
  const attempt = owner.cycle !== undefined && owner.attempt !== undefined ? `:c${owner.cycle}:a${owner.attempt}` : '';
  return `model_ensemble:${ensembleId}:${owner.name}${attempt}${extra !== undefined ? `:x${extra}` : ''}`;
}
