#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ with AddressSanitizer and runs each for SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]   fuzz every target (or the ones named) for SECONDS each
#   scripts/fuzz.sh --replay-pending      run each Tests/FuzzRegressions/pending input once and say
#                                         which still fail (after merging fixes: move those that pass)
#
# Everything goes below Fuzz/findings/ (gitignored): the build log, the seeds, each target's growing
# corpus and log, and what libFuzzer saves (crash-*, leak-*, timeout-*, oom-*). Every new finding is
# also copied to Tests/FuzzRegressions/pending/<target>/, so that it is kept and, once fixed and moved
# to Tests/FuzzRegressions/<target>/, replayed by the test suite. Exits 1 when anything was found.
#
# FUZZ_KEEP_GOING=1 runs libFuzzer in fork mode and keeps fuzzing after a finding (so one run can
# find several defects); by default a target stops at its first finding.
# FUZZ_CONFIGURATION=release builds with optimization: 1.5-5x the executions per second, but the
# first build takes about four times as long as the default debug build (see Fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

findings=Fuzz/findings
configuration=${FUZZ_CONFIGURATION:-debug}
bin=Fuzz/.build/$configuration

# Every target: each Fuzz/Sources/fuzz-<name>/ folder (Fuzz/Package.swift finds them the same way).
targets_all=()
for folder in Fuzz/Sources/fuzz-*/; do
  folder=${folder%/}
  targets_all+=("${folder#Fuzz/Sources/fuzz-}")
done

# Per target: its dictionary (Fuzz/dict/<name>.dict, or none) and the largest input libFuzzer builds.
# A target without a line here runs without a dictionary and with inputs of up to 16 KiB.
settings_of() {
  case "$1" in
    xml) echo "xml 16384" ;;
    archive) echo "xml 65536" ;;
    report) echo "report 4096" ;;
    sigma | causes) echo "yaml 8192" ;;
    evtx) echo "- 135168" ;;
    *) echo "- 16384" ;;
  esac
}

# libFuzzer settings shared by fuzzing and replay. The Swift runtime's own crash backtracer is off:
# it would race libFuzzer's handler (and, under ASan, trip on its own memory reads).
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"
limits=(-rss_limit_mb=1024 -timeout=10)
keep_going=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

build() {
  mkdir -p "$findings"
  local start=$SECONDS
  # ASan and libFuzzer's coverage instrumentation (what -sanitize=fuzzer turns on) for every module,
  # the main package's libraries included; libFuzzer itself is linked into the fuzz executables only
  # (Fuzz/Package.swift). The build-time tool EmbedTool is instrumented too, and runs during the build:
  # its leak check is off there.
  local command=(swift build -c "$configuration" --package-path Fuzz -Xswiftc -sanitize=address
    -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,pc-table,inline-8bit-counters)
  echo "fuzz: building the fuzz targets (${command[*]})"
  if ! ASAN_OPTIONS=detect_leaks=0 "${command[@]}" >"$findings/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$findings/build.log" | tail -30
    echo "fuzz: the build failed; the whole log is $findings/build.log" >&2
    exit 2
  fi
  echo "fuzz: built in $((SECONDS - start)) s"
}

# A few lines naming what stopped a run: the sanitizer's or Swift's message (with the details of a
# broken invariant) and the first stack frame in this repository's libraries.
summarize() {
  local log=$1
  local what frame
  what=$(grep -m1 -E "Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$log" | sed 's/^==[0-9]*== *//' || true)
  echo "    ${what:-no sanitizer message}" | cut -c1-400
  if [[ "$what" == *"fuzz target"* ]]; then
    sed -n '/Fatal error: fuzz target/,/^Current stack trace/p' "$log" | sed '1d;$d' | head -n 6 | cut -c1-300 | sed 's/^/      /'
  fi
  frame=$({ grep -E "#[0-9]+ .*/Sources/[^ ]*\.swift" "$log" || true; } | grep -v -m1 -E "/Fuzz/Sources/|/Sources/FuzzEntryPoints/" |
    sed -E 's/^ *#[0-9]+ 0x[0-9a-f]+ in //' || true)
  [ -n "$frame" ] && echo "    at $frame" | cut -c1-400
  return 0
}

# The files libFuzzer saved in a target's findings folder, sorted.
artifacts() { { ls "$1" | grep -E '^(crash|leak|timeout|oom|slow-unit)-[0-9a-f]+$' || true; } | sort; }

replay_pending() {
  build
  local status=0
  for target in "${targets_all[@]}"; do
    local folder="Tests/FuzzRegressions/pending/$target"
    [ -d "$folder" ] || continue
    for input in "$folder"/*; do
      [ -f "$input" ] && [ "$(basename "$input")" != README.md ] || continue
      local log="$findings/replay-$target-$(basename "$input").log"
      if "$bin/fuzz-$target" "${limits[@]}" "$input" >"$log" 2>&1; then
        echo "passes  $input (move it to Tests/FuzzRegressions/$target/)"
      else
        echo "FAILS   $input"
        summarize "$log"
        status=1
      fi
    done
  done
  exit "$status"
}

if [ "${1:-}" = "--replay-pending" ]; then
  replay_pending
fi

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${targets_all[@]}")
for target in "${targets[@]}"; do
  [[ " ${targets_all[*]} " == *" $target "* ]] || { echo "fuzz: no target $target (targets: ${targets_all[*]})" >&2; exit 64; }
done
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET…] | --replay-pending" >&2; exit 64 ;; esac

build
rm -rf "$findings/seeds"
python3 scripts/fuzz-seeds.py "$findings/seeds" | sed 's/^/fuzz: /'

found=0
for target in "${targets[@]}"; do
  out="$findings/$target"
  mkdir -p "$out/corpus"
  before=$(artifacts "$out")
  seeds=()
  [ -d "$findings/seeds/$target" ] && seeds+=("$findings/seeds/$target")
  [ -d "Tests/FuzzRegressions/$target" ] && seeds+=("Tests/FuzzRegressions/$target")
  read -r dict max_len <<<"$(settings_of "$target")"
  dict_option=()
  [ "$dict" = - ] || dict_option=(-dict="Fuzz/dict/$dict.dict")
  status=0
  "$bin/fuzz-$target" "${limits[@]}" ${keep_going[@]+"${keep_going[@]}"} -max_total_time="$seconds" -max_len="$max_len" \
    ${dict_option[@]+"${dict_option[@]}"} -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/corpus" ${seeds[@]+"${seeds[@]}"} >"$out/fuzz.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -n 1)
  [ -n "$runs" ] || runs=$({ grep -oE '^#[0-9]+' "$out/fuzz.log" || true; } | tail -n 1 | tr -d '#')
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz.log" | tail -n 1)
  [ -n "$rate" ] || rate=$({ grep -oE 'exec/s: [0-9]+' "$out/fuzz.log" || true; } | tail -n 1 | cut -d' ' -f2)
  cov=$({ grep -oE 'cov: [0-9]+ ft: [0-9]+' "$out/fuzz.log" || true; } | tail -n 1)
  echo "fuzz: $target: ${runs:-?} runs, ${rate:-?} exec/s, ${cov:-no coverage line}, corpus $(ls "$out/corpus" | wc -l) files"
  after=$(artifacts "$out")
  new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
  if [ "$status" -ne 0 ] || [ -n "$new" ]; then
    found=1
    echo "fuzz: $target: FINDING (libFuzzer exit status $status); log: $out/fuzz.log"
    [ -n "$new" ] || summarize "$out/fuzz.log"
    mkdir -p "Tests/FuzzRegressions/pending/$target"
    for artifact in $new; do
      cp "$out/$artifact" "Tests/FuzzRegressions/pending/$target/$artifact"
      echo "  kept as Tests/FuzzRegressions/pending/$target/$artifact"
      # Replayed alone, so that the summary names this input's failure (fork mode logs elsewhere).
      "$bin/fuzz-$target" "${limits[@]}" "$out/$artifact" >"$out/$artifact.log" 2>&1 || true
      summarize "$out/$artifact.log"
    done
  fi
done
exit "$found"
