#!/bin/sh
# Checks that two builds of rdpcause hunt alike: the same NDJSON matches, byte for byte, with every
# SigmaHQ Windows rule (and the built-in pack) on the generated benchmark input, on the real corpus
# (XML and EVTX) and on SigmaHQ's regression samples. Used to show that a change to the matching
# engine leaves its results alone.
#
#   Benchmarks/same-hunt.sh BEFORE-rdpcause AFTER-rdpcause [BENCHMARK-INPUT.xml]
#
# Prints one line per input (lines of output and the summary line) and exits non-zero when the
# NDJSON or the standard error of the two builds differ. Needs ../shared (the corpus and SigmaHQ) beside the repository.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 BEFORE-rdpcause AFTER-rdpcause [BENCHMARK-INPUT.xml]" >&2
    exit 2
fi
before=$1
after=$2
here=$(cd "$(dirname "$0")" && pwd)
shared=$(dirname "$(dirname "$here")")/shared
sigma=$shared/sigmahq
for folder in "$sigma/rules" "$shared/corpus/real" "$shared/corpus/evtx" "$sigma/regression"; do
    if [ ! -d "$folder" ]; then
        echo "$0: $folder is absent" >&2
        exit 2
    fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# compare NAME PATH…: hunts PATH… with both builds and compares their outputs.
compare() {
    name=$1
    shift
    for build in before after; do
        eval "binary=\$$build"
        # A hunt whose inputs hold bad records exits non-zero after printing everything: that is
        # part of what is compared, not a failure of this script.
        "$binary" hunt --format ndjson --rules "$sigma/rules" --rules "$sigma/rules-threat-hunting" \
            --rules "$sigma/rules-emerging-threats" "$@" >"$work/$build.ndjson" 2>"$work/$build.err" || true
        tail -n 1 "$work/$build.err" >"$work/$build.summary"
    done
    lines=$(wc -l <"$work/after.ndjson")
    if cmp -s "$work/before.ndjson" "$work/after.ndjson" && cmp -s "$work/before.err" "$work/after.err"; then
        echo "same     $name: $lines NDJSON lines; $(cat "$work/after.summary")"
    else
        echo "DIFFERENT $name: before $(wc -l <"$work/before.ndjson") lines, after $lines lines"
        echo "  before: $(cat "$work/before.summary")"
        echo "  after:  $(cat "$work/after.summary")"
        status=1
    fi
}

if [ $# -ge 3 ]; then
    compare "benchmark input $(basename "$3")" "$3"
fi
compare "corpus/real" "$shared/corpus/real"
compare "corpus/evtx" "$shared/corpus/evtx"
compare "SigmaHQ regression samples" "$sigma/regression"
exit $status
