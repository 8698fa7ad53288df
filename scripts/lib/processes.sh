# shellcheck shell=bash
# Watching a benchmark's processes through /proc (scripts/bench.d/*). Source this file, then:
#   alive PID       true while PID runs (false once it exited: a zombie waiting to be
#                   reaped is not alive, though kill -0 succeeds on it)
#   cpu_ticks PID   its user + system CPU time so far, in clock ticks (0 once it is gone)
alive() {
  local state
  state=$(grep -m1 '^State:' "/proc/$1/status" 2>/dev/null) && [[ $state != *$'\t'Z* ]]
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
