#!/bin/bash
# Run every fuzz target for a bounded time with its seeds and dictionary; print executions and
# crashes per target. Usage: fuzz/run_all.sh [SECONDS_PER_TARGET] [TARGET...]
# Works on a stable toolchain through RUSTC_BOOTSTRAP (cargo-fuzz needs nightly flags).
# More libFuzzer flags through FUZZ_ARGS, e.g. FUZZ_ARGS=-max_len=4096; FUZZ_SANITIZER=none runs
# without AddressSanitizer (several times faster; the default is address).
set -u
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
dict_of() {
    case $1 in
        fmt_logfmt) echo logfmt ;;
        fmt_plain) echo plain ;;
        fmt_gorace | fmt_tsan) echo race ;;
        query_parser) echo query ;;
        spec_parser) echo spec ;;
        otlp_proto) echo "" ;;
        *) echo json ;;
    esac
}
targets=${*:-$(RUSTC_BOOTSTRAP=1 cargo fuzz list)}
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t" logs
    d=$(dict_of "$t")
    args=(-max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1)
    [ -n "$d" ] && args+=(-dict="dict/$d.dict")
    # shellcheck disable=SC2206 # flags split at spaces on purpose
    args+=(${FUZZ_ARGS:-})
    log="logs/$t.log"
    RUSTC_BOOTSTRAP=1 cargo fuzz run -s "${FUZZ_SANITIZER:-address}" "$t" "corpus/$t" "seeds/$t" -- "${args[@]}" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    crashes=$(find "artifacts/$t" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' | wc -l)
    echo "$t runs=${runs:-?} secs=$secs rc=$rc artifacts=$crashes"
done
