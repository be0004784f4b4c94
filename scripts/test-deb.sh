#!/usr/bin/env bash
# Installs a package built by scripts/build-deb.sh, uses it as a support team would, and removes it:
#   scripts/test-deb.sh dist/rdpcause_<version>_<arch>.deb
# - `apt-get install ./dist/….deb` (pulls the Depends);
# - `rdpcause analyze` run from / on a copy of every sample case outside the checkout, with a bare
#   environment, gives each its expected verdict and cause; `rules lint` and `hunt` work there;
# - the man page is installed and lint-clean, the completions are in place;
# - `systemd-analyze verify` on the unit (where systemd-analyze exists), and the service's command
#   run once as the rdpcause user on a case in its drop folder;
# - `apt-get remove --purge`, and the binary is gone.
# Must run as root. Exits non-zero on the first failure, saying what failed.
set -euo pipefail
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: $0 dist/rdpcause_<version>_<arch>.deb" >&2; exit 64; }
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (it installs and removes the package)" >&2; exit 1; }
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
sample=host-asleep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
log() { printf '[test-deb %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

log "apt-get install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
[ -x /usr/bin/rdpcause ] || fail "/usr/bin/rdpcause is not installed"

log "analyze from / on a copy of every SampleLogs case"
cp -r SampleLogs "$work/cases"
cases=()
for expected in "$work"/cases/*/expected.json "$work"/cases/*.expected.json; do
  case "$expected" in
    */expected.json) cases+=("$(dirname "$expected")") ;;
    *) cases+=("$(ls -d "${expected%.expected.json}".* | grep -v '\.json$' | head -n 1)") ;;
  esac
done
status=0
(cd / && env -i PATH=/usr/bin:/bin /usr/bin/rdpcause analyze --quiet --output "$work/findings" "${cases[@]}" >/dev/null) || status=$?
[ "$status" -le 1 ] || fail "analyze exited $status"
for expected in "$work"/cases/*/expected.json "$work"/cases/*.expected.json; do
  case "$expected" in
    */expected.json) name=$(basename "$(dirname "$expected")") ;;
    *) name=$(basename "${expected%.expected.json}") ;;
  esac
  findings="$work/findings/$name/findings.json"
  [ -r "$findings" ] || fail "no findings for $name"
  want_verdict=$(sed -n 's/.*"verdict": *"\([^"]*\)".*/\1/p' "$expected" | head -n 1)
  want_cause=$(sed -n 's/.*"topCause": *"\([^"]*\)".*/\1/p' "$expected" | head -n 1)
  # The document's own verdict is its first "verdict" key (the failures' come after it).
  verdict=$(grep -o '"verdict":"[^"]*"' "$findings" | head -n 1 | sed 's/.*:"//; s/"$//')
  [ "$verdict" = "$want_verdict" ] || fail "$name: the verdict is '$verdict', expected '$want_verdict'"
  grep -q '"rulesVersion":"[0-9a-f]\{12\}"' "$findings" && grep -q '"rdpcauseVersion":"' "$findings" \
    || fail "$name: the findings do not carry rdpcauseVersion and rulesVersion"
  if [ -n "$want_cause" ]; then
    cause=$(grep -o '"causes":\[{"id":"[^"]*"' "$findings" | head -n 1 | sed 's/.*"id":"//; s/"$//')
    [ "$cause" = "$want_cause" ] || fail "$name: the top cause is '$cause', expected '$want_cause'"
  fi
done
log "${#cases[@]} cases gave their expected verdicts"
(cd / && /usr/bin/rdpcause rules lint >/dev/null 2>&1) || fail "rules lint failed from /"
(cd / && /usr/bin/rdpcause hunt --format ndjson "$work/cases/$sample" 2>/dev/null | grep -q '"type":"detection"') || fail "hunt found nothing from /"
/usr/bin/rdpcause --version | grep -q '^rules [0-9a-f]\{12\} ' || fail "--version names no rule pack"

log "man page and completions"
man_page=/usr/share/man/man1/rdpcause.1.gz
[ -r "$man_page" ] || fail "no $man_page"
if command -v mandoc >/dev/null; then
  problems=$(zcat "$man_page" | mandoc -T lint -W warning 2>&1 || true)
  [ -z "$problems" ] || fail "man page warnings: $problems"
fi
for file in /usr/share/bash-completion/completions/rdpcause /usr/share/zsh/vendor-completions/_rdpcause \
  /usr/share/fish/vendor_completions.d/rdpcause.fish; do
  [ -s "$file" ] || fail "no completion file $file"
done

log "service"
unit=/lib/systemd/system/rdpcause-watch.service
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
else
  log "systemd-analyze is not installed: the unit is not verified"
fi
getent passwd rdpcause >/dev/null || fail "no rdpcause system user"
[ "$(stat -c %U:%a /var/lib/rdpcause/drop)" = rdpcause:2770 ] || fail "drop folder owner or mode"
[ "$(stat -c %U:%a /etc/rdpcause/rdpcause.env)" = root:600 ] || fail "rdpcause.env must be root-only"
# The unit's command, once, as its user, on a case moved into the drop folder.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
cp -r "SampleLogs/$sample" "/var/lib/rdpcause/drop/.incoming-$sample"
chown -R rdpcause:rdpcause "/var/lib/rdpcause/drop/.incoming-$sample"
mv "/var/lib/rdpcause/drop/.incoming-$sample" "/var/lib/rdpcause/drop/$sample"
(cd / && runuser -u rdpcause -- $exec_start --once --grace 0 2>"$work/watch.log") || { cat "$work/watch.log" >&2; fail "the service's command failed"; }
grep -q '"verdict":"cause-found"' "/var/lib/rdpcause/findings/$sample/findings.json" || fail "the watcher wrote no findings"
rm -rf "/var/lib/rdpcause/drop/.processed" "/var/lib/rdpcause/findings/$sample" /var/lib/rdpcause/findings/.rdpcause-ledger.jsonl*

log "apt-get remove --purge rdpcause"
DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq rdpcause >/dev/null
[ ! -e /usr/bin/rdpcause ] || fail "/usr/bin/rdpcause is still there"
log "passed"
