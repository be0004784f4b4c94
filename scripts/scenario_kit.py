"""Building blocks for the generated diagnosis scenarios and their metamorphic variants.

Imported by make-scenarios.py (the scenario generator) and transform-case.py (the metamorphic
transformations). The event model, the real-corpus loading and shaping, the Windows export
forms and the client reports all come from make-samplelogs.py, which is loaded here as a module
(`msl`); this file adds what a *busy, shared* host needs on top: other users' healthy sessions
with their own users, addresses and ActivityIDs, internet scanner bursts, and the per-cause
host and client records of one failing attempt.

Event shapes follow ../shared/reference/domain-events.md (the same shapes make-samplelogs.py
synthesizes); background records are real corpus records (MIT, Apache-2.0 or CC0-1.0 only, as
make-samplelogs.py enforces).
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_samplelogs():
    name = "make_samplelogs"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, "make-samplelogs.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


msl = _load_samplelogs()
S, ED, UD = msl.S, msl.ED, msl.UD
TICKS = msl.TICKS


def die(msg):
    sys.stderr.write("%s: error: %s\n" % (os.path.basename(sys.argv[0]), msg))
    sys.exit(1)


# --------------------------------------------------------------------------- corpus

class LeanCorpus(msl.Corpus):
    """The real corpus, with System metadata looked up by a text scan.

    make-samplelogs.py parses a whole corpus log to copy one record's System metadata; for the
    largest logs (60,000 Schannel records in SZ/System) that costs a minute. The scan finds the
    same record (corpus files are sorted by EventRecordID, so the first match in the text is the
    first by record number) and parses only it.
    """

    def __init__(self, d):
        super().__init__(d)
        self.raw = {}
        self.meta_cache = {}

    def text(self, alias):
        if alias not in self.raw:
            self.raw[alias] = msl.load_corpus_text(self.dir, msl.CORPUS[alias])
        return self.raw[alias]

    def meta(self, pkey, eid):
        alias = msl.META_SOURCE.get((pkey, eid))
        if alias is None or alias in self.cache:
            return super().meta(pkey, eid)
        key = (pkey, eid)
        if key not in self.meta_cache:
            self.meta_cache[key] = self._scan_meta(alias, pkey, eid)
        return dict(self.meta_cache[key])

    def _scan_meta(self, alias, pkey, eid):
        name = msl.PROVIDERS[pkey][0]
        txt = self.text(alias)
        needle = ">%d</EventID>" % eid
        pos = 0
        while True:
            i = txt.find(needle, pos)
            if i < 0:
                die("no real %s/%d in %s" % (pkey, eid, alias))
            start = txt.rfind("<Event xmlns=", 0, i)
            end = txt.find("</Event>", i)
            e = msl.parse_corpus_event(txt[start:end + len("</Event>")], alias)
            if e is not None and e.eid == eid and e.prov == name:
                return dict(v=e.version, l=e.level, t=e.task, o=e.opcode, k=e.keywords, q=e.qual, uid=e.uid)
            pos = i + 1


class Gen:
    """What every case is built from: the corpus."""

    def __init__(self, corpus_dir):
        self.corpus = LeanCorpus(corpus_dir)


# Light corpus logs used as background, per exported log (small files keep generation fast).
NOISE = {
    "System": ("A22-System", "OB-System", "W10-System", "W11-System", "PE-System", "BK-System"),
    "Security": ("OB-Security", "A22-Security"),
    "RCM": ("BK-RCM", "OB-RCM"),
    "Core": ("BK-Core", "OB-Core"),
    "LSM": ("A22-LSM", "W10-LSM", "W11-LSM", "BK-LSM"),
    "Application": ("A22-Application", "AR-Application"),
    "FW": ("A22-FW",),
    "UPS": ("A22-UPS",),
}
NOISE_COUNT = {"System": 160, "Security": 110, "RCM": 35, "Core": 50, "LSM": 30, "Application": 60, "FW": 40, "UPS": 10}


def _not_profile_change(e):
    """Background records leave out Firewall 2010 (network profile changed): the profile decides which
    firewall rules apply, so a case's profile is part of its story, never noise."""
    return not (e.prov == "Microsoft-Windows-Windows Firewall With Advanced Security" and e.eid == 2010)


class Scenario(msl.Case):
    """One generated case: a Case of make-samplelogs.py with its own seed namespace and tags."""

    def __init__(self, gen, name, t_fail, seed):
        super().__init__(gen, name, t_fail)
        self.seed = "rdpcause-scenarios:%s:%s" % (seed, name)
        self.tags = []
        self.sec_act = msl.new_guid(self.rng("secact"), "upper")
        self.host_logs = {}  # machine name -> list of logs exported

    def background(self, m, logs, span_before_s, span_after_s, quiet_before_s=2700, quiet_after_s=1800):
        """Real corpus records in every exported log of `m`, none of the RDP-session kind near the failure."""
        T = self.T
        self.quiet.append((m, T + m.skew - S(quiet_before_s), T + m.skew + S(quiet_after_s)))
        r = self.rng("background:" + m.name)
        for log in logs:
            alias = r.choice(NOISE[log])
            self.noise(m, log, alias, NOISE_COUNT[log], T - S(span_before_s), T + S(span_after_s), keep=_not_profile_change)

    def export_host(self, m, folder, logs, forms=None):
        """Writes the host's logs in a mix of Windows export forms chosen by the case's seed."""
        r = self.rng("forms:" + m.name)
        forms = forms or {}
        for log in logs:
            fmt, order, enc = forms.get(log) or (r.choice(("wevtutil", "wevtutil", "ev")),
                                                  r.choice(("asc", "asc", "asc", "desc")),
                                                  r.choice(("utf-8", "utf-8", "utf-16")))
            if fmt == "ev" and not renderable(m, log):
                fmt = "wevtutil"
            if fmt == "ev":
                enc = "utf-8"  # Event Viewer saves UTF-8 (its declaration says so)
            self.write_log(m, log, folder, fmt=fmt, order=order, enc=enc, rid_base=msl.rid_base(self, m, log),
                           empty_selfclose=m.os in ("2022", "win11"))
        self.host_logs[m.name] = list(logs)

    def export_client(self, m, folder, form=None):
        r = self.rng("forms:" + m.name)
        fmt, order = form or (r.choice(("wevtutil", "ev")), r.choice(("asc", "desc")))
        self.write_log(m, "Client", folder, fmt=fmt, order=order, rid_base=msl.rid_base(self, m, "Client"))
        if m.logs.get("System"):
            # The client's System log, when a story wrote one (Windows Update records).
            self.write_log(m, "System", folder, rid_base=msl.rid_base(self, m, "System"))


def renderable(m, log):
    """Whether Event Viewer's form can hold every record of the log.

    make-samplelogs.py renders RenderingInfo only for records whose English message it knows and
    leaves the others out of an Event Viewer save; a log is written in that form only when no
    record would be left out.
    """
    return all(msl.rendering_info(e) is not None for e in m.logs.get(log, []))


# --------------------------------------------------------------------------- people and machines

FIRST = ("Anna", "Ben", "Chloe", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Luca", "Mona",
         "Nils", "Olga", "Pavel", "Rania", "Sven", "Tara", "Umut", "Vera", "Wim", "Yara", "Zoe", "Aylin", "Bruno",
         "Carla", "Dario", "Emma", "Felix", "Gwen", "Henrik", "Iris", "Jule", "Kenji", "Lea", "Malik", "Nora", "Oskar",
         "Paula", "Quentin", "Rosa", "Samir", "Tilda", "Uwe", "Valentin", "Wanda", "Xenia", "Yusuf", "Zlatan")
LAST = ("Albers", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jansen",
        "Keller", "Lambert", "Moreau", "Novak", "Olsen", "Peters", "Quinn", "Richter", "Schulz", "Traore", "Ulrich",
        "Vogel", "Weber", "Yilmaz", "Zimmer", "Bauer", "Colin", "Durand", "Engel", "Fontaine", "Girard", "Hahn")


class Person:
    def __init__(self, first, last, domain, sid):
        self.first, self.last, self.domain, self.sid = first, last, domain, sid
        self.sam = (first[0] + last).lower().replace(" ", "")

    @property
    def full(self):
        return "%s %s" % (self.first, self.last)

    @property
    def down(self):
        return "%s\\%s" % (self.domain, self.sam)


class People:
    """Distinct users, client machines and addresses for one case (nothing repeats inside a case)."""

    def __init__(self, c, domain, sid_base, net):
        self.c, self.domain, self.sid_base, self.net = c, domain, sid_base, net
        self.r = c.rng("people")
        self.used_names, self.used_ips, self.used_wks = set(), set(), set()

    def person(self):
        while True:
            p = Person(self.r.choice(FIRST), self.r.choice(LAST), self.domain,
                       "%s-%d" % (self.sid_base, self.r.randrange(1100, 9800)))
            if p.sam not in self.used_names:
                self.used_names.add(p.sam)
                return p

    def ip(self, net=None):
        prefix = net or self.net
        while True:
            if prefix.count(".") == 2:
                ip = "%s.%d" % (prefix, self.r.randrange(2, 250))
            else:
                ip = "%s.%d.%d" % (prefix, self.r.randrange(1, 250), self.r.randrange(2, 250))
            if ip not in self.used_ips:
                self.used_ips.add(ip)
                return ip

    def workstation(self, prefix="WKS", net=None, skew_s=0.0):
        while True:
            name = "%s-%03d" % (prefix, self.r.randrange(10, 999))
            if name not in self.used_wks:
                self.used_wks.add(name)
                return msl.client_machine(name, self.ip(net), skew_s=skew_s, seed=self.c.seed)


def security_4624_as(c, m, t, person, logon_id, ip):
    """A type-10 logon (4624) of `person` (make-samplelogs' builder, with that person's SID)."""
    saved = c.user_sid
    c.user_sid = person.sid
    try:
        msl.security_4624(c, m, t, person.sam, person.domain, logon_id, ip)
    finally:
        c.user_sid = saved


# --------------------------------------------------------------------------- other users

class SessionPlan:
    """When another user's session starts and ends, relative to the failure (true seconds)."""

    def __init__(self, start_s, end_s, end_kind):
        self.start_s, self.end_s, self.end_kind = start_s, end_s, end_kind


def plan_sessions(r, n, spread_s=600.0, blocked=(), survives=False, horizon_s=3600.0):
    """`n` session plans around the failure (seconds relative to it), consistent with `blocked`.

    Outside the blocked intervals a session starts within ±spread_s; half of them end within the
    hour (disconnect or logoff), the others outlive the case; one that starts before a blocked
    interval ends before it begins (a stopped service or a sleeping host ends every session).
    Inside a blocked interval nobody can connect; when established sessions `survive` the cause
    (a broken certificate or key, a new firewall rule: only new connections fail), the session
    was established before the interval began and ends (disconnect or logoff) within ±spread_s.
    """
    plans = []
    tries = 0
    while len(plans) < n and tries < n * 50:
        tries += 1
        s = r.uniform(-spread_s, spread_s)
        inside = [(a, b) for a, b in blocked if a - 5 <= s <= b + 5]
        kind = r.choice(("disconnect", "logoff"))
        if inside:
            if survives and inside[0][0] > -1e12:
                start = max(inside[0][0], -12 * 3600.0) - r.uniform(300, 5400)
                plans.append(SessionPlan(start, s, kind))
            continue
        nxt = min((a for a, _ in blocked if a > s), default=None)
        end = s + r.uniform(240, horizon_s) if r.random() < 0.5 else None
        if nxt is not None and (end is None or end > nxt - 2):
            if nxt - s <= 30:
                continue
            end = max(s + 20.0, nxt - r.uniform(5, 60))
        plans.append(SessionPlan(s, end, kind))
    return sorted(plans, key=lambda p: p.start_s)


def healthy_session(c, host, client, person, t0, conn_no, session_id, end_t=None, end_kind="logoff", target=None):
    """Another user's complete, healthy connection as the host logs it (261 → 131 → 1149 → 4624 →
    LSM 21/22), with its own client address, user and ActivityID, and its end when `end_t` is set."""
    conn = msl.Conn(c, client, host, t0, c.rng("port").randrange(49152, 65535), conn_no, target or host.computer)
    modern = getattr(host, "modern", True)
    conn.h_reach(0.0, modern=modern)
    conn.h_auth_ok(1.1 + c.rng("auth").random() * 0.6, person.sam, person.domain, session_id)
    t = t0 + S(2.2)
    a = conn.act_host
    c.ev(host, "LSM", "LSM", 41, t, UD(("User", person.down), ("SessionID", str(session_id))), act=a)
    c.ev(host, "LSM", "LSM", 42, t + S(0.031), UD(("User", person.down), ("SessionID", str(session_id))), act=a)
    logon_id = "0x%x" % c.rng("logonid").randrange(0x1000000, 0x8000000)
    security_4624_as(c, host, t + S(0.12), person, logon_id, client.ip)
    c.ev(host, "LSM", "LSM", 21, t + S(0.19), UD(("User", person.down), ("SessionID", str(session_id)), ("Address", client.ip)), act=a)
    c.ev(host, "LSM", "LSM", 22, t + S(0.26), UD(("User", person.down), ("SessionID", str(session_id)), ("Address", client.ip)), act=a)
    if end_t is not None:
        if end_kind == "disconnect":
            c.ev(host, "LSM", "LSM", 40, end_t, UD(("Session", str(session_id)), ("Reason", "11")), act=a)
            c.ev(host, "LSM", "LSM", 24, end_t + S(0.12), UD(("User", person.down), ("SessionID", str(session_id)), ("Address", client.ip)), act=a)
            conn.h_close((end_t - t0) / TICKS + 0.05, "11", modern=modern)
        else:
            c.ev(host, "LSM", "LSM", 40, end_t, UD(("Session", str(session_id)), ("Reason", "12")), act=a)
            conn.h_close((end_t - t0) / TICKS + 0.05, "12", modern=modern)
            c.ev(host, "LSM", "LSM", 23, end_t + S(2.4), UD(("User", person.down), ("SessionID", str(session_id))), act=a)
    return conn


def busy_host(c, host, people, n, around, blocked=(), survives=False, spread_s=600.0, net=None, first_conn=40,
              first_session=3):
    """`n` other users' sessions on `host` around `around` (true UTC ticks); see plan_sessions."""
    r = c.rng("busy:" + host.name)
    blocked_s = [((a - around) / TICKS, (b - around) / TICKS if b != float("inf") else 1e12) for a, b in blocked]
    sessions = []
    for i, p in enumerate(plan_sessions(r, n, spread_s, blocked_s, survives)):
        person = people.person()
        client = people.workstation(net=net)
        t0 = around + S(p.start_s)
        end_t = around + S(p.end_s) if p.end_s is not None else None
        sessions.append(healthy_session(c, host, client, person, t0, first_conn + i, first_session + i, end_t, p.end_kind))
    return sessions


def failing_others(c, host, people, n, around, spread_s, attempt, net=None):
    """Other users' attempts failing the same way (a host-wide cause hits everyone who connects)."""
    r = c.rng("failing-others:" + host.name)
    for i in range(n):
        client = people.workstation(net=net)
        t0 = around + S(r.uniform(-spread_s, spread_s))
        conn = msl.Conn(c, client, host, t0, r.randrange(49152, 65535), 90 + i, host.computer)
        attempt(conn)


# --------------------------------------------------------------------------- scanner bursts

def scanner_burst(c, host, center, n=150, ip="45.155.205.%d", rng_name="scan", kind="mixed"):
    """An internet scanner hammering the RDP port for a few minutes around `center` (true UTC ticks).

    Every connection leaves the listener and stack records (261, 131); `kind` says what follows:
    TLS handshakes the server rejects (Schannel 36874 + 36888, RdpCoreTS 139: "tls"), a password
    spray (4625 type 3, RdpCoreTS 140: "spray"), or both, one connection in three spraying
    ("mixed"). The shape is that of the real scanning in SZ/System and OB/RdpCoreTS
    (corpus-inventory.md)."""
    r = c.rng(rng_name)
    src = ip % r.randrange(10, 250) if "%d" in ip else ip
    start = center - S(n * 0.55)
    users = ("administrator", "admin", "user", "test", "guest", "scanner", "backup", "sql", "support")
    for i in range(n):
        t = start + S(i * 1.1 + r.random() * 0.5)
        port = r.randrange(1024, 65535)
        act = msl.new_guid(r, "upper", tail0000=True)
        c.ev(host, "RCM", "RCM", 261, t, UD(("listenerName", "RDP-Tcp")), act=act)
        c.ev(host, "Core", "CORE", 131, t + S(0.0011), ED(("ConnType", "TCP"), ("ClientIP", "%s:%d" % (src, port))), act=act)
        if kind == "spray" or (kind == "mixed" and i % 3 == 2):
            c.security_4625(host, t + S(0.61), r.choice(users), "", "0xc000006d", "%%2313", "0xc0000064", "3", src,
                            str(port), "-")
            c.ev(host, "Core", "CORE", 140, t + S(0.62), ED(("IPString", src)), act=act)
        else:
            c.ev(host, "System", "Schannel", 36874, t + S(0.041), ED(("Protocol", "TLS 1.0")))
            c.ev(host, "System", "Schannel", 36888, t + S(0.041), ED(("AlertDesc", "40"), ("ErrorState", "1205")))
            c.ev(host, "Core", "CORE", 139, t + S(0.0413), ED(("ResultCode", "0x80090304"), ("IPString", src)), act=act)
    return src
