#!/usr/bin/env bash
# bench/build-cost.sh: what compiling a workflow costs its user.
#
# A small crate (in $SFN_BUILD_COST_DIR, default $TMPDIR/sfn-build-cost)
# compiles one workflow through `include_asl!` and runs it; its
# dependencies are built once first. Then, for each workflow, the crate
# alone is rebuilt and measured: the wall time of `cargo build`, and the
# peak resident memory of its rustc (which also runs the code generator,
# a proc-macro). A rustc over the address-space limit
# ($SFN_BUILD_COST_LIMIT_GB, default 12) fails and is reported as such.
#
#   bench/build-cost.sh                     # release builds of every workflow
#   bench/build-cost.sh --debug             # debug builds instead
#   bench/build-cost.sh --only "pass_chain_1000 chain_10"
#
# Workflows: chain_10 (the reference), the shared workload pass_chain_1000
# (1,000 Pass states with a five-field Parameters each), plain Pass chains of
# 1,000, 4,000 and 10,000 states, mixed_1000 (every state kind, JSONata
# included) and path_100k (one path of 100,000 segments), all but the shared
# one written by bench/build-cost/gen.py. Prints a Markdown table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${SFN_BENCH_DIR:-../shared/bench}
case "$BENCH" in /*) ;; *) BENCH="$ROOT/$BENCH" ;; esac
WORK=${SFN_BUILD_COST_DIR:-${TMPDIR:-/tmp}/sfn-build-cost}
LIMIT_GB=${SFN_BUILD_COST_LIMIT_GB:-12}
PROFILE=release
ONLY="chain_10 pass_chain_1000 chain_1000 chain_4000 chain_10000 mixed_1000 path_100k"
while [ $# -gt 0 ]; do
    case "$1" in
        --debug) PROFILE=debug ;;
        --only) ONLY="$2"; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
command -v /usr/bin/time >/dev/null || { echo "GNU time (/usr/bin/time) is needed for rustc's peak memory" >&2; exit 1; }

mkdir -p "$WORK/crate/src" "$WORK/workflows"
python3 "$ROOT/bench/build-cost/gen.py" "$WORK/workflows"
if [ -f "$BENCH/workloads/pass_chain_1000.asl.json" ]; then
    cp "$BENCH/workloads/pass_chain_1000.asl.json" "$WORK/workflows/"
fi

cat > "$WORK/crate/Cargo.toml" <<TOML
[package]
name = "build-cost-probe"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sfn-runtime = { path = "$ROOT/crates/sfn-runtime" }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros"] }

[workspace]
TOML
cp "$ROOT/Cargo.lock" "$WORK/crate/Cargo.lock"
cat > "$WORK/crate/src/main.rs" <<'RS'
//! Compiles and runs one workflow (bench/build-cost.sh).
sfn_runtime::include_asl!(mod workflow, "workflow.asl.json");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let machine = workflow::StateMachine::from_resources(sfn_runtime::Resources::new());
    let outcome = machine.run(serde_json::json!({"items": [1, 2], "count": 0})).await;
    println!("{}", outcome.is_ok());
}
RS
# rustc through a wrapper: the probe crate's rustc is measured and limited.
cat > "$WORK/rustc-wrap.sh" <<WRAP
#!/usr/bin/env bash
for arg in "\$@"; do
    if [ "\$arg" = build_cost_probe ]; then
        ulimit -v $((LIMIT_GB * 1024 * 1024))
        exec /usr/bin/time -f %M -o "$WORK/peak-kb" "\$@"
    fi
done
exec "\$@"
WRAP
chmod +x "$WORK/rustc-wrap.sh"

build() {
    local flags=()
    [ "$PROFILE" = release ] && flags=(--release)
    (cd "$WORK/crate" && RUSTC_WRAPPER="$WORK/rustc-wrap.sh" CARGO_TARGET_DIR="$WORK/target" \
        cargo build -q "${flags[@]}" 2>"$WORK/build.log")
}

# Dependencies first, with the smallest workflow.
cp "$WORK/workflows/chain_10.asl.json" "$WORK/crate/workflow.asl.json"
build || { echo "the probe crate does not build:" >&2; tail -n 20 "$WORK/build.log" >&2; exit 1; }

echo "| workflow | states | $PROFILE build (s) | rustc peak (MB) |"
echo "|---|---:|---:|---:|"
for name in $ONLY; do
    file="$WORK/workflows/$name.asl.json"
    if [ ! -f "$file" ]; then
        echo "| $name | | (not found) | |"
        continue
    fi
    states=$(python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(len(d['States']))" "$file")
    cp "$file" "$WORK/crate/workflow.asl.json"
    touch "$WORK/crate/src/main.rs"
    rm -f "$WORK/peak-kb"
    start=$(date +%s.%N)
    if build; then
        status=ok
    else
        status=failed
    fi
    end=$(date +%s.%N)
    seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
    peak=$(tail -n 1 "$WORK/peak-kb" 2>/dev/null | grep -oE '^[0-9]+$' || true)
    peak_mb=$([ -n "$peak" ] && echo $((peak / 1024)) || echo "?")
    if [ "$status" = ok ]; then
        echo "| $name | $states | $seconds | $peak_mb |"
    else
        echo "| $name | $states | failed after $seconds (limit ${LIMIT_GB} GB; see $WORK/build.log) | $peak_mb |"
    fi
done
