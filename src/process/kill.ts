// Stopping a process and everything it started: every process the tool starts leads a process group (a session
// of its own), so one signal to the group reaches its children too.

/** Sends a signal to a process group, ignoring a group that is already gone. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  // -0 would be this process's own group.
  if (!(pid > 0)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone: nothing to stop.
  }
}

/** Sends SIGTERM to the group now and SIGKILL after `graceMs`; returns what cancels the SIGKILL (call it at exit). */
export function stopGroup(pid: number, graceMs: number): () => void {
  killGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  timer.unref();
  return () => clearTimeout(timer);
}
