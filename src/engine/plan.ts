// What every batch needs before any run starts: its templates compiled once and its template directory read
// once. Done for all batches up front, so a template with a syntax error stops the ensemble before anything is
// written.
import type { Batch, Ensemble } from '../config/types.js';
import { compileTemplates, type CompiledTemplates } from '../template/render.js';
import { scanTemplateTree, type TemplateTree } from '../template/copy.js';
import { withRenderTargets } from '../template/targets.js';

/** A batch ready to run. */
export interface BatchPlan {
  readonly batch: Batch;
  readonly compiled: CompiledTemplates;
  readonly tree: TemplateTree;
}

/** Compiles every batch's templates and reads its template directory. */
export async function planEnsemble(ensemble: Ensemble): Promise<BatchPlan[]> {
  return Promise.all(
    ensemble.batches.map(async (batch) => ({
      batch,
      compiled: await compileTemplates(batch.templatedir, batch.templates),
      // A link where a template's output goes is replaced by the rendered file, never written through.
      tree: withRenderTargets(await scanTemplateTree(batch.templatedir, { exclude: batch.templates }), batch.templates),
    })),
  );
}
