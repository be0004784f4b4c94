#!/usr/bin/env bash
# Finishes the man page that ArgumentParser's GenerateManual plugin writes (mdoc(7)) so that
# `mandoc -T lint -W warning` has nothing to say, and adds the sections it cannot generate:
#   scripts/finish-manpage.sh GENERATED.1 SECTIONS > rdpcause.1
# - the generated EXIT STATUS section (".Ex -std", which is wrong for analyze) is replaced by
#   SECTIONS (ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES, SEE ALSO, in mdoc's order);
# - blank lines of command discussions become .Pp (none before .It/.El or after .Bl/.It/.Pp),
#   and a .Pp right before .It goes;
# - in text lines each sentence starts a new line (mdoc's rule); "e.g.", "i.e." and "..." are not
#   sentence ends (\&), and a line that would start with a dot or quote is protected (\&).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 GENERATED.1 SECTIONS" >&2; exit 64; }
generated=$1
sections=$2
[ -r "$generated" ] && [ -r "$sections" ] || { echo "$0: cannot read $generated or $sections" >&2; exit 66; }
awk -v sections="$sections" '
function emit(text) { print text; last = text }
function text_line(l,    rest, out, at) {
    gsub(/e\.g\. /, "e.g.\\\\\\& ", l)
    gsub(/i\.e\. /, "i.e.\\\\\\& ", l)
    gsub(/\.\.\. /, "...\\\\\\& ", l)
    rest = l
    while (match(rest, /[.!?][)"\047]*[ \t]+/)) {
        out = substr(rest, 1, RSTART + RLENGTH - 1)
        sub(/[ \t]+$/, "", out)
        protect(out)
        rest = substr(rest, RSTART + RLENGTH)
    }
    if (rest != "") protect(rest)
}
function protect(l) {
    if (l ~ /^[.\047]/) l = "\\&" l
    emit(l)
}
{ line[NR] = $0 }
END {
    n = NR
    for (i = 1; i <= n; i++) {
        l = line[i]
        if (l ~ /^\.Sh "?EXIT STATUS"?$/) {
            while ((getline s < sections) > 0) emit(s)
            close(sections)
            for (i++; i <= n && line[i] !~ /^\.Sh /; i++) {}
            i--
            continue
        }
        if (l == "" || l == ".Pp") {
            j = i + 1
            while (j <= n && line[j] == "") j++
            if (j > n || line[j] ~ /^\.(It|El|Bl|Sh|Pp)( |$)/ || last ~ /^\.(Bl|It|Pp|Sh)( |$)/) continue
            emit(".Pp")
            continue
        }
        if (l ~ /^\./) { emit(l); continue }
        text_line(l)
    }
}' "$generated"
