#!/usr/bin/env bash
# rt5-up.sh - bring up a throw-away Request Tracker 5 (Debian 12 packages,
# SQLite) on 127.0.0.1 for rdpcause's ticket integration tests
# (Tests/TicketsTests, Tests/DropFolderTests), then smoke-test REST2.
# The tests read the connection details from /var/lib/rt5-up/env (RT_URL,
# RT_TOKEN, ...); without that file they are skipped and say so.
# Derived from the proven recipe in ../shared/reference/rt5-recipe.md.
#
#   ./rt5-up.sh            install (if needed) + configure + start + smoke test
#   ./rt5-up.sh start      same, without the smoke test
#   ./rt5-up.sh smoke      smoke test against an already running RT
#   ./rt5-up.sh stop       stop the RT server this script started (by PID)
#   ./rt5-up.sh status     print whether it runs, and the URL/token file
#   ./rt5-up.sh purge      stop + purge RT, its database and (RT_PURGE_DEPS=1,
#                          default) the packages the install pulled in
#
# Must run as root (apt, www-data switch, /etc). Environment knobs (all optional):
#   RT_PORT      TCP port on 127.0.0.1 (default 8080)
#   RT_ROOT_PW   password for RT user 'root' on a NEW database (default 'password')
#   RT_WORKERS   Starlet worker processes (default 2)
#
# Idempotent: re-running skips the install when request-tracker5 is already
# configured, rewrites only our own config snippet, (re)starts the server only
# when it is not answering or the snippet changed, and always re-checks.
# Exits non-zero on any failure.
set -Eeuo pipefail

STATE_DIR=/var/lib/rt5-up              # pid file, server log, env file, token
PIDFILE="$STATE_DIR/rt-server.pid"
LOGFILE="$STATE_DIR/rt-server.log"
ENVFILE="$STATE_DIR/env"
# smoke/status/stop without RT_PORT talk to whatever 'up' last started
if [ -z "${RT_PORT:-}" ] && [ -r "$ENVFILE" ] && [[ "${1:-up}" =~ ^(smoke|status|stop)$ ]]; then
    RT_PORT=$(sed -n 's/^RT_URL=.*://p' "$ENVFILE")
    RT_ROOT_PW=${RT_ROOT_PW:-$(sed -n 's/^RT_PASSWORD=//p' "$ENVFILE")}
fi
RT_PORT="${RT_PORT:-8080}"
RT_ROOT_PW="${RT_ROOT_PW:-password}"
RT_WORKERS="${RT_WORKERS:-2}"
RT_HOST=127.0.0.1
RT_URL="http://${RT_HOST}:${RT_PORT}"
SNIPPET=/etc/request-tracker5/RT_SiteConfig.d/99-rt5-up.pm
RT_LIB=/usr/share/request-tracker5/lib
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
PKGS=(request-tracker5 rt5-db-sqlite rt5-standalone dma curl jq)
APT_LOCK=(-o DPkg::Lock::Timeout=600)   # wait for a concurrent apt/dpkg instead of failing
UCF_FILES=(/etc/dbconfig-common/request-tracker5.conf /etc/request-tracker5/RT_SiteConfig.pm
           /etc/request-tracker5/RT_SiteConfig.d/50-debconf.pm
           /etc/request-tracker5/RT_SiteConfig.d/51-dbconfig-common.pm /etc/cron.d/request-tracker5)

log()  { printf '[rt5-up %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
SMOKE_TMP=""
trap '[ -z "$SMOKE_TMP" ] || rm -rf "$SMOKE_TMP"' EXIT

[ "$(id -u)" = 0 ] || die "run as root"
grep -q '^VERSION_ID="12"' /etc/os-release || log "warning: not Debian 12; untested"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# ---------------------------------------------------------------- install
rt_installed() {
    [ "$(dpkg-query -W -f='${Status}' request-tracker5 2>/dev/null)" = "install ok installed" ] &&
    [ "$(dpkg-query -W -f='${Status}' rt5-db-sqlite 2>/dev/null)" = "install ok installed" ] &&
    [ "$(dpkg-query -W -f='${Status}' rt5-standalone 2>/dev/null)" = "install ok installed" ] &&
    [ -f /etc/request-tracker5/RT_SiteConfig.d/51-dbconfig-common.pm ]
}

install_rt() {
    local t0; t0=$(now)
    log "preseeding debconf"
    # webpath cannot be preseeded empty (the .config replaces "" by /rt);
    # our 99-rt5-up.pm snippet overrides WebPath/WebBaseURL afterwards.
    debconf-set-selections <<EOF
request-tracker5 request-tracker5/rtname string rt5-test
request-tracker5 request-tracker5/organization string localhost
request-tracker5 request-tracker5/correspondaddress string rt@localhost
request-tracker5 request-tracker5/commentaddress string rt-comment@localhost
request-tracker5 request-tracker5/webbaseurl string ${RT_URL}
request-tracker5 request-tracker5/webpath string /rt
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/initial-root-password password ${RT_ROOT_PW}
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/db/dbname string rtdb
request-tracker5 request-tracker5/db/basepath string /var/lib/dbconfig-common/sqlite3/request-tracker5
dma dma/mailname string localhost
dma dma/relayhost string
EOF
    if dpkg-query -W -f='${Status}' request-tracker5 2>/dev/null | grep -q 'ok installed'; then
        die "request-tracker5 is installed but has no dbconfig snippet (half-configured); run: $0 purge"
    fi
    # A purge in one apt transaction together with dbconfig-common (or a hand
    # 'rm -rf /etc/...') leaves ucf registrations behind; ucf then refuses to
    # recreate the "deleted" files and RT is set up against a wrong database.
    if command -v ucf >/dev/null 2>&1; then
        local f
        for f in "${UCF_FILES[@]}"; do
            if [ ! -e "$f" ] && grep -qF " $f" /var/lib/ucf/hashfile 2>/dev/null; then
                log "dropping stale ucf registration of $f"
                ucf --purge "$f" || true; ucfr --purge request-tracker5 "$f" 2>/dev/null || true
            fi
        done
    fi
    log "apt-get update"
    apt-get update -qq "${APT_LOCK[@]}"
    # remember exactly which packages this install adds (for 'purge')
    apt-get install -s --no-install-recommends "${PKGS[@]}" 2>/dev/null \
        | awk '/^Inst / && $3 !~ /^\[/ {print $2}' | sort >"$STATE_DIR/added-packages"
    log "apt-get install ${PKGS[*]} (no recommends)"
    # --no-install-recommends keeps cron, rsyslog, w3m and the S3/Dropbox libs
    # out; dma satisfies 'default-mta | mail-transport-agent' without a daemon
    # (exim4, the default, would start a listener).
    DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
        apt-get install -y -q --no-install-recommends "${APT_LOCK[@]}" \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${PKGS[@]}" >"$STATE_DIR/apt-install.log" 2>&1 \
        || { tail -n 40 "$STATE_DIR/apt-install.log" >&2; die "apt-get install failed"; }
    rt_installed || die "request-tracker5 not configured after install (see $STATE_DIR/apt-install.log)"
    log "install done in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- configure
write_snippet() {
    local tmp; tmp=$(mktemp)
    cat >"$tmp" <<EOF
# Written by rt5-up.sh: local throw-away test instance. Loaded last.
Set(\$WebPath, "");
Set(\$WebDomain, "${RT_HOST}");
Set(\$WebPort, ${RT_PORT});
Set(\$WebBaseURL, "${RT_URL}");
# never send mail; outgoing mail is written as mbox under /var/lib/request-tracker5
Set(\$MailCommand, "mbox");
# no syslog daemon in containers: log warnings to stderr (the server log)
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, "warning");
Set(%GnuPG, Enable => 0);
Set(%SMIME, Enable => 0);
EOF
    if cmp -s "$tmp" "$SNIPPET"; then rm -f "$tmp"; return 1; fi
    install -o root -g www-data -m 0640 "$tmp" "$SNIPPET"; rm -f "$tmp"
    log "wrote $SNIPPET"
    return 0
}

fix_perms() {
    # The postinst creates RT_SiteConfig.pm as 0600 root:root (mktemp + ucf)
    # and only hands the 50-/51- snippets to www-data, so RT running as
    # www-data logs "Couldn't load RT config file RT_SiteConfig.pm".
    local f=/etc/request-tracker5/RT_SiteConfig.pm
    if [ -f "$f" ] && [ "$(stat -c %U:%G:%a "$f")" != root:www-data:640 ]; then
        chown root:www-data "$f"; chmod 0640 "$f"
    fi
}

# ---------------------------------------------------------------- server
server_pid() {
    local pid
    [ -s "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null || return 1
    grep -q rt-server "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

answering() {
    # REST2 answers 401 without credentials once RT is fully up
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$RT_URL/REST/2.0/rt" || true)
    [ "$code" = 401 ] || [ "$code" = 200 ]
}

stop_server() {
    local pid
    if ! pid=$(server_pid); then log "no rt-server started by rt5-up is running"; rm -f "$PIDFILE"; return 0; fi
    log "stopping rt-server pid $pid (and its workers)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "pid $pid still alive, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    # workers are in the server's own process group (started with setsid)
    if pgrep -g "$pid" >/dev/null 2>&1; then
        log "killing leftover workers in process group $pid"; kill -TERM -- "-$pid" 2>/dev/null || true; sleep 1
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

start_server() {
    local t0 pid
    t0=$(now)
    chown www-data:www-data "$STATE_DIR"
    : >"$LOGFILE"; chown www-data:www-data "$LOGFILE"
    log "starting rt-server on $RT_HOST:$RT_PORT as www-data"
    # setsid: own session/process group, so stop can reap the Starlet workers.
    # 9>&-: the server must not inherit (and so hold forever) our flock fd.
    # setpriv: exec (no extra parent) as www-data, who owns the SQLite db,
    # the mason cache and the session store.
    setsid setpriv --reuid=www-data --regid=www-data --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/www LANG=C.UTF-8 \
        perl "$RT_SERVER" --server Starlet --listen "$RT_HOST:$RT_PORT" \
        --max-workers "$RT_WORKERS" --env deployment \
        </dev/null >>"$LOGFILE" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PIDFILE"
    for _ in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$LOGFILE" >&2; die "rt-server exited during start"; }
        if answering; then log "RT answering after $(elapsed "$t0") s (pid $pid)"; return 0; fi
        sleep 0.2
    done
    tail -n 30 "$LOGFILE" >&2
    die "RT did not answer on $RT_URL within 120 s"
}

# ---------------------------------------------------------------- auth token
make_token() {
    # RT 5 ships RT::Authen::Token; create a token for root straight in the DB.
    # Prints the token string ("1-14-<hex>").
    setpriv --reuid=www-data --regid=www-data --init-groups \
    perl -I"$RT_LIB" -e '
        use strict; use warnings;
        use RT; RT::LoadConfig(); RT::Init();
        my $u = RT::User->new(RT->SystemUser); $u->Load("root") or die "no root user\n";
        my $t = RT::AuthToken->new(RT->SystemUser);
        my ($ok, $msg, $str) = $t->Create(Owner => $u->id, Description => "rt5-up " . scalar localtime);
        $ok or die "token create failed: $msg\n";
        print "$str\n";'
}

# ---------------------------------------------------------------- smoke test
smoke() {
    local tmp
    tmp=$(mktemp -d); SMOKE_TMP=$tmp   # removed by the EXIT trap
    local AUTH_B=(-u "root:${RT_ROOT_PW}")
    local token; token=$(cat "$STATE_DIR/token")
    local AUTH_T=(-H "Authorization: token ${token}")
    local J=(-H 'Content-Type: application/json')
    req() { # req OUTFILE curl-args... ; echoes HTTP status
        local out=$1; shift
        curl -sS --max-time 60 -o "$out" -w '%{http_code}' "$@"
    }
    local code

    code=$(req "$tmp/rt.json" "${AUTH_B[@]}" "$RT_URL/REST/2.0/rt")
    [ "$code" = 200 ] || { cat "$tmp/rt.json" >&2; die "basic auth GET /rt -> $code"; }
    log "basic auth ok: $(jq -c . "$tmp/rt.json")"
    code=$(req "$tmp/rt2.json" "${AUTH_T[@]}" "$RT_URL/REST/2.0/rt")
    [ "$code" = 200 ] || die "token auth GET /rt -> $code"
    log "token auth ok"
    code=$(req "$tmp/bad.json" -u root:wrong-password "$RT_URL/REST/2.0/rt")
    [ "$code" = 401 ] || die "wrong password should give 401, got $code"

    # 1. create ticket
    jq -n '{Queue:"General", Subject:"rt5-up smoke test", Content:"created by rt5-up.sh", ContentType:"text/plain"}' >"$tmp/create.json"
    code=$(req "$tmp/created.json" "${AUTH_T[@]}" "${J[@]}" --data-binary @"$tmp/create.json" "$RT_URL/REST/2.0/ticket")
    [ "$code" = 201 ] || { cat "$tmp/created.json" >&2; die "POST /ticket -> $code"; }
    local id; id=$(jq -r .id "$tmp/created.json")
    log "created ticket $id: $(jq -c . "$tmp/created.json")"

    # 2. comment with two attachments, JSON + base64
    printf '# Findings\n\n- **disk**: 93%% full\r\n- unicode: \xc3\xa9\xe2\x9c\x93\n' >"$tmp/summary.md"
    printf '{"findings":[{"id":1,"severity":"warn","msg":"disk \\u00e9"}],"n":1}' >"$tmp/findings.json"
    base64 -w0 "$tmp/summary.md" >"$tmp/summary.md.b64"
    base64 -w0 "$tmp/findings.json" >"$tmp/findings.json.b64"
    # --rawfile, not --arg "$(base64 ...)": one argv string is capped at 128 KiB
    jq -n --rawfile md "$tmp/summary.md.b64" --rawfile js "$tmp/findings.json.b64" '{
        Subject: "diagnostics", Content: "Diagnostic findings attached.", ContentType: "text/plain",
        Attachments: [
          {FileName: "summary.md",    FileType: "text/markdown",    FileContent: $md},
          {FileName: "findings.json", FileType: "application/json", FileContent: $js} ] }' >"$tmp/comment.json"
    code=$(req "$tmp/commented.json" "${AUTH_T[@]}" "${J[@]}" --data-binary @"$tmp/comment.json" "$RT_URL/REST/2.0/ticket/$id/comment")
    [ "$code" = 201 ] || { cat "$tmp/commented.json" >&2; die "POST /ticket/$id/comment (JSON) -> $code"; }
    log "JSON comment: $(jq -c . "$tmp/commented.json")"

    # 3. comment with an attachment, multipart/form-data
    printf '<html><body><h1>report</h1></body></html>\n' >"$tmp/report.html"
    code=$(req "$tmp/commented2.json" "${AUTH_T[@]}" \
        -F 'JSON={"Content":"multipart comment","ContentType":"text/plain"};type=application/json' \
        -F "Attachments=@$tmp/report.html;type=text/html" \
        -F "Attachments=@$tmp/summary.md;type=text/markdown" \
        "$RT_URL/REST/2.0/ticket/$id/comment")
    [ "$code" = 201 ] || { cat "$tmp/commented2.json" >&2; die "POST /ticket/$id/comment (multipart) -> $code"; }
    log "multipart comment: $(jq -c . "$tmp/commented2.json")"

    # 4. read back: attachments collection of the ticket, then each attachment
    code=$(req "$tmp/atts.json" "${AUTH_T[@]}" "$RT_URL/REST/2.0/ticket/$id/attachments?per_page=100&fields=Filename,ContentType,ContentLength,TransactionId")
    [ "$code" = 200 ] || { cat "$tmp/atts.json" >&2; die "GET /ticket/$id/attachments -> $code"; }
    local f ok=0 n
    for f in summary.md findings.json report.html; do
        n=0
        for aid in $(jq -r --arg f "$f" '.items[] | select(.Filename==$f) | .id' "$tmp/atts.json"); do
            code=$(req "$tmp/att-$aid.json" "${AUTH_T[@]}" "$RT_URL/REST/2.0/attachment/$aid")
            [ "$code" = 200 ] || die "GET /attachment/$aid -> $code"
            jq -r .Content "$tmp/att-$aid.json" | base64 -d >"$tmp/back-$aid"
            cmp -s "$tmp/$f" "$tmp/back-$aid" || { log "attachment $aid ($f) differs:"; cmp "$tmp/$f" "$tmp/back-$aid" >&2 || true; die "attachment bytes differ"; }
            n=$((n+1))
        done
        [ "$n" -ge 1 ] || { jq -c '.items[] | {id,Filename,ContentType}' "$tmp/atts.json" >&2; die "attachment $f not found on ticket $id"; }
        log "attachment $f: $n copy(ies), bytes identical"
        ok=$((ok+1))
    done

    # 5. history shows the comment transactions
    code=$(req "$tmp/hist.json" "${AUTH_T[@]}" "$RT_URL/REST/2.0/ticket/$id/history?per_page=100&fields=Type,Creator")
    [ "$code" = 200 ] || die "GET /ticket/$id/history -> $code"
    [ "$(jq '[.items[] | select(.Type=="Comment")] | length' "$tmp/hist.json")" -ge 2 ] || { jq -c . "$tmp/hist.json" >&2; die "history lacks 2 Comment transactions"; }
    log "history: $(jq -c '[.items[] | .Type]' "$tmp/hist.json")"
    log "SMOKE OK: ticket $id, $ok attachments verified byte-for-byte"
}

# ---------------------------------------------------------------- purge
purge_rt() {
    # Undo everything: server, packages (RT first, while dbconfig-common is
    # still there to clean up after it), database, config, our state dir.
    stop_server
    local deps=()
    [ -s "$STATE_DIR/added-packages" ] && [ "${RT_PURGE_DEPS:-1}" = 1 ] && mapfile -t deps <"$STATE_DIR/added-packages"
    export DEBIAN_FRONTEND=noninteractive
    log "purging request-tracker5 and rt5-*"
    apt-get purge -y -q "${APT_LOCK[@]}" request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients >/dev/null
    if [ "${#deps[@]}" -gt 0 ]; then
        mapfile -t deps < <(dpkg-query -W -f='${Package} ${Status}\n' "${deps[@]}" 2>/dev/null | awk '/ok installed/{print $1}')
    fi
    if [ "${#deps[@]}" -gt 0 ]; then
        # never take down packages that something else has started to depend on
        local extra
        extra=$(apt-get purge -s "${deps[@]}" 2>/dev/null | awk '/^Purg /{print $2}' | sort \
                | comm -23 - <(printf '%s\n' "${deps[@]}" | sort) | tr '\n' ' ')
        if [ -n "$extra" ]; then
            log "NOT purging the ${#deps[@]} dependency packages: that would also remove: $extra"
        else
            log "purging the ${#deps[@]} packages rt5-up installed (RT_PURGE_DEPS=0 keeps them)"
            apt-get purge -y -q "${APT_LOCK[@]}" "${deps[@]}" >/dev/null
        fi
    fi
    rm -rf /etc/request-tracker5 /var/lib/dbconfig-common/sqlite3/request-tracker5 \
           /var/lib/request-tracker5 /var/cache/request-tracker5 /var/log/request-tracker5 "$STATE_DIR"
    if command -v ucf >/dev/null 2>&1; then
        local f
        for f in "${UCF_FILES[@]}"; do
            [ -e "$f" ] || { ucf --purge "$f" 2>/dev/null || true; ucfr --purge request-tracker5 "$f" 2>/dev/null || true; }
        done
    fi
    log "purged"
}

# ---------------------------------------------------------------- main
cmd="${1:-up}"
# one rt5-up at a time (parallel CI jobs, a test runner racing a human)
exec 9>/var/lock/rt5-up.lock
flock -w 900 9 || die "another rt5-up.sh holds /var/lock/rt5-up.lock"
mkdir -p "$STATE_DIR"; chmod 0750 "$STATE_DIR"
case "$cmd" in
stop)   stop_server; exit 0 ;;
purge)  purge_rt; exit 0 ;;
status)
    if pid=$(server_pid) && answering; then echo "running pid $pid at $RT_URL"; cat "$ENVFILE" 2>/dev/null; exit 0; fi
    echo "not running"; exit 3 ;;
up|start|smoke) ;;
*) die "usage: $0 [up|start|smoke|stop|status|purge]" ;;
esac

if [ "$cmd" != smoke ]; then
    T_ALL=$(now)
    rt_installed || install_rt
    fix_perms
    changed=0; write_snippet && changed=1
    if pid=$(server_pid); then
        if [ "$changed" = 1 ] || ! answering; then stop_server; start_server; else log "rt-server already running (pid $pid)"; fi
    else
        (exec 3<>"/dev/tcp/$RT_HOST/$RT_PORT") 2>/dev/null && die "port $RT_PORT on $RT_HOST is taken by another process; set RT_PORT"
        start_server
    fi
    if [ ! -s "$STATE_DIR/token" ]; then
        make_token >"$STATE_DIR/token.tmp" && mv "$STATE_DIR/token.tmp" "$STATE_DIR/token"
        chmod 0640 "$STATE_DIR/token"
        log "created auth token for root"
    fi
    cat >"$ENVFILE" <<EOF
RT_URL=$RT_URL
RT_REST2=$RT_URL/REST/2.0
RT_USER=root
RT_PASSWORD=$RT_ROOT_PW
RT_TOKEN=$(cat "$STATE_DIR/token")
RT_PID=$(cat "$PIDFILE")
EOF
    log "ready in $(elapsed "$T_ALL") s; connection details in $ENVFILE"
fi
[ "$cmd" = start ] || smoke
