#!/bin/bash
# Runs before each job: the rendered input must be there.
echo "preparing $(basename "$PWD")"
test -f input.txt
