#!/bin/bash
# Runs a command in its own scheduling group at top priority, so that a
# benchmark gets the CPU time it would have on an idle machine as far as the
# scheduler can give it; the other work still shares caches, memory and disk
# (docs/BENCHMARKS.md, "Noise"). Needs root; otherwise it says so and runs
# the command as it is.
#   scripts/prio.sh go run ./scripts/searchbench -n 100000
if ! { echo -20 > /proc/self/autogroup; } 2>/dev/null; then
  echo "prio.sh: cannot raise the scheduling group's priority (not root?); running at normal priority" >&2
  exec "$@"
fi
exec nice -n -20 "$@"
