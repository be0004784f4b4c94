#!/usr/bin/env python3
"""Generate realistic diagnosis scenarios for rdpcause (deterministic, seeded; never committed).

Each scenario is a help-desk case folder like those in SampleLogs/ (client and host event logs
in Windows export forms, the user's pasted error text and/or its JSON form, ticket.txt) plus
`expected.json` in the SampleLogs format, with these additions: `tags` (what makes the case
hard), `hostTime` (the failure on the host's clock when it differs), `failures` (one entry per
failure when a case holds several) and `failureCount`.

The cases model what real help desks collect (../shared/reference/domain-events.md): busy
shared session hosts where 5–30 other users connect around the failure, tickets naming several
users and hosts in labelled lines, hearsay tickets whose client log shows only clean
disconnects, cases without any client artefact, internet scanner bursts a whole number of hours
away from the failure, client and host clocks minutes apart, targets typed as IP addresses,
and German or French tickets and user notes. The expected answers follow how Windows and help
desks behave, not what any version of rdpcause says.

Only the error-code hex values, the timestamp shapes and the English Windows strings already
used by make-samplelogs.py appear as Windows text; German and French text is written by the
(invented) users and help-desk staff, never presented as a translated Windows dialog.

Usage: python3 scripts/make-scenarios.py --out DIR [--seed N] [--only ID,...] [--corpus DIR]
Writes DIR/<id>/ per case and DIR/INDEX.json; the same seed gives byte-identical output.
Needs only the Python 3 standard library and the `zstd` command-line tool.
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scenario_causes as sc  # noqa: E402
import scenario_evidence  # noqa: E402
import scenario_situations  # noqa: E402
import scenario_update  # noqa: E402
import scenario_gateway  # noqa: E402
from scenario_kit import S, Gen, People, Scenario, busy_host, die, failing_others, msl, scanner_burst  # noqa: E402

DEFAULT_SEED = "2026"

# --------------------------------------------------------------------------- sites

DOMAINS = (
    ("CORP", "corp.example", "S-1-5-21-1844237615-456789012-3321445566", "10.20"),
    ("CONTOSO", "contoso.local", "S-1-5-21-3016519923-2209417701-1208395514", "172.16"),
    ("FIN", "fin.example.org", "S-1-5-21-611478890-2770413359-3906014472", "10.40"),
    ("UKCORP", "ukcorp.example", "S-1-5-21-4129930218-1370094188-2893417703", "10.30"),
)
HOST_PREFIXES = ("RDSH", "TS", "APPSRV", "JUMP", "FINSRV", "CTX", "VDI-POOL")

# Zones: (abbreviation as users write it, UTC offset in hours), by season.
ZONES = {
    "eu": (("CET", 1), ("CEST", 2)),
    "uk": (("GMT", 0), ("BST", 1)),
    "us-east": (("EST", -5), ("EDT", -4)),
    "in": (("IST", 5.5), ("IST", 5.5)),
    "jp": (("JST", 9), ("JST", 9)),
    "de": (("MEZ", 1), ("MESZ", 2)),
    "fr": (("UTC+1", 1), ("UTC+2", 2)),
    "fr-ca": (("UTC-5", -5), ("UTC-4", -4)),
}
WINTER = (1, 2, 11, 12)
SUMMER = (5, 6, 7, 8, 9)


def zone_of(key, month):
    winter, summer = ZONES[key]
    return winter if month in WINTER else summer


# --------------------------------------------------------------------------- reports and tickets

def fmt_local(t, shape):
    d = msl.dt_of(t)
    if shape == "de":
        return d.strftime("%d.%m.%Y %H:%M:%S")
    if shape == "fr":
        return d.strftime("%d/%m/%Y %H:%M:%S")
    return d.strftime("%Y-%m-%d %H:%M")


def de_note(person, target, t_local):
    """A German user's own e-mail: the codes and the time as the dialog showed them (no dialog labels)."""
    return ("Hallo Service Desk,\n\n"
            "seit heute früh komme ich nicht mehr per Remotedesktop auf %s. Es erscheint jedes Mal die Meldung "
            "mit den Codes 0x904 und 0x7.\n"
            "Uhrzeit laut Meldung: %s\n\n"
            "Viele Grüße\n%s\n" % (target, fmt_local(t_local, "de"), person.full))


def fr_note(person, target, t_local):
    """A French user's own message: the codes and the time as the dialog showed them (no dialog labels)."""
    return ("Bonjour,\n\n"
            "impossible d'ouvrir le bureau à distance sur %s : le message d'erreur indique 0x904 puis 0x7.\n"
            "Heure affichée : %s\n\n"
            "Cordialement,\n%s\n" % (target, fmt_local(t_local, "fr"), person.full))


def json_report(last, client, target, act):
    return json.dumps({"code": "0x904", "extendedCode": "0x7", "timestamp": msl.fmt_iso_s(last.t),
                       "timestampIsUtc": True, "client": client.computer, "host": target,
                       "activityId": act}, indent=2) + "\n"


def ticket_en(tid, person, client, target_line, zone, prose):
    lines = ["%s | Remote access" % tid, "Caller: %s%s" % (person.full, (" (time zone %s)" % zone) if zone else ""),
             "User: %s\\%s" % (person.domain, person.sam),
             "Client: %s (%s)" % (client.computer, client.ip),
             "Target: %s" % target_line, "", prose]
    return "\n".join(lines) + "\n"


def ticket_de(tid, person, client, target_line, zone, prose):
    lines = ["Ticket %s – Fernzugriff" % tid, "Benutzer: %s (%s)" % (person.full, person.sam),
             "Rechner: %s, IP %s" % (client.computer, client.ip), "Ziel: %s" % target_line, "", prose]
    if zone:
        lines.append("Alle Zeitangaben in %s." % zone)
    return "\n".join(lines) + "\n"


def ticket_fr(tid, person, client, target_line, zone, prose):
    lines = ["Ticket %s – Accès distant" % tid, "Utilisateur : %s (%s)" % (person.full, person.sam),
             "Poste : %s (%s)" % (client.computer, client.ip), "Serveur : %s" % target_line, "", prose]
    if zone:
        lines.append("Heures indiquées en %s." % zone)
    return "\n".join(lines) + "\n"


PROSE = {
    "en": "User cannot connect with Remote Desktop since this morning; the error text is attached.",
    "de": "Der Benutzer meldet, dass die Verbindung seit heute Morgen abbricht. Die Fehlermeldung ist im Anhang.",
    "fr": "Cet utilisateur n'arrive plus à se connecter en bureau à distance depuis ce matin ; le message est joint.",
}


# --------------------------------------------------------------------------- single-failure cases

class Spec:
    """One single-failure scenario: a cause story plus the complications around it."""

    def __init__(self, id, story, tags=(), busy=0, others_fail=0, host_skew=0.0, client_skew=0.0, target="short",
                 report="mstsc", zone="eu", ticket="en", ticket_zone=True, client_log=True, scanner=None, os="2019",
                 host_kind="server", scanner_kind="mixed", season=None):
        self.id, self.story, self.tags = id, story, list(tags)
        self.busy, self.others_fail = busy, others_fail
        self.host_skew, self.client_skew = host_skew, client_skew
        self.target, self.report, self.zone = target, report, zone
        self.ticket, self.ticket_zone, self.client_log = ticket, ticket_zone, client_log
        self.scanner, self.os, self.host_kind, self.scanner_kind = scanner, os, host_kind, scanner_kind
        self.season = season


SINGLE = [
    Spec("np-busy-silent", "network-path/silent", ["busy"], busy=14, report="winapp"),
    Spec("np-firewall-skew-ip", "network-path", ["skew", "ip-only"], host_skew=-300, target="ip", zone="eu"),
    Spec("np-de-ticket", "network-path", ["localized"], ticket="de", zone="de"),
    Spec("np-busy-ip-silent", "network-path/silent", ["busy", "ip-only"], busy=10, target="ip", zone="uk"),
    Spec("svc-busy-skew", "rdp-service-down", ["busy", "skew", "two-reports"], busy=18, host_skew=240,
         report="winapp+json"),
    Spec("svc-scanner-nolog", "rdp-service-down/stopped", ["scanner", "zone-inferred", "no-client-log"], scanner=-3,
         ticket_zone=False, client_log=False),
    Spec("svc-fr-note", "rdp-service-down/stopped", ["localized", "no-client-log", "ambiguous-date", "busy"],
         busy=9, report="fr-note", zone="fr", ticket="fr", client_log=False),
    Spec("asleep-fr-skew", "host-asleep", ["localized", "skew"], client_skew=-120, report="winapp", ticket="fr",
         zone="fr-ca", os="win11", host_kind="workstation"),
    Spec("asleep-ip-skew", "host-asleep", ["ip-only", "skew"], target="ip", host_skew=-360, zone="us-east",
         os="win11", host_kind="workstation"),
    Spec("asleep-de", "host-asleep", ["localized"], ticket="de", zone="de", os="win11", host_kind="workstation"),
    Spec("asleep-nolog", "host-asleep", ["no-client-log"], zone="uk", client_log=False, os="win11",
         host_kind="workstation"),
    Spec("cert-others-fail", "certificate-expired", ["busy"], others_fail=6, zone="uk", os="2012r2"),
    Spec("cert-scanner-nolog", "certificate-expired", ["scanner", "zone-inferred", "no-client-log"], scanner=2,
         ticket_zone=False, client_log=False, os="2012r2"),
    Spec("cert-de-note", "certificate-expired", ["localized"], report="de-note", ticket="de", zone="de", os="2012r2"),
    Spec("cert-busy-skew", "certificate-expired", ["busy", "skew"], others_fail=8, host_skew=420, zone="eu",
         os="2012r2"),
    Spec("key-busy-ip-skew", "private-key-inaccessible", ["busy", "ip-only", "skew"], busy=12, others_fail=5,
         host_skew=180, target="ip", report="winapp"),
    Spec("key-de-note-nolog", "private-key-inaccessible", ["localized", "no-client-log", "busy"], busy=7,
         report="de-note", ticket="de", zone="de", client_log=False),
    Spec("key-scanner", "private-key-inaccessible", ["scanner"], scanner=-2, report="winapp"),
    Spec("tls-busy", "tls-mismatch", ["busy"], busy=20, zone="eu"),
    Spec("tls-skew-two-reports", "tls-mismatch", ["skew", "localized", "two-reports"], host_skew=-240,
         report="winapp+json", ticket="fr", zone="fr"),
    Spec("tls-scanner", "tls-mismatch", ["scanner"], scanner=-1, report="winapp", scanner_kind="spray"),
    Spec("tls-fr-nolog", "tls-mismatch", ["localized", "no-client-log", "busy"], busy=8, ticket="fr", zone="fr",
         client_log=False, season="summer"),
    Spec("nla-busy-skew", "nla-credssp", ["busy", "skew"], busy=22, host_skew=300, zone="in"),
    Spec("nla-scanner-nolog", "nla-credssp", ["scanner", "zone-inferred", "no-client-log"], scanner=1,
         ticket_zone=False, client_log=False, scanner_kind="tls"),
    Spec("nla-fr-note", "nla-credssp", ["localized", "no-client-log", "ambiguous-date", "busy"], busy=11,
         report="fr-note", ticket="fr", zone="fr", client_log=False),
    Spec("rights-busy-skew", "logon-rights", ["busy", "skew"], busy=25, host_skew=-180, report="winapp"),
    Spec("rights-scanner-nolog", "logon-rights", ["scanner", "zone-inferred", "no-client-log"], scanner=-2,
         ticket_zone=False, client_log=False),
    Spec("rights-de", "logon-rights", ["localized", "skew"], host_skew=120, ticket="de", zone="de"),
    # German "ist" and French "Cet" are words, not zones: the ticket states the zone further down.
    Spec("rights-de-nolog", "logon-rights", ["localized", "no-client-log", "busy"], busy=6, ticket="de", zone="de",
         client_log=False),
    Spec("profile-busy-skew", "profile-corrupt", ["busy", "skew"], busy=16, host_skew=240, zone="eu", os="2022"),
    Spec("profile-ip", "profile-corrupt", ["ip-only"], target="ip", report="winapp", os="2022"),
    Spec("profile-scanner", "profile-corrupt", ["scanner"], scanner=3, zone="uk", os="2022"),
    Spec("client-busy", "client-side", ["busy"], busy=24, report="winapp", os="2022"),
    Spec("client-skew", "client-side", ["skew"], client_skew=180, report="winapp", os="2022"),
    Spec("client-ip-busy-de", "client-side", ["busy", "ip-only", "localized"], busy=30, target="ip", ticket="de",
         zone="de", os="2022"),
    # State over time and preconditions (issue 15, sections 1 and 2).
    Spec("np-recovered-host", "network-path/recovered-host", ["busy", "state-timeline"], busy=12, report="winapp"),
    Spec("np-restarted-service", "network-path/restarted-service", ["busy", "state-timeline"], busy=10, zone="uk"),
    Spec("np-stale-cert", "network-path/stale-certificate", ["busy", "precondition"], busy=12, os="2012r2"),
    Spec("np-vpn-scoped-block", "network-path/vpn-block", ["busy", "firewall-scope"], busy=10, zone="uk"),
    Spec("office-vpn-block-nordp", "inconclusive/office-client-vpn-block", ["firewall-scope", "partial-host-logs"],
         report="winapp"),
    Spec("tls-busy-stale-states", "tls-mismatch/stale-states", ["busy", "state-timeline", "mixed-causes"], busy=14,
         report="winapp"),
    Spec("tls-busy-rescoped-rule", "tls-mismatch/rescoped-rule", ["busy", "firewall-scope", "state-timeline"], busy=12,
         zone="eu", os="2022"),
    # Firewall rules weighed together (issue 15, section 1): deletions, ports, profiles.
    Spec("tls-deleted-block-rule", "tls-mismatch/deleted-block-rule", ["busy", "firewall-rules", "state-timeline"], busy=9,
         zone="uk", os="2022"),
    Spec("np-allow-rule-moved", "network-path/allow-moved", ["busy", "firewall-rules"], busy=8, zone="eu", os="2022"),
    Spec("rights-public-only-block", "logon-rights/public-only-block", ["firewall-rules"], zone="us-east", os="2022"),
]


def new_case(gen, seed, case_id, zone_key, ambiguous=False, season=None):
    """A scenario whose failure time (true UTC) falls on a working day hour of the zone, in a season
    where the zone's offset is unambiguous (`season`: "summer" or "winter" to choose it; with
    `ambiguous`, on a day that is also a month number)."""
    r = random.Random("rdpcause-scenarios:%s:%s:time" % (seed, case_id))
    return Scenario(gen, case_id, pick_time(r, zone_key, ambiguous, season), seed)


def pick_time(r, zone_key, ambiguous=False, season=None):
    months = r.choice((WINTER, SUMMER))
    if season is not None:
        months = SUMMER if season == "summer" else WINTER
    month = r.choice(months)
    day = r.randrange(1, 13) if ambiguous else r.randrange(1, 29)
    if ambiguous and day == month:
        day = day % 12 + 1
    off = zone_of(zone_key, month)[1]
    local_hour = r.randrange(8, 17)
    utc = dt.datetime(2026, month, day, local_hour, r.randrange(0, 60), r.randrange(0, 60), r.randrange(0, 10) * 100000)
    utc -= dt.timedelta(hours=off)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + "%07dZ" % (utc.microsecond * 10)


class Site:
    def __init__(self, c, r):
        self.domain, self.suffix, self.sid_base, self.net = r.choice(DOMAINS)
        self.people = People(c, self.domain, self.sid_base, self.net + ".%d" % r.randrange(30, 60))
        self.r = r

    def server(self, name, os, skew_s, kind="server"):
        r = self.r
        if kind == "workstation":
            short = "%s-PC-%02d" % (r.choice(("DESIGN", "LAB", "CAD", "OFFICE")), r.randrange(1, 60))
        else:
            short = "%s-%02d" % (r.choice(HOST_PREFIXES), r.randrange(1, 40))
        computer = short if r.random() < 0.3 else short + "." + self.suffix
        ip = "%s.%d.%d" % (self.net, r.randrange(2, 12), r.randrange(10, 250))
        return msl.host_machine(name, computer, ip, os, skew_s=skew_s, seed=name + short)


def typed_target(host, kind):
    short = host.computer.split(".")[0]
    if kind == "ip":
        return host.ip
    if kind == "fqdn":
        return host.computer.lower() if "." in host.computer else short.lower()
    return short.lower()


def target_label(host, typed):
    """What the ticket names as the target: the address the user typed, else the host's short name."""
    if typed == host.ip:
        return typed
    return host.computer.split(".")[0]


def build_single(gen, spec, seed):
    zone_key = spec.zone
    ambiguous = "ambiguous-date" in spec.tags
    c = new_case(gen, seed, spec.id, zone_key, ambiguous, spec.season)
    c.tags = list(spec.tags)
    T = c.T
    month = msl.dt_of(T).month
    r = c.rng("site")
    site = Site(c, r)
    host = site.server("host", spec.os, spec.host_skew, spec.host_kind)
    person = site.people.person()
    cl = site.people.workstation(skew_s=spec.client_skew)
    msl.case_common(c, gen, cl, host, person.sam, person.domain, person.sid)
    typed = typed_target(host, spec.target)
    story = sc.STORIES[spec.story](c, host, cl, T, typed)
    if spec.busy:
        busy_host(c, host, site.people, spec.busy, T, blocked=story.blocked, survives=story.survives,
                  net=site.net + ".%d" % r.randrange(60, 90))
    if spec.others_fail and story.others:
        lo = max(a for a, _ in story.blocked) if story.blocked else T - S(600)
        center = max(T, lo + S(600))
        failing_others(c, host, site.people, spec.others_fail, center, 550, story.others,
                       net=site.net + ".%d" % r.randrange(60, 90))
    if spec.scanner:
        scanner_burst(c, host, T + S(spec.scanner * 3600 + r.uniform(-40, 40)), kind=spec.scanner_kind)
    c.background(host, story.logs, 6 * 3600, 2400)
    short = host.computer.split(".")[0]
    hfolder = r.choice(("host-%s", "%s (host)", "%s_logs", "server logs/%s")) % short
    c.export_host(host, hfolder, story.logs)
    if spec.client_log:
        c.noise(cl, "Client", "SZ-Client", 9, T - S(2 * 86400 + 3 * 3600), T - S(2 * 86400))
        c.export_client(cl, r.choice(("client-%s", "%s", "%s (client)")) % cl.computer)
    zone_abbr, offset = zone_of(zone_key, month)
    t_local = msl.local_of(story.last.t, offset)
    act = "{" + story.conn.act_client + "}"
    if spec.report == "mstsc":
        c.write_text("error.txt", msl.mstsc_report(t_local, framed=r.random() < 0.5, extra=r.random() < 0.5))
    elif spec.report == "winapp":
        c.write_text("error.txt", msl.winapp_report(story.last.t, act), enc=r.choice(("utf-8", "utf-16")))
    elif spec.report == "winapp+json":
        c.write_text("error.txt", msl.winapp_report(story.last.t, act))
        c.write_text("error.json", json_report(story.last, cl, typed, act), crlf=False)
    elif spec.report == "de-note":
        c.write_text("Nachricht.txt", de_note(person, typed, t_local))
    elif spec.report == "fr-note":
        c.write_text("message.txt", fr_note(person, typed, t_local))
    tid = "INC%07d" % r.randrange(10000, 9999999)
    zone_text = zone_abbr if spec.ticket_zone else None
    label = target_label(host, typed)
    prose = {k: v + getattr(story, "ticket_note", "") for k, v in PROSE.items()}
    if spec.ticket == "de":
        text = ticket_de(tid, person, cl, label, zone_text, prose["de"])
    elif spec.ticket == "fr":
        text = ticket_fr(tid, person, cl, label, zone_text, prose["fr"])
    else:
        text = ticket_en(tid, person, cl, label, zone_text, prose["en"])
    c.write_text("ticket.txt", text)
    notes = story.notes
    if spec.busy:
        notes += "; %d other users connect around the failure with their own addresses and sessions" % spec.busy
    if spec.others_fail:
        notes += "; %d other users' attempts fail the same way while the cause holds" % spec.others_fail
    if spec.scanner:
        notes += "; an internet scanner hammers the RDP port %+d h from the failure" % spec.scanner
    if spec.host_skew or spec.client_skew:
        notes += "; host clock %+d s, client clock %+d s" % (spec.host_skew, spec.client_skew)
    if spec.target == "ip":
        notes += "; the user typed the host's address %s" % typed
    if not spec.client_log:
        notes += "; no client log"
    expect(c, story.verdict, story.cause, host.computer, story.last.t, notes, host_time=T + host.skew,
           failure_count=1 if "two-reports" in spec.tags else None, mentions=getattr(story, "mentions", None))
    return c


def expect(c, verdict, cause, host, failure_t, notes, host_time=None, failures=None, failure_count=None, mentions=None):
    exp = {"verdict": verdict, "topCause": cause, "host": host,
           "failureTime": msl.fmt_iso_s(failure_t) if failure_t is not None else None}
    if host_time is not None and failure_t is not None and abs(host_time - failure_t) >= S(1):
        exp["hostTime"] = msl.fmt_iso_s(host_time)
    exp["notes"] = notes
    exp["tags"] = sorted(set(c.tags))
    if failures is not None:
        exp["failures"] = failures
    if failure_count is not None:
        exp["failureCount"] = failure_count
    if mentions:
        exp["mentions"] = mentions
    c.exp = exp
    c.files.append(("expected.json", (json.dumps(exp, indent=2, ensure_ascii=False) + "\n").encode("utf-8")))


# --------------------------------------------------------------------------- hearsay: the log says nothing failed

def build_hearsay(gen, seed, id, lang, busy, reasons, typed_kind="short"):
    zone_key = {"de": "de", "fr": "fr"}.get(lang, "eu")
    c = new_case(gen, seed, id, zone_key)
    c.tags = ["hearsay"] + (["busy"] if busy else []) + (["localized"] if lang != "en" else []) + \
        (["ip-only"] if typed_kind == "ip" else [])
    T = c.T
    r = c.rng("site")
    site = Site(c, r)
    host = site.server("host", "2019", 0.0)
    person = site.people.person()
    cl = site.people.workstation()
    msl.case_common(c, gen, cl, host, person.sam, person.domain, person.sid)
    typed = typed_target(host, typed_kind)
    starts = [T - S(3 * 3600), T - S(20 * 60), T + S(2 * 3600)]
    durations = [r.uniform(1800, 5400), r.uniform(600, 2400), r.uniform(1800, 3600)]
    for i, (t0, reason) in enumerate(zip(starts, reasons)):
        sc.user_session(c, host, cl, person, t0, durations[i], reason, 10 + i, 2 + i, typed)
    if busy:
        busy_host(c, host, site.people, busy, T, net=site.net + ".%d" % r.randrange(60, 90))
    logs = sc.HOST_LOGS
    c.background(host, logs, 6 * 3600, 4 * 3600, quiet_before_s=4 * 3600, quiet_after_s=3 * 3600)
    c.export_host(host, "host-" + host.computer.split(".")[0], logs)
    c.noise(cl, "Client", "SZ-Client", 9, T - S(26 * 3600), T - S(25 * 3600))
    c.export_client(cl, "client-" + cl.computer)
    label = target_label(host, typed)
    hour = msl.dt_of(msl.local_of(T, zone_of(zone_key, msl.dt_of(T).month)[1])).hour
    if lang == "de":
        text = ("Ticket %d – Remotedesktop\nBenutzer: %s (%s)\nRechner: %s\nZiel: %s\n\n"
                "Frau/Herr %s sagt, dass heute gegen %d Uhr beim Verbinden der Fehler 0x904 kam. Konnte es am Telefon "
                "nicht nachstellen, Logs von beiden Seiten angehängt.\n" %
                (r.randrange(10000, 99999), person.full, person.sam, cl.computer, label, person.last, hour))
    elif lang == "fwd":
        text = ("From: %s\nSent: today\nSubject: FW: remote desktop\n\n"
                "> Hi, this morning I got \"error code 0x904, extended error code 0x7\" when connecting to %s.\n"
                "> It seems fine now, but can you check?\n\n"
                "Forwarding to 2nd level. User: %s, PC %s. Logs attached.\n" % (person.full, label, person.sam, cl.computer))
    else:
        text = ("Ticket %d\nUser: %s (%s)\nClient: %s\nTarget: %s\n\n"
                "User says Remote Desktop gave her error 0x904 around %d:00 today. Could not reproduce while on the "
                "phone; client and host logs attached.\n" % (r.randrange(10000, 99999), person.sam, person.full,
                                                            cl.computer, label, hour))
    c.write_text("ticket.txt", text)
    expect(c, "no-failure-found", None, host.computer, None,
           "hearsay: the ticket mentions 0x904, but the client's RDPClient log covers the day and shows only clean "
           "disconnects (reasons %s) of sessions the host logs as healthy" % "/".join(str(x) for x in reasons))
    return c


# --------------------------------------------------------------------------- no client artefact at all

def build_no_artefact(gen, seed, id, lang, variant):
    zone_key = "de" if lang == "de" else "eu"
    c = new_case(gen, seed, id, zone_key)
    c.tags = ["no-client-artefact"] + (["localized"] if lang == "de" else [])
    T = c.T
    r = c.rng("site")
    site = Site(c, r)
    host = site.server("host", "2019", 0.0)
    person = site.people.person()
    cl = site.people.workstation()
    msl.case_common(c, gen, cl, host, person.sam, person.domain, person.sid)
    logs = sc.HOST_LOGS
    if variant == "rights":
        # A real refused logon of the named user is in the host log, but nothing places the failure.
        conn = msl.Conn(c, cl, host, T - S(3.17), 50977, 23, host.computer)
        conn.h_reach(0.011)
        conn.h_auth_ok(1.27, person.sam, person.domain, 4)
        c.security_4625(host, T - S(0.38), person.sam, person.domain, "0xc000015b", "%%2308", "0x0", "10", cl.ip, "0",
                        host.computer.split(".")[0], proc=host.logon_proc)
        conn.h_close(3.09)
        c.tags.append("candidate-traces")
    elif variant == "svc":
        sc.rdp_service_down_crash(c, host, cl, T, host.computer)
        cl.logs.clear()  # the client side of the attempt exists only on the user's PC, which was not collected
        c.tags.append("candidate-traces")
    busy = 12 if variant in ("busy", "rights") else 0
    if busy:
        busy_host(c, host, site.people, busy, T, net=site.net + ".%d" % r.randrange(60, 90))
        c.tags.append("busy")
    c.background(host, logs, 8 * 3600, 4 * 3600)
    c.export_host(host, host.computer.split(".")[0], logs)
    label = host.computer.split(".")[0]
    if lang == "de":
        text = ("Ticket %d – Remotedesktop\nBenutzer: %s (%s)\nZiel: %s\n\n"
                "Der Benutzer hatte heute den Fehler 0x904 beim Verbinden, eine Meldung hat er nicht gespeichert. "
                "Die Server-Logs von %s sind angehängt, vom Client gibt es nichts.\n" %
                (r.randrange(10000, 99999), person.full, person.sam, label, label))
    else:
        text = ("Ticket %d\nUser: %s (%s)\nTarget: %s\n\n"
                "User reports Remote Desktop error 0x904 today; no screenshot, the PC was re-imaged before we could "
                "collect anything. Server logs of %s attached.\n" % (r.randrange(10000, 99999), person.full, person.sam,
                                                                     label, label))
    c.write_text("ticket.txt", text)
    expect(c, "inconclusive", None, host.computer, None,
           "failure not located: no error report and no client log; only the host's logs (%s) and a ticket naming "
           "the user and host, so rdpcause must ask for the RDPClient log, the error text or --time" % variant)
    return c


def build_no_host_logs(gen, seed, id):
    c = new_case(gen, seed, id, "eu")
    c.tags = ["ip-only", "no-host-logs"]
    T = c.T
    r = c.rng("site")
    site = Site(c, r)
    host = site.server("host", "2019", 0.0)
    person = site.people.person()
    cl = site.people.workstation()
    msl.case_common(c, gen, cl, host, person.sam, person.domain, person.sid)
    conn = msl.Conn(c, cl, host, T - S(1.12), 0, 0, host.ip)
    conn.c_start()
    last = conn.c_disc(1.12, 2308)
    c.noise(cl, "Client", "SZ-Client", 9, T - S(26 * 3600), T - S(25 * 3600))
    c.export_client(cl, cl.computer)
    zone_abbr, off = zone_of("eu", msl.dt_of(T).month)
    c.write_text("error.txt", msl.mstsc_report(msl.local_of(last.t, off)))
    c.write_text("ticket.txt", ticket_en("INC%07d" % r.randrange(10000, 9999999), person, cl, host.ip, zone_abbr,
                                         "Cannot connect to the vendor-managed server at %s; the vendor has not sent "
                                         "any server logs yet." % host.ip))
    expect(c, "inconclusive", None, host.ip, last.t,
           "only the error report and the client's RDPClient log (1024 to the address %s -> 1026 2308); no host "
           "logs, so the cause cannot be determined and the host is named by the address typed" % host.ip)
    return c


# --------------------------------------------------------------------------- several failures in one case

def _failure_entry(host_name, cause, verdict, last, user):
    return {"host": host_name, "topCause": cause, "verdict": verdict, "failureTime": msl.fmt_iso_s(last.t), "user": user}


def build_multi_two(gen, seed, id="multi-two-hosts"):
    c = new_case(gen, seed, id, "eu")
    c.tags = ["multi"]
    T1 = c.T
    T2 = T1 + S(17 * 60 + 12.4)
    r = c.rng("site")
    site = Site(c, r)
    ha = site.server("hostA", "2019", 0.0)
    hb = site.server("hostB", "2022", 95.0)
    p1, p2 = site.people.person(), site.people.person()
    c1, c2 = site.people.workstation(), site.people.workstation()
    msl.case_common(c, gen, c1, ha, p1.sam, p1.domain, p1.sid)
    s1 = sc.nla_credssp(c, ha, c1, T1, typed_target(ha, "short"))
    msl.case_common(c, gen, c2, hb, p2.sam, p2.domain, p2.sid)
    s2 = sc.logon_rights(c, hb, c2, T2, typed_target(hb, "short"))
    busy_host(c, ha, site.people, 6, T1, net=site.net + ".70")
    busy_host(c, hb, site.people, 6, T2, net=site.net + ".71")
    c.quiet.append((hb, T2 + hb.skew - S(2700), T2 + hb.skew + S(1800)))
    c.background(ha, s1.logs, 6 * 3600, 3600)
    c.background(hb, s2.logs, 6 * 3600, 3600)
    c.export_host(ha, ha.computer.split(".")[0], s1.logs)
    c.export_host(hb, hb.computer.split(".")[0], s2.logs)
    for cl, p in ((c1, p1), (c2, p2)):
        c.export_client(cl, "%s-%s" % (p.sam, cl.computer))
    zone_abbr, off = zone_of("eu", msl.dt_of(T1).month)
    c.write_text("error-%s.txt" % p1.sam, msl.mstsc_report(msl.local_of(s1.last.t, off)))
    c.write_text("error-%s.txt" % p2.sam, msl.mstsc_report(msl.local_of(s2.last.t, off), framed=True))
    c.write_text("ticket.txt", (
        "INC%07d | Two users cannot connect after the weekend change\n"
        "All times %s.\n\n"
        "1) User: %s (%s) | Client: %s | Target: %s | pasted: error-%s.txt\n"
        "2) User: %s (%s) | Client: %s | Target: %s | pasted: error-%s.txt\n" % (
            r.randrange(10000, 9999999), zone_abbr,
            p1.sam, p1.full, c1.computer, ha.computer.split(".")[0], p1.sam,
            p2.sam, p2.full, c2.computer, hb.computer.split(".")[0], p2.sam)))
    failures = [_failure_entry(ha.computer, "nla-credssp", "cause-found", s1.last, p1.sam),
                _failure_entry(hb.computer, "logon-rights", "cause-found", s2.last, p2.sam)]
    expect(c, "cause-found", "nla-credssp", ha.computer, s1.last.t,
           "two users, two hosts: %s fails NLA on %s (4625 type 3 + 140), %s 17 min later is refused the logon right "
           "on %s (1149 then 4625 0xc000015b; that host's clock runs 95 s fast); each on a busy host" % (
               p1.sam, ha.computer, p2.sam, hb.computer), failures=failures, failure_count=2)
    return c


def build_multi_three(gen, seed, id="multi-three-hosts"):
    c = new_case(gen, seed, id, "uk")
    c.tags = ["multi", "no-host-logs", "two-reports"]
    T1 = c.T
    T2, T3 = T1 + S(6 * 60 + 3.3), T1 + S(31 * 60 + 40.1)
    r = c.rng("site")
    site = Site(c, r)
    h1, h2 = site.server("host1", "2019", 0.0), site.server("host2", "2019", -150.0)
    h3 = msl.host_machine("host3", "crm-ts.%s" % site.suffix, "%s.7.40" % site.net, "2019")
    p1, p2, p3 = site.people.person(), site.people.person(), site.people.person()
    c1, c2, c3 = site.people.workstation(), site.people.workstation(), site.people.workstation()
    msl.case_common(c, gen, c1, h1, p1.sam, p1.domain, p1.sid)
    s1 = sc.tls_mismatch(c, h1, c1, T1, typed_target(h1, "fqdn"))
    msl.case_common(c, gen, c2, h2, p2.sam, p2.domain, p2.sid)
    s2 = sc.rdp_service_down_crash(c, h2, c2, T2, typed_target(h2, "short"))
    msl.case_common(c, gen, c3, h3, p3.sam, p3.domain, p3.sid)
    conn3 = msl.Conn(c, c3, h3, T3 - S(1.4), 0, 0, h3.computer)
    conn3.c_start()
    last3 = conn3.c_disc(1.4, 2308)
    busy_host(c, h1, site.people, 8, T1, net=site.net + ".72")
    c.quiet.append((h2, T2 + h2.skew - S(2700), T2 + h2.skew + S(1800)))
    c.background(h1, s1.logs, 5 * 3600, 3600)
    c.background(h2, s2.logs, 5 * 3600, 3600)
    c.export_host(h1, "servers/" + h1.computer.split(".")[0], s1.logs)
    c.export_host(h2, "servers/" + h2.computer.split(".")[0], s2.logs)
    for cl, p in ((c1, p1), (c2, p2), (c3, p3)):
        c.export_client(cl, "clients/" + cl.computer)
    zone_abbr, off = zone_of("uk", msl.dt_of(T1).month)
    a1, a2 = "{" + s1.conn.act_client + "}", "{" + s2.conn.act_client + "}"
    c.write_text("reports/%s.txt" % p1.sam, msl.winapp_report(s1.last.t, a1))
    c.write_text("reports/%s.txt" % p2.sam, msl.winapp_report(s2.last.t, a2))
    c.write_text("reports/%s.json" % p2.sam, json_report(s2.last, c2, typed_target(h2, "short"), a2), crlf=False)
    c.write_text("reports/%s.txt" % p3.sam, msl.mstsc_report(msl.local_of(last3.t, off)))
    c.write_text("ticket.txt", (
        "Major incident MI-%d – Remote Desktop failures this morning (times %s)\n\n"
        "- User: %s, Device: %s, Server: %s\n"
        "- User: %s, Device: %s, Server: %s\n"
        "- User: %s, Device: %s, Server: %s (vendor system, no server logs available)\n" % (
            r.randrange(1000, 9999), zone_abbr,
            p1.sam, c1.computer, h1.computer.split(".")[0],
            p2.sam, c2.computer, h2.computer.split(".")[0],
            p3.sam, c3.computer, h3.computer)))
    failures = [_failure_entry(h1.computer, "tls-mismatch", "cause-found", s1.last, p1.sam),
                _failure_entry(h2.computer, "rdp-service-down", "cause-found", s2.last, p2.sam),
                {"host": h3.computer, "topCause": None, "verdict": "inconclusive",
                 "failureTime": msl.fmt_iso_s(last3.t), "user": p3.sam}]
    expect(c, "cause-found", "tls-mismatch", h1.computer, s1.last.t,
           "three users, three hosts: TLS mismatch on %s (busy), TermService crash on %s 6 min later (its clock 150 s "
           "slow; the user's text and JSON reports are one failure), and a failure on %s, which has no logs in the case "
           "(inconclusive, host named as typed)" % (h1.computer, h2.computer, h3.computer),
           failures=failures, failure_count=3)
    return c


def build_multi_de_ip(gen, seed, id="multi-de-ip"):
    c = new_case(gen, seed, id, "de")
    c.tags = ["multi", "localized", "ip-only", "busy"]
    T1 = c.T
    T2 = T1 + S(42 * 60 + 7.7)
    r = c.rng("site")
    site = Site(c, r)
    ha, hb = site.server("hostA", "2022", 0.0), site.server("hostB", "2022", 0.0)
    p1, p2 = site.people.person(), site.people.person()
    c1, c2 = site.people.workstation(), site.people.workstation()
    msl.case_common(c, gen, c2, hb, p2.sam, p2.domain, p2.sid)
    # Two days earlier p2 connected to host B by name: the client log ties the name to the address.
    sc.user_session(c, hb, c2, p2, T2 - S(2 * 86400 + 3 * 3600), 5400, 2, 5, 2, typed_target(hb, "fqdn"))
    s2 = sc.client_side(c, hb, c2, T2, hb.ip)
    msl.case_common(c, gen, c1, ha, p1.sam, p1.domain, p1.sid)
    s1 = sc.profile_corrupt(c, ha, c1, T1, typed_target(ha, "short"))
    busy_host(c, ha, site.people, 10, T1, net=site.net + ".73")
    busy_host(c, hb, site.people, 10, T2, net=site.net + ".74")
    c.quiet.append((hb, T2 - S(2700), T2 + S(1800)))
    c.background(ha, s1.logs, 5 * 3600, 3600)
    c.background(hb, s2.logs, 5 * 3600, 3600)
    c.export_host(ha, "Server_" + ha.computer.split(".")[0], s1.logs)
    c.export_host(hb, "Server_" + hb.computer.split(".")[0], s2.logs)
    c.export_client(c1, "Client_" + c1.computer)
    c.export_client(c2, "Client_" + c2.computer)
    zone_abbr, off = zone_of("de", msl.dt_of(T1).month)
    c.write_text("Fehler_%s.txt" % p1.sam, msl.mstsc_report(msl.local_of(s1.last.t, off)))
    c.write_text("Fehler_%s.txt" % p2.sam, msl.winapp_report(s2.last.t, "{" + s2.conn.act_client + "}"))
    c.write_text("ticket.txt", (
        "Ticket %d – zwei Meldungen zu Remotedesktop (Zeiten in %s)\n\n"
        "Benutzer: %s | Rechner: %s | Ziel: %s | Meldung: Fehler_%s.txt\n"
        "Benutzer: %s | Rechner: %s | Ziel: %s | Meldung: Fehler_%s.txt\n\n"
        "Die zweite Benutzerin verbindet sich per IP-Adresse, das ist so gewollt.\n" % (
            r.randrange(10000, 99999), zone_abbr,
            p1.sam, c1.computer, ha.computer.split(".")[0], p1.sam,
            p2.sam, c2.computer, hb.ip, p2.sam)))
    failures = [_failure_entry(ha.computer, "profile-corrupt", "cause-found", s1.last, p1.sam),
                _failure_entry(hb.computer, "client-side", "cause-found", s2.last, p2.sam)]
    expect(c, "cause-found", "profile-corrupt", ha.computer, s1.last.t,
           "German ticket with labelled lines: profile failure on %s; 42 min later a client-side drop on %s, which the "
           "user reaches by its address %s (the client log's earlier session by name ties the two); both hosts busy" % (
               ha.computer, hb.computer, hb.ip), failures=failures, failure_count=2)
    return c


def build_multi_one_fails(gen, seed, id="multi-one-fails"):
    c = new_case(gen, seed, id, "eu")
    c.tags = ["multi-host", "busy"]
    T = c.T
    r = c.rng("site")
    site = Site(c, r)
    ha = site.server("hostA", "2012r2", 0.0)
    hb = site.server("hostB", "2019", 0.0)
    person = site.people.person()
    cl = site.people.workstation()
    msl.case_common(c, gen, cl, ha, person.sam, person.domain, person.sid)
    s = sc.certificate_expired(c, ha, cl, T, typed_target(ha, "short"))
    sc.user_session(c, hb, cl, person, T + S(4 * 60 + 11.0), 3 * 3600, 2, 3, 4, typed_target(hb, "short"))
    busy_host(c, hb, site.people, 12, T, net=site.net + ".75")
    c.background(ha, s.logs, 6 * 3600, 2400)
    c.background(hb, sc.HOST_LOGS, 6 * 3600, 2400, quiet_after_s=4 * 3600)
    c.export_host(ha, "logs/" + ha.computer.split(".")[0], s.logs)
    c.export_host(hb, "logs/" + hb.computer.split(".")[0], sc.HOST_LOGS)
    c.export_client(cl, "logs/" + cl.computer)
    zone_abbr, off = zone_of("eu", msl.dt_of(T).month)
    c.write_text("error.txt", msl.mstsc_report(msl.local_of(s.last.t, off), framed=True))
    c.write_text("ticket.txt", ticket_en(
        "INC%07d" % r.randrange(10000, 9999999), person, cl,
        "%s works, %s does not" % (hb.computer.split(".")[0], ha.computer.split(".")[0]), zone_abbr,
        "User can work on %s but gets the attached error on %s; logs of both servers attached." % (
            hb.computer.split(".")[0], ha.computer.split(".")[0])))
    expect(c, "cause-found", "certificate-expired", ha.computer, s.last.t,
           "one failure among two hosts: the ticket names %s (working, named first) and %s; the client log shows the "
           "failing attempt to %s and, 4 min later, a healthy session on %s" % (hb.computer, ha.computer, ha.computer,
                                                                                 hb.computer),
           failures=[_failure_entry(ha.computer, "certificate-expired", "cause-found", s.last, person.sam)],
           failure_count=1)
    return c


# --------------------------------------------------------------------------- catalogue

def catalogue():
    """(id, builder) for every scenario, in a fixed order."""
    items = [(s.id, (lambda g, seed, s=s: build_single(g, s, seed))) for s in SINGLE + scenario_evidence.specs(Spec)
             + scenario_situations.specs(Spec)
             + scenario_update.specs(Spec)
             + scenario_gateway.specs(Spec)]
    items += [
        ("hearsay-en", lambda g, seed: build_hearsay(g, seed, "hearsay-en", "en", 0, (1, 2, 3))),
        ("hearsay-de-busy", lambda g, seed: build_hearsay(g, seed, "hearsay-de-busy", "de", 15, (2, 1, 1))),
        ("hearsay-fwd-ip", lambda g, seed: build_hearsay(g, seed, "hearsay-fwd-ip", "fwd", 8, (3, 1, 2), "ip")),
        ("noartefact-rights", lambda g, seed: build_no_artefact(g, seed, "noartefact-rights", "en", "rights")),
        ("noartefact-busy", lambda g, seed: build_no_artefact(g, seed, "noartefact-busy", "en", "busy")),
        ("noartefact-de-svc", lambda g, seed: build_no_artefact(g, seed, "noartefact-de-svc", "de", "svc")),
        ("nohostlogs-ip", lambda g, seed: build_no_host_logs(g, seed, "nohostlogs-ip")),
        ("multi-two-hosts", build_multi_two),
        ("multi-three-hosts", build_multi_three),
        ("multi-de-ip", build_multi_de_ip),
        ("multi-one-fails", build_multi_one_fails),
    ]
    return items


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="folder to write (replaced when it holds an earlier INDEX.json)")
    ap.add_argument("--corpus", default=msl.DEFAULT_CORPUS)
    ap.add_argument("--seed", default=DEFAULT_SEED)
    ap.add_argument("--only", default="", help="comma-separated case ids")
    ap.add_argument("--list", action="store_true", help="print the case ids and exit")
    a = ap.parse_args()
    items = catalogue()
    if a.list:
        print("\n".join(i for i, _ in items))
        return
    if a.only:
        wanted = set(a.only.split(","))
        unknown = wanted - {i for i, _ in items}
        if unknown:
            die("unknown case ids: %s" % ", ".join(sorted(unknown)))
        items = [(i, b) for i, b in items if i in wanted]
    if not os.path.isdir(a.corpus):
        die("the real-event corpus is missing: %s (expected ../shared/corpus/real beside the repository; "
            "pass --corpus DIR)" % a.corpus)
    if shutil.which("zstd") is None:
        die("the `zstd` command-line tool is required (apt-get install zstd)")
    out = os.path.abspath(a.out)
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, "INDEX.json")):
            die("%s exists and does not look like a generated scenario folder; not deleting it" % out)
        shutil.rmtree(out)
    os.makedirs(out)
    gen = Gen(a.corpus)
    index = []
    for case_id, build in items:
        c = build(gen, a.seed)
        if c.name != case_id:
            die("builder for %s named its case %s" % (case_id, c.name))
        for rel, data in c.files:
            msl.validate_file(rel, data)
        msl.write_folder(out, case_id, c.files)
        index.append({"id": case_id, "verdict": c.exp["verdict"], "topCause": c.exp["topCause"], "tags": c.exp["tags"]})
    with open(os.path.join(out, "INDEX.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"seed": a.seed, "cases": index}, f, indent=2)
        f.write("\n")
    print("wrote %d scenarios to %s" % (len(index), out))


if __name__ == "__main__":
    main()
