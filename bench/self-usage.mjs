// Loaded into the process under test with `node --import`: when it exits, it writes its own CPU time and peak
// resident memory to the file named by MODEL_ENSEMBLE_BENCH_USAGE. getrusage(RUSAGE_SELF) counts every thread of
// this process (event loop, libuv pool, GC) and none of its children, which is the orchestrator's own cost.
import fs from 'node:fs';

const out = process.env.MODEL_ENSEMBLE_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const record = { userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS, startMs: performance.timeOrigin };
    fs.writeFileSync(out, `${JSON.stringify(record)}\n`);
  });
}
