#!/bin/bash
# The floor of the scheduler-load scenario: a bare loop of sbatch plus one squeue poll per interval, keeping at
# most MAXJOBS jobs queued or running, until every job has left the queue. No journal, no wrapper, no exit codes:
# the least any tool must do to run these jobs with this limit and this poll interval.
# Usage: slurm-loop.sh <run-dir-base> <runs> <maxjobs> <interval-seconds>; run directories are <base>/r-<i>.
set -euo pipefail
base=$1 runs=$2 maxjobs=$3 interval=$4
name="floor-$$-$RANDOM"
submitted=0
while :; do
  inflight=$(squeue --me -h --name="$name" -t PD,CF,R,CG -o %i | wc -l)
  while [ "$submitted" -lt "$runs" ] && [ "$inflight" -lt "$maxjobs" ]; do
    (cd "$base/r-$submitted" && sbatch -Q --job-name="$name" job.sh)
    submitted=$((submitted + 1))
    inflight=$((inflight + 1))
  done
  if [ "$submitted" -ge "$runs" ] && [ "$inflight" -eq 0 ]; then break; fi
  sleep "$interval"
done
