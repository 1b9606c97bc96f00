#!/usr/bin/env bash
# sfn against the hand-written Rust baseline and the peer ASL engines, on the
# workloads of the bench folder, in one command. See bench/README.md.
#
# usage: bench/compare.sh [--with-moto] [--criterion[=FILTER]]
#                         [--workloads "W1 W2 ..."] [--moto-workloads "W1 ..."]
#                         [--results DIR] [-h|--help]
#
# Environment:
#   SFN_BENCH_DIR    the bench folder, relative to the repository root (default
#                    ../shared/bench), or absolute; it holds workloads/ and peers/
#   SFN_BENCH_CACHE  where the peers are installed (default
#                    ${XDG_CACHE_HOME:-$HOME/.cache}/sfn-bench)
#   MOTO_TIMEOUT     seconds before a moto run is given up (default 420)
set -euo pipefail

usage() { sed -n '5,15s/^# \{0,1\}//p' "$0"; }
die() {
    echo "compare.sh: $*" >&2
    exit 1
}

WITH_MOTO=0
CRITERION=0
CRITERION_FILTER=
# The same list, in the same order, as crates/sfn-bench/src/workload_names.rs.
ALL_WORKLOADS="pass_chain_1000 choice_loop_100k map_10k map_10k_c10 parallel_fanout retry_catch intrinsics_mix"
WORKLOADS=$ALL_WORKLOADS
MOTO_WORKLOADS=
RESULTS=
while [ $# -gt 0 ]; do
    case $1 in
    --with-moto) WITH_MOTO=1 ;;
    --criterion) CRITERION=1 ;;
    --criterion=*) CRITERION=1 CRITERION_FILTER=${1#*=} ;;
    --workloads) [ $# -ge 2 ] || die "--workloads needs a list" ; WORKLOADS=$2; shift ;;
    --workloads=*) WORKLOADS=${1#*=} ;;
    --moto-workloads) [ $# -ge 2 ] || die "--moto-workloads needs a list"; MOTO_WORKLOADS=$2; shift ;;
    --moto-workloads=*) MOTO_WORKLOADS=${1#*=} ;;
    --results) [ $# -ge 2 ] || die "--results needs a folder"; RESULTS=$2; shift ;;
    --results=*) RESULTS=${1#*=} ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done
for w in $WORKLOADS $MOTO_WORKLOADS; do
    case " $ALL_WORKLOADS " in
    *" $w "*) ;;
    *) die "unknown workload $w (the workloads are: $ALL_WORKLOADS)" ;;
    esac
done
# moto hangs on map_10k_c10 (PEERS.md, note 4): only on request.
if [ -z "$MOTO_WORKLOADS" ]; then
    for w in $WORKLOADS; do
        [ "$w" = map_10k_c10 ] || MOTO_WORKLOADS="$MOTO_WORKLOADS $w"
    done
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"

# --- what must be there -------------------------------------------------------
BENCH_REL=${SFN_BENCH_DIR:-../shared/bench}
case $BENCH_REL in
/*) BENCH=$BENCH_REL ;;
*) BENCH=$REPO/$BENCH_REL ;;
esac
[ -f "$BENCH/workloads/manifest.json" ] ||
    die "no bench folder at $BENCH (workloads/manifest.json missing); set SFN_BENCH_DIR (relative to $REPO, or absolute)"
BENCH=$(cd "$BENCH" && pwd)
[ -f "$BENCH/peers/run_als.mjs" ] || die "$BENCH/peers/run_als.mjs is missing"
command -v node >/dev/null 2>&1 || die "node was not found on PATH: install Node.js (20 or newer) to run aws-local-stepfunctions"
command -v npm >/dev/null 2>&1 || die "npm was not found on PATH (it comes with Node.js)"
command -v cargo >/dev/null 2>&1 || die "cargo was not found on PATH"
if [ "$WITH_MOTO" = 1 ]; then
    command -v python3 >/dev/null 2>&1 || die "--with-moto needs python3"
    [ -f "$BENCH/peers/run_moto.py" ] || die "$BENCH/peers/run_moto.py is missing"
fi

CACHE=${SFN_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sfn-bench}
NODE_DIR=$CACHE/node
VENV=$CACHE/py/venv
ALS_VERSION=3.0.0
MOTO_SPEC=("moto[stepfunctions]==5.2.5" "boto3==1.44.8")
MOTO_TIMEOUT=${MOTO_TIMEOUT:-420}
RESULTS=${RESULTS:-$REPO/target/sfn-bench-compare/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RESULTS" "$CACHE"
RESULTS=$(cd "$RESULTS" && pwd)

# GNU time's -v gives the peak RSS; BusyBox's and the shell keyword's do not.
TIME=()
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIME=(/usr/bin/time -v -o)
else
    echo "compare.sh: /usr/bin/time -v is not available: peak RSS is not measured" >&2
fi
TIMEOUT=()
command -v timeout >/dev/null 2>&1 && TIMEOUT=(timeout)

# --- peers --------------------------------------------------------------------
als_version() {
    # The package's "exports" hide its package.json from require(): read the file.
    node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).version" \
        "$NODE_DIR/node_modules/aws-local-stepfunctions/package.json" 2>/dev/null || true
}
if [ "$(als_version)" != "$ALS_VERSION" ]; then
    echo "installing aws-local-stepfunctions@$ALS_VERSION into $NODE_DIR ..." >&2
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund --save-exact "aws-local-stepfunctions@$ALS_VERSION" \
            >"$CACHE/npm-install.log" 2>&1) ||
        die "npm install aws-local-stepfunctions@$ALS_VERSION failed; see $CACHE/npm-install.log"
    [ "$(als_version)" = "$ALS_VERSION" ] || die "aws-local-stepfunctions@$ALS_VERSION is not loadable from $NODE_DIR"
fi
if [ "$WITH_MOTO" = 1 ]; then
    if ! "$VENV/bin/python" -c 'import boto3, moto; assert moto.__version__ == "5.2.5"' 2>/dev/null; then
        echo "installing ${MOTO_SPEC[*]} into $VENV (several minutes) ..." >&2
        { python3 -m venv "$VENV" && "$VENV/bin/pip" install "${MOTO_SPEC[@]}"; } \
            >"$CACHE/pip-install.log" 2>&1 ||
            die "installing moto failed; see $CACHE/pip-install.log"
    fi
fi

# --- build --------------------------------------------------------------------
echo "building the compare binary (cargo build --release -p sfn-bench --bin compare) ..." >&2
cargo build --release --quiet -p sfn-bench --bin compare ||
    die "cargo build --release -p sfn-bench --bin compare failed"
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
COMPARE=$TARGET_DIR/release/compare
[ -x "$COMPARE" ] || die "$COMPARE was not built"

# --- measure ------------------------------------------------------------------
# measure LABEL WORKLOAD TIMEOUT_S DIR CMD...: runs CMD in DIR; keeps its stdout,
# stderr, exit status and GNU time's report as RESULTS/LABEL.WORKLOAD.{out,err,rc,time}.
measure() {
    local label=$1 workload=$2 limit=$3 dir=$4
    shift 4
    local base=$RESULTS/$label.$workload rc=0
    local time=()
    [ ${#TIME[@]} -gt 0 ] && time=("${TIME[@]}" "$base.time")
    local timeout=()
    [ ${#TIMEOUT[@]} -gt 0 ] && timeout=("${TIMEOUT[@]}" "$limit")
    printf '%-9s %-17s ' "$label" "$workload" >&2
    (cd "$dir" && "${timeout[@]}" "${time[@]}" "$@") >"$base.out" 2>"$base.err" || rc=$?
    echo "$rc" >"$base.rc"
    if [ "$rc" = 0 ]; then echo "done" >&2; else echo "exit status $rc" >&2; fi
}

echo "measuring (results in $RESULTS) ..." >&2
for w in $WORKLOADS; do
    # Same runs and warm-up as PEERS.md: 5 measured runs after 1 warm-up.
    measure sfn "$w" 600 "$REPO" "$COMPARE" --json --engine sfn --workload "$w" --runs 5 --warmup 1
    measure baseline "$w" 600 "$REPO" "$COMPARE" --json --engine baseline --workload "$w" --runs 5 --warmup 1
    measure als "$w" 600 "$NODE_DIR" node "$BENCH/peers/run_als.mjs" "$w" 5 1
done
if [ "$WITH_MOTO" = 1 ]; then
    for w in $MOTO_WORKLOADS; do
        # PEERS.md: 3 runs after 1 warm-up where a run takes seconds, else 1 run.
        case $w in
        pass_chain_1000 | parallel_fanout | retry_catch) runs=3 warmup=1 ;;
        *) runs=1 warmup=0 ;;
        esac
        measure moto "$w" "$MOTO_TIMEOUT" "$REPO" "$VENV/bin/python" "$BENCH/peers/run_moto.py" "$w" "$runs" "$warmup"
    done
fi

# --- report -------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc 2>/dev/null || echo '?') CPUs ${cpu:+($cpu)}, $(uname -sr)"
    # Other work on the machine shows here: the table is only as quiet as the box.
    echo "load average before the report: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    echo "rustc: $(rustc --version 2>/dev/null || echo '?')"
    echo "node: $(node --version)"
    [ "$WITH_MOTO" = 1 ] && echo "python: $("$VENV/bin/python" --version 2>&1)"
    echo "bench folder: $BENCH"
} >"$RESULTS/machine.txt"
printf '%s\n' "WORKLOADS=$WORKLOADS" "WITH_MOTO=$WITH_MOTO" "MOTO_WORKLOADS=$MOTO_WORKLOADS" \
    "MOTO_TIMEOUT=$MOTO_TIMEOUT" >"$RESULTS/settings.txt"
status=0
node "$REPO/bench/report.mjs" "$RESULTS" | tee "$RESULTS/table.md" || status=$?

if [ "$CRITERION" = 1 ]; then
    echo "cargo bench -p sfn-bench --bench workloads ${CRITERION_FILTER:+-- $CRITERION_FILTER}" >&2
    if [ -n "$CRITERION_FILTER" ]; then
        cargo bench -p sfn-bench --bench workloads -- "$CRITERION_FILTER"
    else
        cargo bench -p sfn-bench --bench workloads
    fi
fi
exit "$status"
