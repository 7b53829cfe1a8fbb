#!/bin/bash
# One run of the local-overhead scenario done by hand, as model_ensemble does it: copy the template directory,
# render the two templates (sed stands in for the template engine), then pre_run, the job and post_run, each the
# same command the configuration gives. xargs -P16 and GNU parallel -j16 run this once per run index: the floor.
# Environment: FLOOR_TEMPLATE (template directory), FLOOR_BASE (where run directories go), FLOOR_PRE, FLOOR_POST.
set -e
i=$1
dir="$FLOOR_BASE/b-$i"
cp -a "$FLOOR_TEMPLATE" "$dir"
cd "$dir"
sed -e "s/{{ run.id }}/b-$i/g" -e "s/{{ run.value }}/$i/g" -e "s/{{ run.greeting }}/hello/g" job.sh.j2 > job.sh
sed -e "s/{{ run.id }}/b-$i/g" -e "s/{{ run.value }}/$i/g" -e "s/{{ run.greeting }}/hello/g" params.txt.j2 > params.txt
bash -c "$FLOOR_PRE"
bash job.sh
bash -c "$FLOOR_POST"
