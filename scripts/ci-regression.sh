#!/usr/bin/env bash
# Did this change make poolbench's numbers worse? Builds BASE_REF in a temporary git worktree
# and the working tree as it is, runs the two in interleaved rounds on this machine (base, new,
# base, new, … so that the machine's drift cancels in each pair), compares the rounds in pairs
# with `poolbench compare --rounds`, writes the Markdown summary and exits with compare's code:
# 0 nothing regressed, 1 something did, 2 bad input.
#
#   scripts/ci-regression.sh origin/main                  # 6 rounds of --preset ci (~70 s of runs)
#   ROUNDS=8 scripts/ci-regression.sh HEAD~1              # more rounds: a narrower interval
#   PLAN="--preset quick" scripts/ci-regression.sh main   # another plan (both sides run it)
#   NEW_ARGS="--set sum.slowdown=0.1" scripts/ci-regression.sh HEAD   # a known 10 % slowdown
#   OUT=/tmp/ci scripts/ci-regression.sh main             # where runs go (default reports/ci-regression)
#
# The Markdown summary is written to $OUT/summary.md and appended to $GITHUB_STEP_SUMMARY when
# that is set; $OUT/junit.xml has each cell as a test case (the last round's pair compared).
# When BASE_REF is the commit the working tree is at and the tree is clean, one build serves
# both sides (an A/A comparison). The base must know the plan: `--preset ci` exists from the
# commit that added this script on; for older bases, give PLAN as flags.
#
# Builds are reused: each base commit's binary is kept in $CI_CACHE (default
# ~/.cache/poolbench-ci), base builds share one target folder there and the working tree's
# build another, so a second PR against the same base builds only what the PR changed, and a
# new base rebuilds only poolbench's own crates.
# Cache that folder in CI (docs/github-workflow.yml does). The temporary worktree and files
# are removed on any exit, Ctrl-C and SIGTERM included.
set -euo pipefail
cd "$(dirname "$0")/.."
if (( $# != 1 )); then
    echo "usage: scripts/ci-regression.sh BASE_REF   (see the comments at the top)" >&2
    exit 2
fi
base_ref="$1"
rounds="${ROUNDS:-6}"
out="${OUT:-reports/ci-regression}"
read -r -a plan <<< "${PLAN:---preset ci}"
read -r -a new_args <<< "${NEW_ARGS:-}"
if ! [[ $rounds =~ ^[0-9]+$ ]] || (( rounds < 1 )); then
    echo "ci-regression.sh: ROUNDS must be a positive number, not '$rounds'" >&2
    exit 2
fi
if (( rounds < 3 )); then
    echo "ci-regression.sh: note: with $rounds rounds (< 3) no cell is called on its times" >&2
fi
base_commit="$(git rev-parse --verify --quiet "$base_ref^{commit}")" || {
    echo "ci-regression.sh: '$base_ref' is not a commit here" >&2
    exit 2
}

cache="${CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/poolbench-ci}"
cargo_cmd="${POOLBENCH_CI_CARGO:-cargo}"
# Both sides are built with every loop aligned to 64 bytes. Without it, a change anywhere moves
# the hot loop of a workload to another address, and there it can run at another speed:
# `sum`'s loop, byte for byte the same in two builds, ran 2x slower in one; built so, the two
# ran alike (docs/ci-regression.md). CI_RUSTFLAGS= (empty) builds as cargo does.
rustflags="${CI_RUSTFLAGS--Cllvm-args=-align-loops=64}"
flavour="$(printf '%s' "$rustflags" | cksum | cut -d' ' -f1)"
bins="$cache/bin/$flavour"
tmp=""
worktree=""
cleanup() {
    if [[ -n $worktree ]]; then
        git worktree remove --force "$worktree" > /dev/null 2>&1 || true
        git worktree prune > /dev/null 2>&1 || true
    fi
    if [[ -n $tmp ]]; then
        rm -rf "$tmp"
    fi
}
# Long steps run in the background and are waited for, so that a signal is handled at once
# (bash runs a trap only after a foreground command ends), and the step is stopped with it.
child=""
in_background() {
    "$@" &
    child=$!
    wait "$child"
    child=""
}
stop() {
    if [[ -n $child ]]; then
        kill -TERM "$child" 2> /dev/null || true
        wait "$child" 2> /dev/null || true
    fi
    echo "ci-regression.sh: $1; removed its worktree and temporary files" >&2
    exit "$2"
}
trap cleanup EXIT
trap 'stop interrupted 130' INT
trap 'stop terminated 143' TERM

echo "== building the working tree" >&2
# The working tree's build has a target folder of its own in the cache, so that the flags
# above do not make the usual `target/` rebuild from scratch (and back again).
in_background env RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$cache/new-target/$flavour" \
    "$cargo_cmd" build --release --quiet
new_bin="$cache/new-target/$flavour/release/poolbench"

if [[ $base_commit == "$(git rev-parse HEAD)" && -z "$(git status --porcelain --untracked-files=no)" ]]; then
    echo "== base $base_ref is the working tree: one build for both sides" >&2
    base_bin="$new_bin"
elif [[ -x $bins/poolbench-$base_commit ]]; then
    echo "== base $base_ref (${base_commit:0:10}): built before, $bins" >&2
    base_bin="$bins/poolbench-$base_commit"
else
    mkdir -p "$bins"
    tmp="$(mktemp -d)"
    worktree="$tmp/base"
    echo "== building $base_ref (${base_commit:0:10}) in a temporary worktree" >&2
    git worktree add --detach --quiet "$worktree" "$base_commit"
    # Base builds share one target folder in the cache (the dependencies are built once), apart
    # from the working tree's: the two builds must not overwrite each other.
    in_background env -C "$worktree" RUSTFLAGS="$rustflags" \
        CARGO_TARGET_DIR="$cache/base-target/$flavour" "$cargo_cmd" build --release --quiet
    cp "$cache/base-target/$flavour/release/poolbench" "$tmp/poolbench"
    mv "$tmp/poolbench" "$bins/poolbench-$base_commit"
    base_bin="$bins/poolbench-$base_commit"
    cleanup
    tmp="" worktree=""
fi

rm -rf "$out"
mkdir -p "$out"
files=()
for ((i = 1; i <= rounds; i++)); do
    echo "== round $i of $rounds: base, then new" >&2
    in_background "$base_bin" run --quiet "${plan[@]}" --out "$out/base-$i" >&2
    in_background "$new_bin" run --quiet "${plan[@]}" "${new_args[@]}" --out "$out/new-$i" >&2
    files+=("$out/base-$i/results.json" "$out/new-$i/results.json")
done

# Raw medians (--absolute): pairing already cancels the machine's drift, which is what the
# relative-to-sequential default is for between two lone runs.
status=0
"$new_bin" compare --rounds --absolute "${files[@]}" --format markdown > "$out/summary.md" || status=$?
if (( status == 2 )); then
    exit 2
fi
"$new_bin" compare --rounds --absolute "${files[@]}" --no-fail
"$new_bin" export "$out/new-$rounds/results.json" --format junit \
    --compare "$out/base-$rounds/results.json" --out "$out/junit.xml" ||
    echo "ci-regression.sh: warning: $out/junit.xml was not written" >&2
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "summary: $out/summary.md (exit $status)" >&2
exit "$status"
