#!/usr/bin/env bash
# Every C++ file of the repository is as clang-format (.clang-format) writes it, so a change is
# never mixed with someone else's re-formatting. `make format` fixes what this reports. Run from
# the repository root.
set -euo pipefail

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else
  mapfile -t files < <(find . \( -name '*.cpp' -o -name '*.hpp' \) -not -path './build/*' \
    -not -path './.tools/*' -not -path './var/*' -printf '%P\n')
fi
# One clang-format for all files; it names each file it would change in a warning line.
report=$(clang-format --dry-run "${files[@]}" 2>&1 || true)
mapfile -t unformatted < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: warning: code should be clang-formatted' <<<"$report" |
  cut -d: -f1 | sort -u)
if ((${#unformatted[@]})); then
  printf '%s\n' "${unformatted[@]}"
  echo "FAIL: ${#unformatted[@]} file(s) above are not clang-formatted; run: make format" >&2
  exit 1
fi
echo "ok: ${#files[@]} C++ files formatted"
