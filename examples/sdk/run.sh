#!/usr/bin/env bash
# Checks `iktag sandbox` against the official ImageKit SDKs, unmodified:
#   npm  @imagekit/nodejs  (examples/sdk/check.mjs)
#   PyPI imagekitio        (examples/sdk/check.py)
#
# Usage: examples/sdk/run.sh [node] [python]     (both by default)
#
# Installs each SDK into a throwaway directory, starts a fresh sandbox seeded with
# tests/fixtures/small-library.json for each script (the scripts delete files), exports
# the IMAGE_KIT_BASE_URL and IMAGEKIT_PRIVATE_KEY it prints, runs the script and stops the
# sandbox. Exits non-zero if any script fails.
#
# Needs node + npm (for node), python3 with venv (for python), access to the npm registry
# and PyPI, and cargo unless IKTAG_BIN names a built iktag binary. A check whose tools are
# missing is skipped with a "SKIP" line; when every requested check is skipped the script
# exits 77 (nothing was checked). A failed install or check exits 1.
# Environment: NODE_SDK_VERSION (7.11.0), PY_SDK_VERSION (5.11.0), PYTHON (python3),
# IKTAG_BIN (use this binary instead of `cargo build --release`; `cargo test --test
# sdk_compat -- --ignored` passes its own), KEEP_SDK_DIR=1 keeps the temporary directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixture="tests/fixtures/small-library.json"
node_sdk_version="${NODE_SDK_VERSION:-7.11.0}"
py_sdk_version="${PY_SDK_VERSION:-5.11.0}"
python="${PYTHON:-python3}"
# Extra headers from the environment would change every SDK request (e.g. Authorization).
unset IMAGE_KIT_CUSTOM_HEADERS

if [[ $# -eq 0 ]]; then
  set -- node python
fi
for which in "$@"; do
  case "$which" in
    node | python) ;;
    *)
      echo "usage: $0 [node] [python]" >&2
      exit 2
      ;;
  esac
done

# Skips the checks whose tools are missing, saying which and why.
present=()
for which in "$@"; do
  case "$which" in
    node)
      if command -v node >/dev/null && command -v npm >/dev/null; then
        present+=(node)
      else
        echo "SKIP node: node and npm are needed for the @imagekit/nodejs check" >&2
      fi
      ;;
    python)
      if command -v "$python" >/dev/null && "$python" -m venv --help >/dev/null 2>&1; then
        present+=(python)
      else
        echo "SKIP python: $python with the venv module is needed for the imagekitio check" >&2
      fi
      ;;
  esac
done
if [[ ${#present[@]} -eq 0 ]]; then
  echo "SKIP: no SDK check can run here (nothing was checked)" >&2
  exit 77
fi
set -- "${present[@]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/iktag-sdk.XXXXXX")"
sandbox_pid=""

log() { printf '== %s\n' "$*" >&2; }

stop_sandbox() {
  if [[ -n "$sandbox_pid" ]]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=""
  fi
}

cleanup() {
  stop_sandbox
  if [[ "${KEEP_SDK_DIR:-0}" == 1 ]]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts a fresh in-memory sandbox and exports the two variables it prints.
start_sandbox() {
  local out="$work/sandbox.out" err="$work/sandbox.err"
  : >"$out"
  : >"$err"
  (
    cd "$root"
    # Unset, so the sandbox generates a key and prints it; never send a real key anywhere.
    unset IMAGEKIT_PRIVATE_KEY IMAGE_KIT_BASE_URL
    if [[ -n "${IKTAG_BIN:-}" ]]; then
      exec "$IKTAG_BIN" sandbox --seed "$fixture"
    fi
    exec cargo run --release --quiet -- sandbox --seed "$fixture"
  ) >"$out" 2>"$err" &
  sandbox_pid=$!

  # cargo may still have to compile if the sources changed since the build step.
  local tries=0
  until grep -q '^IMAGE_KIT_BASE_URL=' "$out"; do
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
      wait "$sandbox_pid" 2>/dev/null || true
      sandbox_pid=""
      log "the sandbox exited before it was ready; its stderr:"
      cat "$err" >&2
      return 1
    fi
    tries=$((tries + 1))
    if [[ $tries -gt 1500 ]]; then # 5 minutes
      log "the sandbox did not print IMAGE_KIT_BASE_URL within 5 minutes; its stderr:"
      cat "$err" >&2
      return 1
    fi
    sleep 0.2
  done

  local base key
  base="$(sed -n 's/^IMAGE_KIT_BASE_URL=//p' "$out" | head -n 1)"
  key="$(sed -n 's/^IMAGEKIT_PRIVATE_KEY=//p' "$out" | head -n 1)"
  if [[ -z "$base" || -z "$key" ]]; then
    log "unexpected sandbox output:"
    cat "$out" >&2
    return 1
  fi
  export IMAGE_KIT_BASE_URL="$base" IMAGEKIT_PRIVATE_KEY="$key"
  log "sandbox up at $IMAGE_KIT_BASE_URL (pid $sandbox_pid)"
}

install_node() {
  log "installing @imagekit/nodejs@$node_sdk_version"
  mkdir -p "$work/node"
  (cd "$work/node" && npm install --no-audit --no-fund --loglevel=error "@imagekit/nodejs@$node_sdk_version" >&2)
  # ES modules resolve packages next to the script, so the script runs from here.
  cp "$here/check.mjs" "$work/node/check.mjs"
}

install_python() {
  log "installing imagekitio==$py_sdk_version"
  "$python" -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "imagekitio==$py_sdk_version" >&2
}

run_node() { (cd "$work/node" && node check.mjs); }
run_python() { "$work/venv/bin/python" "$here/check.py"; }

if [[ -z "${IKTAG_BIN:-}" ]]; then
  log "building the sandbox"
  (cd "$root" && cargo build --release)
fi

failed=()
for which in "$@"; do
  "install_$which"
done
for which in "$@"; do
  start_sandbox
  log "running the $which check"
  if "run_$which"; then
    log "$which: ok"
  else
    log "$which: FAILED (sandbox log: see below)"
    failed+=("$which")
    tail -n 50 "$work/sandbox.err" >&2 || true
  fi
  stop_sandbox
done

if [[ ${#failed[@]} -gt 0 ]]; then
  log "failed: ${failed[*]}"
  exit 1
fi
log "all SDK checks passed: $*"
