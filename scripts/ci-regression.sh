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
# that is set. When BASE_REF is the commit the working tree is at and the tree is clean, one
# build serves both sides (an A/A comparison). The base must know the plan: `--preset ci`
# exists from the commit that added this script on; for older bases, give PLAN as flags.
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

echo "== building the working tree" >&2
cargo build --release --quiet
new_bin="$PWD/target/release/poolbench"

if [[ $base_commit == "$(git rev-parse HEAD)" && -z "$(git status --porcelain --untracked-files=no)" ]]; then
    echo "== base $base_ref is the working tree: one build for both sides" >&2
    base_bin="$new_bin"
else
    tmp="$(mktemp -d)"
    trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
    echo "== building $base_ref (${base_commit:0:10}) in a temporary worktree" >&2
    git worktree add --detach --quiet "$tmp/base" "$base_commit"
    # Its own target folder: the two builds must not overwrite each other.
    (cd "$tmp/base" && CARGO_TARGET_DIR="$tmp/target" cargo build --release --quiet)
    base_bin="$tmp/target/release/poolbench"
fi

rm -rf "$out"
mkdir -p "$out"
files=()
for ((i = 1; i <= rounds; i++)); do
    echo "== round $i of $rounds: base, then new" >&2
    "$base_bin" run --quiet "${plan[@]}" --out "$out/base-$i" >&2
    "$new_bin" run --quiet "${plan[@]}" "${new_args[@]}" --out "$out/new-$i" >&2
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
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "summary: $out/summary.md (exit $status)" >&2
exit "$status"
