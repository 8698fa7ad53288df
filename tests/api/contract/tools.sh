# Sourced by the contract tests: puts the pinned npm tools that scripts/install-deps put in
# .tools/ first on PATH, or fails (a missing tool fails the test, never skips it).
# Usage: omega_contract_tools ROOT
omega_contract_tools() {
  local root=$1 tool
  export PATH="$root/.tools/bin:$root/.tools/npm/node_modules/.bin:$PATH"
  # No telemetry or update checks from redocly: tests use no network.
  export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
  for tool in node redocly openapi-typescript tsc; do
    if ! command -v "$tool" >/dev/null 2>&1 || [[ $(command -v "$tool") != "$root/.tools/"* ]]; then
      echo "FAIL: $tool is not installed in $root/.tools: run scripts/install-deps" >&2
      return 1
    fi
  done
  if ! cmp -s "$root/tests/api/contract/package-lock.json" "$root/.tools/npm/installed-lock.json"; then
    echo "FAIL: .tools/npm is not tests/api/contract/package-lock.json: run scripts/install-deps" >&2
    return 1
  fi
}
