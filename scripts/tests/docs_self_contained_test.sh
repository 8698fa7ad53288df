#!/usr/bin/env bash
# The repository explains itself: no tracked file cites a document outside it (the design
# notes the project started from, another checkout's paths). A newcomer with only this clone
# must be able to follow every reference. Run from the repository root.
set -euo pipefail

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -type f -not -path './build/*' -not -path './.tools/*' \
    -not -path './var/*' -not -path './.git/*' -printf '%P\n')
fi

# A pattern per kind of outside reference; this file names them, so it is skipped.
patterns='\.\./shared/|DESIGN\.md|STYLE\.md|shared_notes|/work/'
found=0
for file in "${files[@]}"; do
  case "$file" in
    scripts/tests/docs_self_contained_test.sh | fuzz/corpus/*) continue ;;
  esac
  [[ -f "$file" ]] || continue
  if grep -nIE "$patterns" "$file" >/tmp/docs_self_contained.$$ 2>/dev/null; then
    sed "s|^|$file:|" /tmp/docs_self_contained.$$
    found=1
  fi
done
rm -f /tmp/docs_self_contained.$$
if ((found)); then
  echo "FAIL: the lines above cite files outside the repository; say it here instead" >&2
  exit 1
fi
echo "no tracked file cites a file outside the repository (${#files[@]} files read)"
