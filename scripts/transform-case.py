#!/usr/bin/env python3
"""Metamorphic transformations of an rdpcause case: a copy of the case that must get the same answer.

Each transformation reads an existing case (a folder, or a SampleLogs `.zip` / `.tar.zst`) and
writes a transformed copy of it to a new folder, leaving out `expected.json` (the answer key is
the original's). None of them changes what happened, so none may change the verdict or the top
cause:

  identity        the case as a plain folder (archives extracted)
  other-sessions  5–30 other users' healthy sessions on the failing host within ±10 min of the
                  failure (261, 131, 1149, 4624, LSM 21/22 and their ends), each with its own
                  user, client address and ActivityID; never while the case's own records show
                  that nobody could connect (a stopped service, a sleeping host; a broken
                  certificate or key, or a blocking rule only ends sessions established before),
                  and never in a case tagged `no-other-clients` (whether other clients connect
                  after a client's update is what its answer turns on)
  scanner-burst   an internet scanner's burst (Schannel 36874/36888, 261, 131, 139, 4625 type 3,
                  140 from one internet address) a whole number of hours from the failure
  utf16           every event log re-encoded as UTF-16 with a BOM (LE; files already LE become BE)
  rename          every file and folder renamed to a neutral name
  split           every log of two or more events split into two files
  reverse-order   the events of every log in the opposite order (oldest-first <-> newest-first)
  export-form     every log converted to the other export form: Event Viewer's "Save as XML"
                  (<Events>, RenderingInfo) becomes `wevtutil qe /f:xml` (root-less <Event>s);
                  wevtutil output becomes Event Viewer's form when every record has a known
                  message, else `wevtutil qe /e:Events` (an <Events> root, no RenderingInfo)

Added records are only placed where every affected log already covers their time, so no log's
coverage changes; a transformation that cannot apply to a case says why and writes nothing.

Usage: python3 scripts/transform-case.py --jobs JOBS.json [--corpus DIR]
JOBS.json is a list of {"case": PATH, "out": DIR, "transform": NAME, "expected": PATH}; one JSON
result per job is printed on standard output: {"out", "transform", "applied", "reason"}.
"""

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scenario_kit as kit  # noqa: E402
from scenario_kit import S, TICKS, msl  # noqa: E402

TRANSFORMS = ("identity", "other-sessions", "scanner-burst", "utf16", "rename", "split", "reverse-order", "export-form")
ANSWER_KEY = re.compile(r"(^|/)([^/]*\.)?expected\.json$")
EVENT_RE = re.compile(r"<Event[\s>].*?</Event>", re.S)
TIME_RE = re.compile(r"SystemTime=['\"]([^'\"]+)['\"]")
CHANNEL_RE = re.compile(r"<Channel>([^<]*)</Channel>")
COMPUTER_RE = re.compile(r"<Computer>([^<]*)</Computer>")
EVENTID_RE = re.compile(r"<EventID(?:\s[^>]*)?>(\d+)</EventID>")
RECORD_RE = re.compile(r"<EventRecordID>(\d+)</EventRecordID>")
RENDERING_RE = re.compile(r"<RenderingInfo[\s>].*?</RenderingInfo>", re.S)
DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


class NotApplicable(Exception):
    pass


# --------------------------------------------------------------------------- reading a case

def read_case(path):
    """[(relative path, bytes)] of a case folder or archive, answer keys left out."""
    files = []
    if os.path.isdir(path):
        for dp, dns, fns in os.walk(path):
            dns.sort()
            for fn in sorted(fns):
                full = os.path.join(dp, fn)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                with open(full, "rb") as f:
                    files.append((rel, f.read()))
    elif path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files.append((info.filename, z.read(info)))
    elif path.endswith((".tar.zst", ".tzst")):
        raw = subprocess.run(["zstd", "-dc", path], stdout=subprocess.PIPE, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(raw)) as t:
            for m in t.getmembers():
                if m.isfile():
                    files.append((m.name[2:] if m.name.startswith("./") else m.name, t.extractfile(m).read()))
    else:
        raise NotApplicable("not a case folder or a .zip/.tar.zst archive: %s" % path)
    return [(rel, data) for rel, data in files if not ANSWER_KEY.search(rel)]


def write_case(out, files):
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    msl.write_folder(out, ".", files)


# --------------------------------------------------------------------------- one event log file

class Log:
    """An exported event log: its encoding, export form, order and events (each as its text)."""

    def __init__(self, rel, data):
        self.rel = rel
        if data.startswith(b"\xff\xfe"):
            self.encoding, text = "utf-16-le", data[2:].decode("utf-16-le")
        elif data.startswith(b"\xfe\xff"):
            self.encoding, text = "utf-16-be", data[2:].decode("utf-16-be")
        elif data.startswith(b"\xef\xbb\xbf"):
            self.encoding, text = "utf-8-sig", data[3:].decode("utf-8")
        else:
            self.encoding, text = "utf-8", data.decode("utf-8")
        first = EVENT_RE.search(text)
        self.events = EVENT_RE.findall(text)
        head = text[:first.start()] if first else text
        self.form = "ev" if "<Events" in head else "wevtutil"
        self.declaration = bool(DECL_RE.match(text))
        self.rendered = bool(self.events) and "<RenderingInfo" in self.events[0]
        self.times = [msl.ticks_of(TIME_RE.search(e).group(1)) for e in self.events]
        ch = CHANNEL_RE.search(self.events[0]) if self.events else None
        self.channel = ch.group(1) if ch else ""
        co = COMPUTER_RE.search(self.events[0]) if self.events else None
        self.computer = co.group(1) if co else ""

    @property
    def newest_first(self):
        return len(self.times) > 1 and self.times[0] > self.times[-1]

    def covers(self, t, exported_at=None):
        """Whether `t` lies between the log's first record and its export (its last record, or the
        latest record of any log exported with it)."""
        return bool(self.times) and min(self.times) <= t <= max(max(self.times), exported_at or 0)

    def encode(self, events=None, form=None, encoding=None, declaration=None):
        events = self.events if events is None else events
        form = form or self.form
        encoding = encoding or self.encoding
        declaration = self.declaration if declaration is None else declaration
        if form == "ev":
            body = "<Events>" + "".join(events) + "</Events>"
            if declaration:
                enc_name = "utf-16" if encoding.startswith("utf-16") else "utf-8"
                body = '<?xml version="1.0" encoding="%s" standalone="yes"?>\r\n' % enc_name + body
        else:
            body = "".join(e + "\r\n" for e in events)
        if encoding == "utf-16-le":
            return b"\xff\xfe" + body.encode("utf-16-le")
        if encoding == "utf-16-be":
            return b"\xfe\xff" + body.encode("utf-16-be")
        if encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + body.encode("utf-8")
        return body.encode("utf-8")


def logs_of(files):
    """{relative path: Log} for every file holding Windows events."""
    result = {}
    for rel, data in files:
        if rel.lower().endswith(".xml"):
            log = Log(rel, data)
            if log.events:
                result[rel] = log
    return result


# --------------------------------------------------------------------------- format transformations

def t_utf16(files, ctx):
    logs = logs_of(files)
    out = []
    for rel, data in files:
        log = logs.get(rel)
        if log is None:
            out.append((rel, data))
            continue
        target = "utf-16-be" if log.encoding == "utf-16-le" else "utf-16-le"
        out.append((rel, log.encode(encoding=target)))
    return out


def t_rename(files, ctx):
    folders = {}
    out = []
    for i, (rel, data) in enumerate(files):
        parts = rel.split("/")
        dirs = []
        for d in parts[:-1]:
            key = "/".join(dirs + [d])
            folders.setdefault(key, "d%02d" % (len(folders) + 1))
            dirs.append(d)
        new_dirs = [folders["/".join(parts[:k + 1])] for k in range(len(parts) - 1)]
        ext = os.path.splitext(parts[-1])[1].lower()
        out.append(("/".join(new_dirs + ["f%02d%s" % (i + 1, ext)]), data))
    return out


def t_split(files, ctx):
    logs = logs_of(files)
    out = []
    for rel, data in files:
        log = logs.get(rel)
        if log is None or len(log.events) < 2:
            out.append((rel, data))
            continue
        half = len(log.events) // 2
        stem = rel[:-4]
        out.append((stem + "-1of2.xml", log.encode(events=log.events[:half])))
        out.append((stem + "-2of2.xml", log.encode(events=log.events[half:])))
    return out


def t_reverse(files, ctx):
    logs = logs_of(files)
    return [(rel, logs[rel].encode(events=logs[rel].events[::-1]) if rel in logs else data) for rel, data in files]


def rendering_of(event_text):
    """Event Viewer's RenderingInfo for a record, or None when its English message is not known."""
    e = msl.parse_corpus_event(RENDERING_RE.sub("", event_text), "case")
    if e is None:
        return None
    try:
        return msl.rendering_info(e)
    except (KeyError, IndexError, ValueError):  # a record version whose fields the message does not fit
        return None


def t_export_form(files, ctx):
    logs = logs_of(files)
    out = []
    for rel, data in files:
        log = logs.get(rel)
        if log is None:
            out.append((rel, data))
            continue
        if log.form == "ev":
            events = [RENDERING_RE.sub("", e) for e in log.events]
            out.append((rel, log.encode(events=events, form="wevtutil", declaration=False)))
            continue
        renderings = [rendering_of(e) for e in log.events]
        if all(renderings):
            events = [e[:-len("</Event>")] + r + "</Event>" for e, r in zip(log.events, renderings)]
            out.append((rel, log.encode(events=events, form="ev", encoding="utf-8", declaration=True)))
        else:
            out.append((rel, log.encode(form="ev", declaration=False)))
    return out


# --------------------------------------------------------------------------- the failing host

def first_label(name):
    return (name or "").split(".")[0].lower()


class HostView:
    """The failing host's logs in a case, and what its records say about who could connect when."""

    def __init__(self, files, expected):
        host = (expected or {}).get("host")
        if not host:
            raise NotApplicable("the answer key names no host")
        self.logs = {rel: log for rel, log in logs_of(files).items()
                     if first_label(log.computer) == first_label(host) and log.channel != msl.LOGS["Client"][0]}
        if not self.logs:
            raise NotApplicable("the case holds no log of its host %s" % host)
        self.computer = next(iter(self.logs.values())).computer
        self.by_kind = {}
        for kind, (channel, _) in msl.LOGS.items():
            found = [log for log in self.logs.values() if log.channel.lower() == channel.lower()]
            if found:
                self.by_kind[kind] = found[0]
        self.events = [(t, e) for log in self.logs.values() for t, e in zip(log.times, log.events)]
        self.exported_at = max(t for t, _ in self.events)  # every log of a host is exported at the same time
        self.failure = self._failure_time(expected)
        self.blocked, self.survives = self._blocked(expected.get("topCause"))

    def _failure_time(self, expected):
        for key in ("hostTime", "failureTime"):
            if expected.get(key):
                return msl.ticks_of(expected[key])
        rdp = sorted(t for kind in ("RCM", "Core", "LSM") if kind in self.by_kind for t in self.by_kind[kind].times)
        if not rdp:
            raise NotApplicable("no failure time and no RDP log on the host")
        return rdp[len(rdp) // 2]

    def _find(self, pred):
        return sorted(t for t, e in self.events if pred(e))

    def _blocked(self, cause):
        """[(start, end)] of the host's own records in which nobody could open a new session."""
        F = self.failure
        day = S(86400)
        inf = float("inf")
        eid = lambda e: int(EVENTID_RE.search(e).group(1))  # noqa: E731
        if cause == "rdp-service-down":
            term_down = msl.utf16hex("TermService/1")[:-4]
            term_up = msl.utf16hex("TermService/4")[:-4]
            stops = [t for t in self._find(lambda e: (eid(e) == 7036 and term_down in e) or
                                           (eid(e) in (7031, 7034) and ("TermService" in e or msl.utf16hex("TermService")[:-4] in e
                                                                        or "Remote Desktop Services<" in e)))
                     if t <= F + S(60)]
            if not stops:
                return [], False
            ups = [t for t in self._find(lambda e: (eid(e) == 7036 and term_up in e) or
                                         (eid(e) == 258 and "RemoteConnectionManager" in e)) if t > stops[-1]]
            return [(stops[-1], ups[0] if ups else inf)], False
        if cause == "host-asleep":
            sleeps = [t for t in self._find(lambda e: eid(e) == 42 and "Kernel-Power" in e) if t <= F]
            if not sleeps:
                return [], False
            wakes = [t for t in self._find(lambda e: (eid(e) == 107 and "Kernel-Power" in e) or
                                           (eid(e) == 1 and "Power-Troubleshooter" in e)) if t > sleeps[-1]]
            return [(sleeps[-1], wakes[0] if wakes else inf)], False
        if cause == "network-path":
            rule = self._find(lambda e: "Firewall" in e and eid(e) in (2004, 2005, 2006, 2097, 2099, 2052, 2071, 2073)
                              and re.search(r"3389|Remote Desktop", e))
            rule = [t for t in rule if F - 30 * day <= t <= F]
            return ([(rule[0], inf)], True) if rule else ([], False)
        if cause == "certificate-expired":
            cert = [t for t in self._find(lambda e: eid(e) in (1053, 1058) and "RemoteConnectionManager" in e)
                    if F - day <= t <= F + S(60)]
            return ([(cert[0], inf)], True) if cert else ([], False)
        if cause == "private-key-inaccessible":
            key = [t for t in self._find(lambda e: (eid(e) == 1057 and "RemoteConnectionManager" in e) or
                                         (eid(e) == 36870 and "Schannel" in e)) if F - day <= t <= F + S(60)]
            return ([(key[0], inf)], True) if key else ([], False)
        return [], False

    def is_blocked(self, t):
        return any(a <= t <= b for a, b in self.blocked)

    def guid_case(self):
        sample = "".join(self.events[i][1] for i in range(min(20, len(self.events))))
        return "lower" if re.search(r"Guid='\{[0-9a-f]{8}-", sample) else "upper"

    def modern(self):
        core = self.by_kind.get("Core")
        return core is None or any(EVENTID_RE.search(e).group(1) == "72" for e in core.events)

    def domain(self):
        """The users' domain in the host's session records nearest the failure (background records
        copied from other machines name other domains farther away)."""
        best = None
        for t, e in self.events:
            m = re.search(r"<User>([^<\\]+)\\", e) or re.search(r"Name=['\"]TargetDomainName['\"]>([^<]+)<", e)
            if m and m.group(1) not in ("-", "NT AUTHORITY", "Window Manager", "Font Driver Host"):
                if best is None or abs(t - self.failure) < best[0]:
                    best = (abs(t - self.failure), m.group(1))
        return best[1] if best else "CORP"


def all_text(files):
    chunks = []
    for rel, data in files:
        try:
            if data.startswith(b"\xff\xfe"):
                chunks.append(data[2:].decode("utf-16-le"))
            elif data.startswith(b"\xfe\xff"):
                chunks.append(data[2:].decode("utf-16-be"))
            else:
                chunks.append(data.decode("utf-8", errors="replace"))
        except UnicodeDecodeError:
            continue
    return "\n".join(chunks).lower()


class Addition:
    """Records to add to the host's logs, grouped per exported log, placed by time."""

    def __init__(self, view, scenario, machine):
        self.view, self.c, self.m = view, scenario, machine
        self.pending = {}  # rel -> [(t, text)]

    def mark(self):
        return {log: len(evs) for log, evs in self.m.logs.items()}

    def take(self, since, outside_outage=False):
        """The records synthesized since `since`, or None when one would fall outside its log's span
        (or, with `outside_outage`, inside the host's outage)."""
        batch = {}
        for kind, evs in self.m.logs.items():
            for e in evs[since.get(kind, 0):]:
                log = self.view.by_kind.get(kind)
                if log is None:
                    continue  # that log was not collected: the record is simply not in the case
                if not log.covers(e.t, self.view.exported_at) or (outside_outage and self.view.is_blocked(e.t)):
                    return None
                batch.setdefault(log.rel, []).append(e)
        return batch

    def keep(self, batch):
        for rel, evs in batch.items():
            self.pending.setdefault(rel, []).extend(evs)

    def apply(self, files):
        if not self.pending:
            raise NotApplicable("no added record fits inside the spans of the host's logs")
        out = []
        for rel, data in files:
            evs = self.pending.get(rel)
            if not evs:
                out.append((rel, data))
                continue
            log = self.view.logs[rel]
            next_id = max(int(RECORD_RE.search(e).group(1)) for e in log.events) + 1
            merged = list(zip(log.times, range(len(log.events)), log.events))
            if log.newest_first:
                merged.reverse()
            for i, e in enumerate(sorted(evs, key=lambda e: (e.t, e.seq))):
                e.rid = next_id + i
                text = msl.render_event(e, {"empty_eventdata_selfclose": False},
                                        msl.rendering_info(e) if log.rendered else None)
                merged.append((e.t, len(log.events) + i, text))
            merged.sort(key=lambda x: (x[0], x[1]))
            if log.newest_first:
                merged.reverse()
            out.append((rel, log.encode(events=[x[2] for x in merged])))
        return out


def pseudo_case(view, ctx, purpose):
    c = kit.Scenario(ctx["gen"], "transform", msl.fmt_sys(view.failure), purpose + ":" + ctx["case"])
    host = msl.host_machine("host", view.computer, "0.0.0.0", "2019" if view.modern() else "2012r2", seed=ctx["case"])
    host.guid_case = view.guid_case()
    host.modern = view.modern()
    msl.case_common(c, ctx["gen"], host, host, "transform", view.domain(), "S-1-5-21-1-2-3-500")
    return c, host


class FreshPeople(kit.People):
    """People whose names and addresses appear nowhere in the case."""

    def __init__(self, c, domain, text):
        super().__init__(c, domain, "S-1-5-21-3849201127-1129481144-2938817165", "172.31")
        self.text = text

    def person(self):
        while True:
            p = super().person()
            if p.sam not in self.text:
                return p

    def ip(self, net=None):
        while True:
            ip = super().ip(net)
            if ip not in self.text:
                return ip


def t_other_sessions(files, ctx):
    if "no-other-clients" in (ctx["expected"] or {}).get("tags", []):
        # Other clients connecting is what the case's answer turns on (a client update regression).
        raise NotApplicable("the case's point is that no other client connects to the host")
    view = HostView(files, ctx["expected"])
    if not any(k in view.by_kind for k in ("RCM", "Core", "LSM")):
        raise NotApplicable("the host's RDP logs (RCM, RdpCoreTS, LSM) are not in the case")
    c, host = pseudo_case(view, ctx, "other-sessions")
    people = FreshPeople(c, view.domain(), all_text(files))
    r = random.Random("other-sessions:" + ctx["case"])
    wanted = r.randrange(5, 31)
    add = Addition(view, c, host)
    placed = 0
    # Around the failure; when the host's outage covers all of that, just before or after the outage.
    centers = [view.failure] + [a - S(600) for a, _ in view.blocked] + [b + S(600) for _, b in view.blocked
                                                                          if b != float("inf")]
    for center in centers:
        blocked_s = [((a - center) / TICKS, (b - center) / TICKS if b != float("inf") else 1e12) for a, b in view.blocked]
        for i, plan in enumerate(kit.plan_sessions(r, wanted * 3, 600.0, blocked_s, view.survives)):
            if placed >= wanted:
                break
            since = add.mark()
            end = center + S(plan.end_s) if plan.end_s is not None else None
            kit.healthy_session(c, host, people.workstation(), people.person(), center + S(plan.start_s), 200 + placed,
                                40 + placed, end, plan.end_kind)
            batch = add.take(since)
            if batch:
                add.keep(batch)
                placed += 1
        if placed >= 5:
            return add.apply(files)
    raise NotApplicable("only %d other sessions fit inside the host's log spans outside its outage" % placed)


def t_scanner_burst(files, ctx):
    view = HostView(files, ctx["expected"])
    if not any(k in view.by_kind for k in ("System", "Core", "RCM", "Security")):
        raise NotApplicable("none of the host's System, Security, RCM or RdpCoreTS logs is in the case")
    c, host = pseudo_case(view, ctx, "scanner-burst")
    text = all_text(files)
    for k in (-1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6):
        add = Addition(view, c, host)
        host.logs.clear()
        since = add.mark()
        ip = "185.%d.%d.%d" % (k % 7 + 200, 90 + abs(k), 17)
        if ip in text:
            continue
        kit.scanner_burst(c, host, view.failure + S(k * 3600), n=120, ip=ip, rng_name="scan%d" % k)
        batch = add.take(since, outside_outage=True)
        if batch:
            add.keep(batch)
            return add.apply(files)
    raise NotApplicable("no whole-hour offset within ±6 h where the host's logs cover a scanner burst outside its outage")


def t_identity(files, ctx):
    return files


APPLY = {
    "identity": t_identity, "other-sessions": t_other_sessions, "scanner-burst": t_scanner_burst, "utf16": t_utf16,
    "rename": t_rename, "split": t_split, "reverse-order": t_reverse, "export-form": t_export_form,
}


def run_job(job, gen):
    name = job["transform"]
    result = {"out": job["out"], "transform": name, "applied": False, "reason": ""}
    try:
        if name not in APPLY:
            raise NotApplicable("unknown transformation %s (known: %s)" % (name, ", ".join(TRANSFORMS)))
        expected = None
        if job.get("expected"):
            with open(job["expected"], encoding="utf-8") as f:
                expected = json.load(f)
        files = read_case(job["case"])
        ctx = {"gen": gen, "expected": expected or {}, "case": os.path.basename(job["case"].rstrip("/"))}
        out = APPLY[name](files, ctx)
        for rel, data in out:
            validate(rel, data)
        write_case(job["out"], out)
        result["applied"] = True
    except NotApplicable as e:
        result["reason"] = str(e)
    except Exception as e:  # reported to the caller, which fails the test that asked for the job
        result["error"] = "%s: %s" % (type(e).__name__, e)
    return result


def validate(rel, data):
    """make-samplelogs.py's check (every event has its System fields), for any encoding we write."""
    if data.startswith(b"\xfe\xff"):
        data = data[2:].decode("utf-16-be").encode("utf-8")
    msl.validate_file(rel, data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", required=True, help="JSON list of {case, out, transform, expected}")
    ap.add_argument("--corpus", default=msl.DEFAULT_CORPUS)
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        kit.die("the real-event corpus is missing: %s (pass --corpus DIR)" % a.corpus)
    with open(a.jobs, encoding="utf-8") as f:
        jobs = json.load(f)
    gen = kit.Gen(a.corpus)
    for job in jobs:
        print(json.dumps(run_job(job, gen)), flush=True)


if __name__ == "__main__":
    main()
