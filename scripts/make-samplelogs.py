#!/usr/bin/env python3
"""Generate the rdpcause sample cases in SampleLogs/ (deterministic).

Every case is a help-desk "case folder" (or an archive of one) for a Remote Desktop
failure reported as "Error code: 0x904, Extended error code: 0x7": the user's pasted
error text, optional ticket/JSON, and Windows event logs of the client and host exported
as XML in real Windows export forms (wevtutil /f:xml, Event Viewer "Save as XML") or
copied as the binary .evtx files (scripts/evtx_writer.py).

* Cause-signal events are synthesized from the shapes documented in
  ../shared/reference/domain-events.md; where a real record of the same provider/ID
  exists in the corpus, its System metadata (Version, Level, Task, Opcode, Keywords,
  Qualifiers, Security UserID) is copied from it.
* Background noise is real records from the permissively licensed (MIT, Apache-2.0,
  CC0-1.0) files of ../shared/corpus/real, moved into the case's time window, with
  Computer rewritten to the case host and EventRecordID renumbered; the values are
  otherwise kept verbatim.

Usage: python3 scripts/make-samplelogs.py [--out DIR] [--corpus DIR]
Needs only the Python 3 standard library and the `zstd` command-line tool.
Running it twice gives byte-identical output.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evtx_writer  # noqa: E402  (beside this script)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus", "real"))
DEFAULT_OUT = os.path.join(REPO, "SampleLogs")

EVNS = "http://schemas.microsoft.com/win/2004/08/events/event"
NS = "{%s}" % EVNS

# Corpus files that may contribute records (MIT / Apache-2.0 / CC0 only).
ALLOWED_PREFIXES = ("DFIRArtifactMuseum__", "omerbenamram-evtx__", "plaso__", "python-evtx__",
                    "artemis__", "EVTX-to-MITRE-Attack__")
CORPUS = {
    "SZ-System": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__System.xml.zst",
    "SZ-Security": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Security.xml.zst",
    "SZ-Application": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Application.xml",
    "SZ-LSM": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
    "SZ-RCM": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml.zst",
    "SZ-Core": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational.xml.zst",
    "SZ-Client": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RDPClient-Operational.xml",
    "SZ-FW": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall.xml",
    "A22-System": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__System.xml",
    "A22-Security": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Security.xml",
    "A22-Application": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Application.xml",
    "A22-LSM": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
    "A22-FW": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall.xml",
    "A22-UPS": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Microsoft-Windows-User_Profile_Service-Operational.xml",
    "BK-System": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__System.xml.zst",
    "BK-Security": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Security.xml.zst",
    "BK-LSM": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
    "BK-RCM": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml",
    "BK-Core": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational.xml.zst",
    "BK-Application": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Application.xml",
    "W10-System": "DFIRArtifactMuseum__Win10_RathbunVM__System.xml.zst",
    "W10-Security": "DFIRArtifactMuseum__Win10_RathbunVM__Security.xml.zst",
    "W10-LSM": "DFIRArtifactMuseum__Win10_RathbunVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
    "W11-System": "DFIRArtifactMuseum__Win11_RathbunVM__System.xml.zst",
    "W11-Security": "DFIRArtifactMuseum__Win11_RathbunVM__Security.xml.zst",
    "W11-LSM": "DFIRArtifactMuseum__Win11_RathbunVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
    "OB-System": "omerbenamram-evtx__2-vss_7-System.xml.zst",
    "OB-RCM": "omerbenamram-evtx__2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml.zst",
    "OB-Core": "omerbenamram-evtx__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational.xml.zst",
    "OB-Security": "omerbenamram-evtx__security.xml.zst",
    "OB-SecSel": "omerbenamram-evtx__Security_short_selected.xml",
    "PL-System": "plaso__evtx_System.xml.zst",
    "PE-System": "python-evtx__system.xml.zst",
    "AR-Application": "artemis__Application.xml",
    # WindowsUpdateClient 19/43 shapes (client update regression); not used as background.
    "WA-System": "DFIRArtifactMuseum__Win10_APTSimulatorVM__System.xml",
}
for _k, _v in CORPUS.items():
    assert _v.startswith(ALLOWED_PREFIXES), _v

TICKS = 10_000_000  # 100-ns ticks per second
EPOCH = dt.datetime(1970, 1, 1)
FILETIME_OF_UNIX_EPOCH = 116_444_736_000_000_000  # 100-ns ticks from 1601-01-01 to 1970-01-01

LOGS = {
    "System": ("System", "System.xml"),
    "Security": ("Security", "Security.xml"),
    "Application": ("Application", "Application.xml"),
    "LSM": ("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
            "Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml"),
    "RCM": ("Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
            "Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml"),
    "Core": ("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
             "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational.xml"),
    "FW": ("Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
           "Microsoft-Windows-Windows Firewall With Advanced Security-Firewall.xml"),
    "UPS": ("Microsoft-Windows-User Profile Service/Operational",
            "Microsoft-Windows-User Profile Service-Operational.xml"),
    "Client": ("Microsoft-Windows-TerminalServices-RDPClient/Operational",
               "Microsoft-Windows-TerminalServices-RDPClient-Operational.xml"),
    # On an RD Gateway (issue 15, section 6).
    "GW": ("Microsoft-Windows-TerminalServices-Gateway/Operational",
           "Microsoft-Windows-TerminalServices-Gateway-Operational.xml"),
}

# Provider key -> (Name, Guid as Windows stores it, EventSourceName, classic?)
PROVIDERS = {
    "SCM": ("Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}", "Service Control Manager", True),
    "RCMSYS": ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", "{C76BAA63-AE81-421C-B425-340B4B24157F}", "TermService", True),
    "LsaSrv": ("LsaSrv", "{199fe037-2b82-40a9-82ac-e1d46c792b99}", "LsaSrv", True),
    "Schannel": ("Schannel", "1F678132-5938-4686-9FDC-C8FF68F15C85", None, False),
    "KP": ("Microsoft-Windows-Kernel-Power", "331C3B3A-2005-44C2-AC5E-77220C37D6B4", None, False),
    "PT": ("Microsoft-Windows-Power-Troubleshooter", "CDC05E28-C449-49C6-B9D2-88CF761644DF", None, False),
    "SEC": ("Microsoft-Windows-Security-Auditing", "54849625-5478-4994-A5BA-3E3B0328C30D", None, False),
    "RCM": ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", "C76BAA63-AE81-421C-B425-340B4B24157F", None, False),
    "LSM": ("Microsoft-Windows-TerminalServices-LocalSessionManager", "5D896912-022D-40AA-A3A8-4FA5515C76D7", None, False),
    "CORE": ("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS", "1139C61B-B549-4251-8ED3-27250A1EDEC8", None, False),
    "FW": ("Microsoft-Windows-Windows Firewall With Advanced Security", "D1BC9AFF-2ABF-4D71-9146-ECB2A986EB85", None, False),
    "UPS": ("Microsoft-Windows-User Profiles Service", "89B1E9F0-5AFF-44A6-9B44-0A07A7CE5845", None, False),
    "CAX": ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "28AA95BB-D444-4719-A36F-40462168127E", None, False),
    "GP": ("Microsoft-Windows-GroupPolicy", "AEA1B4FA-97D1-45F2-A64C-4D69FFFD92C9", None, False),
    "WU": ("Microsoft-Windows-WindowsUpdateClient", "945A8954-C147-4ACD-923F-40C45405A658", None, False),
    # GUID of the real 300/302 records (hayabusa-sample-evtx, as detection-wiki-dev.pages.dev shows them;
    # EricZimmerman/evtx's Gateway maps give the same).
    "RDG": ("Microsoft-Windows-TerminalServices-Gateway", "4D5AE6A1-C7C8-4E6D-B840-4D8080B42E1B", None, False),
}

# System metadata for synthesized events that have no real example in the corpus
# (shapes from domain-events.md). Keys: v(ersion) l(evel) t(ask) o(pcode) k(eywords) q(ualifiers) uid.
META_FALLBACK = {
    ("Schannel", 36870): dict(v="0", l="2", t="0", o="0", k="0x8000000000000000", q=None, uid="S-1-5-18"),
    ("RCMSYS", 1057): dict(v="0", l="2", t="0", o="0", k="0x80000000000000", q="49152", uid=None),
    ("RCMSYS", 1058): dict(v="0", l="2", t="0", o="0", k="0x80000000000000", q="49152", uid=None),
    # RCM 1050 is a warning (TechNet ee890845); severity 0x8000 in the qualifiers, as 1057/1058 carry 0xC000.
    ("RCMSYS", 1050): dict(v="0", l="3", t="0", o="0", k="0x80000000000000", q="32768", uid=None),
    ("SCM", 7034): dict(v="0", l="2", t="0", o="0", k="0x8080000000000000", q="49152", uid=None),
    ("UPS", 1500): dict(v="0", l="2", t="0", o="0", k="0x8000000000000000", q=None, uid="USER"),
    ("UPS", 1502): dict(v="0", l="2", t="0", o="0", k="0x8000000000000000", q=None, uid="USER"),
    ("UPS", 1508): dict(v="0", l="2", t="0", o="0", k="0x8000000000000000", q=None, uid="USER"),
    ("UPS", 1511): dict(v="0", l="3", t="0", o="0", k="0x8000000000000000", q=None, uid="USER"),
    ("UPS", 1515): dict(v="0", l="3", t="0", o="0", k="0x8000000000000000", q=None, uid="USER"),
    ("CAX", 1027): dict(v="0", l="4", t="101", o="10", k="0x4000000000000000", q=None, uid="USER"),
    ("SEC", 4634): dict(v="0", l="0", t="12545", o="0", k="0x8020000000000000", q=None, uid=None),
    # RD Gateway (Microsoft-Windows-TerminalServices-Gateway/Operational), run as NETWORK SERVICE.
    # Read from the real records of Yamato-Security/hayabusa-sample-evtx
    # "YamatoSecurity/IntialAccess/ValidAccounts/ID302 RDS Gateway Logon Logoff.evtx" with
    # `rdpcause events`: 200 (task 2, opcode 30), 300 (task 5, opcode 30), 302 (task 3, opcode 30),
    # 303 (task 3, opcode 44), all level 4, user S-1-5-20. Not verified from a real record: the level,
    # task and keywords of 201, 301 and 304 (taken as error, with the task and keywords of the policy
    # check or connection they report).
    ("RDG", 200): dict(v="0", l="4", t="2", o="30", k="0x4020000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 201): dict(v="0", l="2", t="2", o="30", k="0x4020000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 300): dict(v="0", l="4", t="5", o="30", k="0x4020000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 301): dict(v="0", l="2", t="5", o="30", k="0x4020000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 302): dict(v="0", l="4", t="3", o="30", k="0x4000000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 303): dict(v="0", l="4", t="3", o="44", k="0x4000000001000000", q=None, uid="S-1-5-20"),
    ("RDG", 304): dict(v="0", l="2", t="3", o="30", k="0x4000000001000000", q=None, uid="S-1-5-20"),
}

# Real record to copy System metadata from, per (provider key, EventID).
META_SOURCE = {
    ("SCM", 7036): "SZ-System", ("SCM", 7031): "SZ-System", ("SCM", 7040): "OB-System",
    ("RCMSYS", 1056): "SZ-System", ("LsaSrv", 6041): "OB-System", ("GP", 1502): "SZ-System",
    ("Schannel", 36874): "SZ-System", ("Schannel", 36888): "SZ-System",
    ("KP", 42): "BK-System", ("KP", 107): "BK-System", ("PT", 1): "BK-System",
    ("SEC", 4624): "A22-Security", ("SEC", 4625): "SZ-Security", ("SEC", 5152): "OB-SecSel",
    ("SEC", 4672): "A22-Security",
    ("RCM", 261): "SZ-RCM", ("RCM", 1149): "SZ-RCM", ("RCM", 258): "BK-RCM",
    ("LSM", 21): "SZ-LSM", ("LSM", 22): "SZ-LSM", ("LSM", 23): "SZ-LSM", ("LSM", 24): "SZ-LSM",
    ("LSM", 25): "BK-LSM", ("LSM", 40): "SZ-LSM", ("LSM", 41): "SZ-LSM", ("LSM", 42): "SZ-LSM",
    ("CORE", 131): "SZ-Core", ("CORE", 65): "SZ-Core", ("CORE", 141): "SZ-Core",
    ("CORE", 102): "SZ-Core", ("CORE", 103): "SZ-Core", ("CORE", 139): "SZ-Core",
    ("CORE", 101): "SZ-Core", ("CORE", 132): "SZ-Core", ("CORE", 66): "SZ-Core",
    ("CORE", 98): "SZ-Core", ("CORE", 100): "SZ-Core", ("CORE", 135): "SZ-Core",
    ("CORE", 33): "SZ-Core", ("CORE", 169): "SZ-Core", ("CORE", 258): "SZ-Core",
    ("CORE", 72): "OB-Core", ("CORE", 140): "OB-Core", ("CORE", 143): "OB-Core",
    ("CORE", 226): "OB-Core", ("CORE", 145): "OB-Core", ("CORE", 148): "OB-Core",
    ("FW", 2006): "A22-FW", ("FW", 2097): "A22-FW", ("FW", 2099): "A22-FW", ("FW", 2010): "A22-FW",
    ("UPS", 1): "A22-UPS", ("UPS", 2): "A22-UPS", ("UPS", 5): "A22-UPS", ("UPS", 67): "A22-UPS",
    ("UPS", 3): "A22-UPS", ("UPS", 4): "A22-UPS",
    ("CAX", 1024): "SZ-Client", ("CAX", 1025): "SZ-Client", ("CAX", 1026): "SZ-Client",
    ("CAX", 1028): "SZ-Client", ("CAX", 1029): "SZ-Client", ("CAX", 1102): "SZ-Client",
    ("CAX", 1103): "SZ-Client", ("CAX", 1105): "SZ-Client", ("CAX", 226): "SZ-Client",
    ("WU", 19): "WA-System", ("WU", 43): "WA-System",
}


def die(msg):
    sys.stderr.write("make-samplelogs: error: %s\n" % msg)
    sys.exit(1)


# --------------------------------------------------------------------------- time

def ticks_of(s):
    """'2026-06-12T19:41:53.123Z' or '...+0000' style (UTC) -> ticks."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?", s)
    if not m:
        raise ValueError(s)
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "0")[:7].ljust(7, "0")
    base = dt.datetime(y, mo, d, h, mi, se) - EPOCH
    return (base.days * 86400 + base.seconds) * TICKS + int(frac)


def dt_of(t):
    return EPOCH + dt.timedelta(seconds=t // TICKS, microseconds=(t % TICKS) // 10)


def fmt_sys(t):
    d = dt_of(t)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % (t % TICKS)


def fmt_iso_s(t):
    return dt_of(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def S(x):
    return int(round(x * TICKS))


# --------------------------------------------------------------------------- nodes

class Node:
    __slots__ = ("tag", "ns", "attrs", "text", "children")

    def __init__(self, tag, attrs=None, text=None, children=None, ns=None):
        self.tag = tag
        self.ns = ns
        self.attrs = attrs or []
        self.text = text
        self.children = children or []


def esc_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(s):
    return esc_text(s).replace("'", "&apos;")


GUID_UPPER_RE = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def node_from_et(el):
    ns, tag = None, el.tag
    if tag.startswith("{"):
        ns, tag = tag[1:].split("}", 1)
    attrs = [(k, v) for k, v in el.attrib.items()]
    kids = [node_from_et(c) for c in el]
    text = None
    if not kids:
        text = el.text or ""
        if text.strip() == "" and "\n" in text:
            text = ""  # converter pretty-print of an empty value
    return Node(tag, attrs, text, kids, ns)


def windows_values(n, guid_case):
    """Copy of a converted payload with GUID-typed values rendered as Windows does ({...})."""
    text = n.text
    if not n.children and text and GUID_UPPER_RE.fullmatch(text):
        text = "{" + guid_fmt(text, guid_case) + "}"  # the converter prints GUID-typed values bare, upper-case
    return Node(n.tag, list(n.attrs), text, [windows_values(c, guid_case) for c in n.children], n.ns)


def ser_node(n, parent_ns, out, empty_eventdata):
    open_ = "<" + n.tag
    for k, v in n.attrs:
        open_ += " %s='%s'" % (k, esc_attr(v))
    if n.ns and n.ns != parent_ns:
        if n.ns == "Event_NS":
            open_ += " xmlns:auto-ns2='http://schemas.microsoft.com/win/2004/08/events' xmlns='Event_NS'"
        else:
            open_ += " xmlns='%s'" % n.ns
    if n.children:
        out.append(open_ + ">")
        for c in n.children:
            ser_node(c, n.ns or parent_ns, out, empty_eventdata)
        out.append("</%s>" % n.tag)
    else:
        t = n.text or ""
        if t == "" and n.tag == "EventData" and empty_eventdata:
            out.append(open_ + "/>")
        else:
            out.append(open_ + ">" + esc_text(t) + "</%s>" % n.tag)


def guid_fmt(g, case):
    g = g.strip("{}")
    return g.lower() if case == "lower" else g.upper()


# --------------------------------------------------------------------------- events

class Ev:
    def __init__(self):
        self.prov = None       # provider Name
        self.guid = None       # as to be rendered (with braces) or None
        self.esn = None
        self.eid = 0
        self.qual = None
        self.version = "0"
        self.level = "4"
        self.task = "0"
        self.opcode = "0"
        self.keywords = "0x8000000000000000"
        self.t = 0             # ticks (clock of the machine that logged it)
        self.whole_sec = False
        self.rid = 0
        self.act = None
        self.rel = None
        self.pid = "0"
        self.tid = "0"
        self.channel = ""
        self.computer = ""
        self.uid = None
        self.payload = None    # Node (EventData / UserData)
        self.origin = "synth"  # or corpus alias
        self.seq = 0

    def data(self):
        """Flat dict of named values (EventData Data/@Name or UserData leaf tags)."""
        d = {"_unnamed": []}
        if self.payload is None:
            return d
        unnamed = []
        stack = [self.payload]
        while stack:
            n = stack.pop(0)
            if n.children:
                stack = list(n.children) + stack
                continue
            name = dict(n.attrs).get("Name") if n.tag == "Data" else ("#binary" if n.tag == "Binary" else n.tag)
            if n.tag == "Data" and name is None:
                unnamed.append(n.text or "")
            elif name is not None:
                d[name] = n.text or ""
        d["_unnamed"] = unnamed
        return d


def load_corpus_text(corpus_dir, fn):
    p = os.path.join(corpus_dir, fn)
    if not os.path.exists(p):
        die("corpus file missing: %s" % p)
    if fn.endswith(".zst"):
        r = subprocess.run(["zstd", "-dc", p], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            die("zstd -dc %s failed: %s" % (p, r.stderr.decode(errors="replace")))
        return r.stdout.decode("utf-8")
    with open(p, encoding="utf-8") as f:
        return f.read()


EVENT_RE = re.compile(r'<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">.*?</Event>', re.S)


def parse_corpus_event(x, alias):
    try:
        root = ET.fromstring(x)
    except ET.ParseError:
        return None  # e.g. control characters in data (see corpus-inventory)
    sy = root.find(NS + "System")
    e = Ev()
    e.origin = alias
    p = sy.find(NS + "Provider")
    e.prov = p.get("Name")
    e.guid = p.get("Guid")
    e.esn = p.get("EventSourceName")
    ide = sy.find(NS + "EventID")
    e.eid = int(ide.text)
    e.qual = ide.get("Qualifiers")

    def opt(tag):
        el = sy.find(NS + tag)
        return None if el is None else (el.text or "")
    e.version = opt("Version")
    e.level = opt("Level")
    e.task = opt("Task")
    e.opcode = opt("Opcode")
    e.keywords = opt("Keywords")
    st = sy.find(NS + "TimeCreated").get("SystemTime")
    e.t = ticks_of(st)
    e.whole_sec = bool(re.search(r"\.0+Z$", st))
    e.rid = int(opt("EventRecordID") or 0)
    c = sy.find(NS + "Correlation")
    if c is not None:
        e.act = c.get("ActivityID")
        e.rel = c.get("RelatedActivityID")
    ex = sy.find(NS + "Execution")
    if ex is not None:
        e.pid, e.tid = ex.get("ProcessID"), ex.get("ThreadID")
    else:
        e.pid = e.tid = None
    e.channel = opt("Channel")
    e.computer = opt("Computer")
    se = sy.find(NS + "Security")
    e.uid = se.get("UserID") if se is not None else None
    rest = [ch for ch in root if ch.tag != NS + "System"]
    e.payload = node_from_et(rest[0]) if rest else None
    return e


class Corpus:
    def __init__(self, d):
        self.dir = d
        self.cache = {}
        self.used = {}

    def events(self, alias):
        if alias not in self.cache:
            txt = load_corpus_text(self.dir, CORPUS[alias])
            evs = []
            for x in EVENT_RE.findall(txt):
                e = parse_corpus_event(x, alias)
                if e is not None:
                    evs.append(e)
            evs.sort(key=lambda e: e.rid)
            self.cache[alias] = evs
        return self.cache[alias]

    def meta(self, pkey, eid):
        alias = META_SOURCE.get((pkey, eid))
        if alias:
            name = PROVIDERS[pkey][0]
            for e in self.events(alias):
                if e.eid == eid and e.prov == name:
                    return dict(v=e.version, l=e.level, t=e.task, o=e.opcode, k=e.keywords,
                                q=e.qual, uid=e.uid)
            die("no real %s/%d in %s" % (pkey, eid, alias))
        if (pkey, eid) in META_FALLBACK:
            return dict(META_FALLBACK[(pkey, eid)])
        die("no metadata for %s/%d" % (pkey, eid))


# --------------------------------------------------------------------------- messages

def fmt_client_226(d):
    return ("%s: An error was encountered when transitioning from %s to %s in response to %s "
            "[error code 0x%X]" % (d.get("StateTransitionName"), d.get("PreviousStateName"),
                                   d.get("NewStateName"), d.get("Event"), int(d.get("Error Code", "0"))))


CRLF = "\r\n"
MESSAGES = {
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1024): lambda d: "RDP ClientActiveX is trying to connect to the server (%s)" % d["Value"],
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1025): lambda d: "RDP ClientActiveX has connected to the server",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1026): lambda d: "RDP ClientActiveX has been disconnected (Reason= %s)" % d["Value"],
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1027): lambda d: "Connected to domain (%s) with session %s." % (d["DomainName"], d["SessionId"]),
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1028): lambda d: "Server supports SSL = %s" % d["TraceMessage"],
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1029): lambda d: "Base64(SHA256(UserName)) is = %s" % d["TraceMessage"],
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1102): lambda d: "The client has initiated a multi-transport connection to the server %s." % d["Value"],
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1103): lambda d: "The client has established a multi-transport connection to the server.",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 1105): lambda d: "The multi-transport connection has been disconnected.",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", 226): fmt_client_226,
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 21): lambda d: "Remote Desktop Services: Session logon succeeded:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"] + CRLF + "Source Network Address: %s" % d["Address"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 22): lambda d: "Remote Desktop Services: Shell start notification received:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"] + CRLF + "Source Network Address: %s" % d["Address"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 23): lambda d: "Remote Desktop Services: Session logoff succeeded:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 24): lambda d: "Remote Desktop Services: Session has been disconnected:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"] + CRLF + "Source Network Address: %s" % d["Address"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 25): lambda d: "Remote Desktop Services: Session reconnection succeeded:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"] + CRLF + "Source Network Address: %s" % d["Address"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 39): lambda d: "Session %s has been disconnected by session %s" % (d["TargetSession"], d["Source"]),
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 40): lambda d: "Session %s has been disconnected, reason code %s" % (d["Session"], d["Reason"]),
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 41): lambda d: "Begin session arbitration:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"],
    ("Microsoft-Windows-TerminalServices-LocalSessionManager", 42): lambda d: "End session arbitration:" + CRLF + CRLF + "User: %s" % d["User"] + CRLF + "Session ID: %s" % d["SessionID"],
    ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", 261): lambda d: "Listener %s received a connection" % d["listenerName"],
    ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1149): lambda d: "Remote Desktop Services: User authentication succeeded:" + CRLF + CRLF + "User: %s" % d["Param1"] + CRLF + "Domain: %s" % d["Param2"] + CRLF + "Source Network Address: %s" % d["Param3"],
    ("Service Control Manager", 7036): lambda d: "The %s service entered the %s state." % (d["param1"], d["param2"]),
    ("Service Control Manager", 7040): lambda d: "The start type of the %s service was changed from %s to %s." % (d["param1"], d["param2"], d["param3"]),
    ("Service Control Manager", 7031): lambda d: "The %s service terminated unexpectedly.  It has done this %s time(s).  The following corrective action will be taken in %s milliseconds: %s." % (d["param1"], d["param2"], d["param3"], d["param5"]),
    ("Microsoft-Windows-Kernel-General", 16): lambda d: "The access history in hive %s was cleared updating %s keys and creating %s modified pages." % (d["HiveName"], d["KeysUpdated"], d["DirtyPages"]),
    ("Microsoft-Windows-WindowsUpdateClient", 19): lambda d: "Installation Successful: Windows successfully installed the following update: %s" % d["updateTitle"],
    ("Microsoft-Windows-WindowsUpdateClient", 43): lambda d: "Installation Started: Windows has started installing the following update: %s" % d["updateTitle"],
    ("Microsoft-Windows-WindowsUpdateClient", 44): lambda d: "Windows Update started downloading an update.",
    ("Microsoft-Windows-Time-Service", 37): lambda d: "The time provider NtpClient is currently receiving valid time data from %s." % d["TimeSource"],
    ("Microsoft-Windows-Time-Service", 35): lambda d: "The time service is now synchronizing the system time with the time source %s with reference id %s. Current local stratum number is %s." % (d["TimeSource"], d["TimeSourceRefId"], d["CurrentStratumNumber"]),
    ("Schannel", 36870): lambda d: "A fatal error occurred when attempting to access the TLS %s credential private key. The error code returned from the cryptographic module is %s. The internal error state is %s." % (d["Type"], d["ErrorCode"].upper().replace("0X", "0x"), d["ErrorStatus"]),
    ("Schannel", 36874): lambda d: "An %s connection request was received from a remote client application, but none of the cipher suites supported by the client application are supported by the server. The SSL connection request has failed." % d["Protocol"],
    ("Schannel", 36888): lambda d: "A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. The TLS protocol defined fatal error code is %s. The Windows SChannel error state is %s." % (d["AlertDesc"], d["ErrorState"]),
    ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1050): lambda d: "The Terminal Server listener %s is configured with inconsistent authentication and encryption settings. The Encryption Level is currently set to %s and Security Layer is set to %s. These settings were automatically corrected to allow connections to proceed. Please change the Security Layer and Encryption Level settings in Group Policy or by using the Terminal Services Configuration tool in the Administrative Tools folder." % tuple((d["_unnamed"] + ["", "", ""])[:3]),
    ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1057): lambda d: "The RD Session Host Server has failed to create a new self signed certificate to be used for RD Session Host Server authentication on SSL connections. The relevant status code was %s." % d["_unnamed"][0].strip(),
    ("Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1058): lambda d: "The RD Session Host Server has failed to replace the expired self signed certificate used for RD Session Host Server authentication on SSL connections. The relevant status code was %s." % d["_unnamed"][0].strip(),
}

TASK_NAMES = {
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "101"): "Connection Sequence",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "104"): "RDP State Transition",
    ("Microsoft-Windows-Security-Auditing", "12544"): "Logon",
}
OPCODE_NAMES = {
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "10"): "This event is raised during the connection process",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "11"): "This event is raised during the disconnection process",
    ("Microsoft-Windows-TerminalServices-ClientActiveXCore", "19"): "This event is raised during a state transition.",
}
LEVEL_NAMES = {"0": "Information", "1": "Critical", "2": "Error", "3": "Warning", "4": "Information", "5": "Verbose"}


def rendering_info(e):
    f = MESSAGES.get((e.prov, e.eid))
    if f is None:
        return None
    classic = e.esn is not None
    if e.origin != "synth" and not classic:
        # only render background records whose Task/Opcode/Keywords names we know (otherwise left out of EV saves)
        if (e.task or "0") != "0" and (e.prov, e.task) not in TASK_NAMES:
            return None
        if (e.opcode or "0") != "0" and (e.prov, e.opcode) not in OPCODE_NAMES:
            return None
        if int(e.keywords or "0", 16) & 0x0000FFFFFFFFFFFF:
            return None
    msg = f(e.data())
    task = TASK_NAMES.get((e.prov, e.task), "" if classic else "None")
    opcode = "" if classic else OPCODE_NAMES.get((e.prov, e.opcode or "0"), "Info")
    kw = []
    k = int(e.keywords or "0", 16)
    if k & 0x0080000000000000:
        kw.append("Classic")
    if k & 0x0020000000000000:
        kw.append("Audit Success")
    if k & 0x0010000000000000:
        kw.append("Audit Failure")
    provider = "Microsoft Windows security auditing." if e.prov == "Microsoft-Windows-Security-Auditing" else e.prov
    x = "<RenderingInfo Culture='en-US'><Message>%s</Message><Level>%s</Level><Task>%s</Task><Opcode>%s</Opcode><Channel>%s</Channel><Provider>%s</Provider>" % (
        esc_text(msg), LEVEL_NAMES.get(e.level or "4", "Information"), esc_text(task), esc_text(opcode),
        esc_text(e.channel), esc_text(provider))
    if kw:
        x += "<Keywords>" + "".join("<Keyword>%s</Keyword>" % w for w in kw) + "</Keywords>"
    else:
        x += "<Keywords></Keywords>"
    return x + "</RenderingInfo>"


def render_event(e, style, rendering=None):
    out = ["<Event xmlns='%s'><System>" % EVNS]
    p = "<Provider Name='%s'" % esc_attr(e.prov)
    if e.guid:
        p += " Guid='%s'" % esc_attr(e.guid)
    if e.esn:
        p += " EventSourceName='%s'" % esc_attr(e.esn)
    out.append(p + "/>")
    if e.qual is not None:
        out.append("<EventID Qualifiers='%s'>%d</EventID>" % (e.qual, e.eid))
    else:
        out.append("<EventID>%d</EventID>" % e.eid)
    for tag, v in (("Version", e.version), ("Level", e.level), ("Task", e.task), ("Opcode", e.opcode),
                   ("Keywords", e.keywords)):
        if v is not None:
            out.append("<%s>%s</%s>" % (tag, v, tag))
    out.append("<TimeCreated SystemTime='%s'/>" % fmt_sys(e.t))
    out.append("<EventRecordID>%d</EventRecordID>" % e.rid)
    if e.act or e.rel:
        c = "<Correlation"
        if e.act:
            c += " ActivityID='%s'" % e.act
        if e.rel:
            c += " RelatedActivityID='%s'" % e.rel
        out.append(c + "/>")
    else:
        out.append("<Correlation/>")
    if e.pid is not None:
        out.append("<Execution ProcessID='%s' ThreadID='%s'/>" % (e.pid, e.tid))
    out.append("<Channel>%s</Channel>" % esc_text(e.channel))
    out.append("<Computer>%s</Computer>" % esc_text(e.computer))
    out.append("<Security UserID='%s'/>" % e.uid if e.uid else "<Security/>")
    out.append("</System>")
    if e.payload is not None:
        ser_node(e.payload, EVNS, out, style.get("empty_eventdata_selfclose", False))
    if rendering:
        out.append(rendering)
    out.append("</Event>")
    return "".join(out)


# --------------------------------------------------------------------------- payload builders

def ED(*pairs, name=None):
    """EventData with named Data (pairs of (name, value)); ("#binary", hex) for Binary."""
    kids = []
    for k, v in pairs:
        if k == "#binary":
            kids.append(Node("Binary", text=v))
        elif k is None:
            kids.append(Node("Data", text=v))
        else:
            kids.append(Node("Data", [("Name", k)], v))
    return Node("EventData", [("Name", name)] if name else [], "", kids)


def UD(*pairs):
    kids = [Node(k, text=v, ns="Event_NS") for k, v in pairs]
    return Node("UserData", children=[Node("EventXML", children=kids, ns="Event_NS")])


def GWUD(*pairs):
    """UserData of an RD Gateway event: `<EventInfo xmlns='aag'>` with one element per field (the real
    records' shape: the `aag` namespace and the element names are in hayabusa-sample-evtx's ID302 file)."""
    kids = [Node(k, text=v, ns="aag") for k, v in pairs]
    return Node("UserData", children=[Node("EventInfo", children=kids, ns="aag")])


def gateway_info(user, address, auth="", resource="", protocol="", error="0", **extra):
    """The EventInfo fields of a gateway event in the real records' order (Username, IpAddress,
    AuthType, Resource, then 303's byte counts and duration, ConnectionProtocol, ErrorCode)."""
    pairs = [("Username", user), ("IpAddress", address), ("AuthType", auth), ("Resource", resource)]
    for k in ("BytesReceived", "BytesTransfered", "SessionDuration"):
        if k in extra:
            pairs.append((k, extra[k]))
    return GWUD(*(pairs + [("ConnectionProtocol", protocol), ("ErrorCode", error)]))


def utf16hex(s):
    return "".join("%02X%02X" % (ord(c) & 0xFF, ord(c) >> 8) for c in s) + "0000"


# --------------------------------------------------------------------------- noise filtering

RDP_CHANNELS = {LOGS[k][0] for k in ("LSM", "RCM", "Core", "UPS", "Client")}
SESSION_SEC_IDS = {4624, 4625, 4634, 4647, 4648, 4672, 4778, 4779, 4800, 4801, 4802, 4803, 4964, 5379, 4798, 4799}
BOOT_PROVIDERS = {"EventLog", "Microsoft-Windows-Kernel-Boot", "Microsoft-Windows-Kernel-Power",
                  "Microsoft-Windows-Power-Troubleshooter", "Microsoft-Windows-Wininit", "User32",
                  "Microsoft-Windows-HAL", "Microsoft-Windows-Kernel-Processor-Power", "Schannel",
                  "TermDD", "LsaSrv", "Microsoft-Windows-Winlogon", "Microsoft-Windows-Eventlog",
                  "Microsoft-Windows-Kernel-PnP", "Microsoft-Windows-Kernel-Tm", "Microsoft-Windows-Kernel-EventTracing",
                  "Microsoft-Windows-Kernel-Dump", "BugCheck", "Microsoft-Windows-WER-SystemErrorReporting",
                  "Microsoft-Windows-Resource-Exhaustion-Detector", "disk", "Ntfs", "volmgr"}
BOOT_PROVIDERS_LC = {x.lower() for x in BOOT_PROVIDERS}
RDP_WORDS = re.compile(r"TermService|Remote Desktop|UmRdpService|SessionEnv|3389|RDP|Terminal Serv", re.I)


def is_signal_like(e):
    """Real records that would look like a cause signal: never used as background."""
    p = e.prov
    if p.lower() in BOOT_PROVIDERS_LC:
        return True
    if p == "Microsoft-Windows-Kernel-General" and e.eid in (1, 12, 13, 20, 24, 25, 27):
        return True
    if p == "Microsoft-Windows-TerminalServices-RemoteConnectionManager" and e.channel == "System":
        return True
    if p == "Service Control Manager":
        d = e.data()
        blob = " ".join(v for k, v in d.items() if k != "_unnamed") + " ".join(d["_unnamed"])
        b = d.get("#binary", "")
        if RDP_WORDS.search(blob) or "5400650072006D00" in (b or "") or e.eid in (7031, 7034, 7023, 7024, 7022, 7043):
            return True
    if e.channel == "Security" and e.eid in (4625, 4616, 5152, 5153, 5156, 5157, 4608, 4609, 1100, 1102, 1104, 1105, 1108,
                                             4778, 4779, 4739, 4826, 4902, 5024, 5025, 5033, 5034):
        return True
    if p == "Microsoft-Windows-User Profiles Service" and 1500 <= e.eid <= 1529:
        return True
    if p == "Microsoft-Windows-User Profiles Service" and e.eid in (1542, 1545, 1552):
        return True
    if p == "Microsoft-Windows-TerminalServices-LocalSessionManager" and e.eid in (16, 17, 19, 36, 37):
        return True
    if p == "Microsoft-Windows-TerminalServices-LocalSessionManager" and e.eid == 40 and e.data().get("Reason") in ("7", "8", "9", "10"):
        return True
    if p == "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS" and e.eid in (97, 99, 139, 140, 142, 143, 226, 227, 228, 229):
        return True
    if p == "Microsoft-Windows-Windows Firewall With Advanced Security":
        if e.eid in (2003, 2032, 2033, 2059, 2060, 2082):
            return True
        d = e.data()
        if RDP_WORDS.search(d.get("RuleName", "") + " " + d.get("LocalPorts", "") + " " + d.get("ServiceName", "")):
            return True
    if p == "Application Error" or p == "Application Hang" or p == "Windows Error Reporting":
        return True
    return False


# --------------------------------------------------------------------------- case builder

def new_guid(rng, case="upper", tail0000=False):
    h = "%032X" % rng.getrandbits(128)
    if tail0000:
        h = h[:28] + "0000"
    g = "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    return g.lower() if case == "lower" else g


class Machine:
    def __init__(self, name, computer, ip, skew_s=0.0, guid_case="upper", os="2019", pids=None):
        self.name = name
        self.computer = computer
        self.ip = ip
        self.skew = S(skew_s)
        self.guid_case = guid_case
        self.os = os
        self.pids = pids or {}
        self.logs = {}
        self.threads = {}


class Case:
    def __init__(self, gen, name, t_fail):
        self.gen = gen
        self.name = name
        self.T = ticks_of(t_fail)  # true UTC of the failure
        self.seed = "rdpcause-samplelogs:" + name
        self._rngs = {}
        self.files = []  # (relpath, bytes)
        self.quiet = []   # (machine, start, end) host-clock ranges where RDP/session noise is removed
        self.blackout = []  # (machine, start, end) no noise at all
        self.used_sources = set()

    def rng(self, purpose):
        if purpose not in self._rngs:
            self._rngs[purpose] = random.Random(self.seed + ":" + purpose)
        return self._rngs[purpose]

    # ---- synthesized events
    def ev(self, m, log, pkey, eid, t_true, payload, act=None, uid=None, pid=None, tid=None, **over):
        name, guid, esn, classic = PROVIDERS[pkey]
        meta = self.gen.corpus.meta(pkey, eid)
        meta.update(over)
        e = Ev()
        e.prov = name
        e.guid = guid if classic else "{" + guid_fmt(guid, m.guid_case) + "}"
        e.esn = esn
        e.eid = eid
        e.qual = meta.get("q")
        e.version, e.level, e.task, e.opcode, e.keywords = meta["v"], meta["l"], meta["t"], meta["o"], meta["k"]
        e.t = t_true + m.skew
        e.t += int(hashlib.md5(str(e.t).encode()).hexdigest(), 16) % 997  # sub-0.1 ms detail, same for equal times
        e.whole_sec = classic and pkey in ("RCMSYS", "LsaSrv")
        if e.whole_sec:
            e.t -= e.t % TICKS
        e.channel = LOGS[log][0]
        e.computer = m.computer
        u = uid if uid is not None else meta.get("uid")
        e.uid = self.user_sid if u == "USER" else u
        e.act = ("{" + guid_fmt(act, m.guid_case) + "}") if act else None
        e.pid = str(pid if pid is not None else m.pids.get(pkey, 4))
        if tid is None:
            pool = m.threads.setdefault(pkey, [])
            r = self.rng("tid:" + m.name + pkey)
            if not pool or r.random() < 0.35:
                pool.append(r.randrange(120, 9000, 4))
            tid = r.choice(pool)
        e.tid = str(tid)
        if classic and pkey in ("RCMSYS", "LsaSrv"):
            e.pid, e.tid = "0", "0"
        e.payload = payload
        e.origin = "synth"
        lst = m.logs.setdefault(log, [])
        e.seq = len(lst)
        lst.append(e)
        return e

    # ---- background noise from the real corpus
    def noise(self, m, log, alias, n, start, end, chunks=3, keep=None):
        src = [e for e in self.gen.corpus.events(alias) if not is_signal_like(e)]
        if keep:
            src = [e for e in src if keep(e)]
        if not src:
            return
        r = self.rng("noise:%s:%s:%s" % (m.name, log, alias))
        per = max(1, n // chunks)
        starts = sorted(r.randrange(0, max(1, len(src) - per)) for _ in range(chunks))
        picked, seen = [], set()
        for s0 in starts:
            for e in src[s0:s0 + per]:
                if id(e) not in seen:
                    seen.add(id(e))
                    picked.append(e)
        span = (end - start)
        breaks = {id(src[s0]) for s0 in starts[1:]}
        gaps = [0]
        for a, b in zip(picked, picked[1:]):
            g = b.t - a.t
            if id(b) in breaks:
                g = int(r.uniform(0.4, 1.0) * span / (chunks + 1))  # spread the chunks over the window
            elif g < 0 or g > S(1200):
                g = S(r.uniform(20, 900))
            gaps.append(g)
        total = sum(gaps)
        scale = span * r.uniform(0.85, 0.97) / total if total else 1.0  # fill most of the window
        offset = r.randrange(0, max(1, int(span - total * scale)))
        acc = 0
        lst = m.logs.setdefault(log, [])
        self.used_sources.add(alias)
        for src_e, g in zip(picked, gaps):
            acc += g
            t = start + offset + int(acc * scale) + m.skew
            if src_e.whole_sec:
                t -= t % TICKS
            else:
                t += r.randrange(0, 10)  # the converter kept 6 digits; Windows shows 7
            rdp_rel = (src_e.channel in RDP_CHANNELS or
                       (src_e.channel == "Security" and src_e.eid in SESSION_SEC_IDS) or
                       src_e.prov == "Microsoft-Windows-User Profiles Service")
            if any(mm is m and a <= t <= b for mm, a, b in self.blackout):
                continue
            if rdp_rel and any(mm is m and a <= t <= b for mm, a, b in self.quiet):
                continue
            if src_e.prov == "Service Control Manager" and abs(t - (self.T + m.skew)) < S(150):
                continue  # no unrelated service-start bursts right at the failure
            e = Ev()
            e.__dict__.update(src_e.__dict__)
            e.t = t
            e.computer = m.computer
            if e.guid and not e.esn:
                e.guid = "{" + guid_fmt(e.guid, m.guid_case) + "}"
            if e.act:
                e.act = "{" + guid_fmt(e.act, m.guid_case) + "}"
            if e.rel:
                e.rel = "{" + guid_fmt(e.rel, m.guid_case) + "}"
            pk = next((k for k, v in PROVIDERS.items() if v[0] == e.prov and (v[2] is None) == (e.esn is None)), None)
            if pk in m.pids and e.pid is not None and e.pid != "0":
                e.pid = str(m.pids[pk])
            e.payload = windows_values(src_e.payload, m.guid_case) if src_e.payload is not None else None
            e.seq = len(lst)
            lst.append(e)

    # ---- writing
    def write_log(self, m, log, folder, fname=None, fmt="wevtutil", order="asc", enc="utf-8",
                  rid_base=None, empty_selfclose=False):
        evs = list(m.logs.get(log, []))
        style = {"empty_eventdata_selfclose": empty_selfclose}
        if fmt == "ev":
            keep = []
            for e in evs:
                if rendering_info(e) is None:
                    if e.origin == "synth":
                        die("%s: no message template for synthesized %s/%d" % (self.name, e.prov, e.eid))
                    continue
                keep.append(e)
            evs = keep
        evs.sort(key=lambda e: (e.t, e.seq))
        r = self.rng("rid:%s:%s" % (m.name, log))
        if rid_base is None:
            rid_base = r.randrange(1200, 60000)
        for i, e in enumerate(evs):
            e.rid = rid_base + i
        if order == "desc":
            evs = evs[::-1]
        if fmt == "evtx":
            # the log file itself, as copied from C:\Windows\System32\winevt\Logs (records in file order)
            data = evtx_writer.write_evtx(evs, lambda t: t + FILETIME_OF_UNIX_EPOCH, EVNS)
            self.files.append((folder + "/" + (fname or LOGS[log][0].replace("/", "%4") + ".evtx"), data))
            return evs
        if fmt == "wevtutil":
            body = "".join(render_event(e, style) + "\r\n" for e in evs)
        else:
            body = ('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n<Events>' +
                    "".join(render_event(e, style, rendering_info(e)) for e in evs) + "</Events>")
        if enc == "utf-16":
            data = b"\xff\xfe" + body.encode("utf-16-le")
        else:
            data = body.encode("utf-8")
        self.files.append((folder + "/" + (fname or LOGS[log][1]), data))
        return evs

    def write_text(self, relpath, text, enc="utf-8", crlf=True):
        if crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        if enc == "utf-16":
            data = b"\xff\xfe" + text.encode("utf-16-le")
        elif enc == "utf-8-sig":
            data = b"\xef\xbb\xbf" + text.encode("utf-8")
        else:
            data = text.encode("utf-8")
        self.files.append((relpath, data))

    def expected(self, verdict, cause, host, failure, notes, clocks=None, mentions=None):
        """`failure` is the true moment (UTC); with `clocks` (client, host machine) the key gives it
        on the client's clock (what the user saw) as failureTime, and on the host's as hostTime
        when the two differ by a second or more (the time contract of the diagnosis JSON)."""
        client_t = failure + clocks[0].skew if failure is not None and clocks else failure
        self.exp = {"verdict": verdict, "topCause": cause, "host": host,
                    "failureTime": fmt_iso_s(client_t) if client_t is not None else None}
        if clocks and failure is not None and abs((failure + clocks[1].skew) - client_t) >= S(1):
            self.exp["hostTime"] = fmt_iso_s(failure + clocks[1].skew)
        self.exp["notes"] = notes
        if mentions:
            self.exp["mentions"] = mentions  # per cause id: texts its assessment must say
        self.files.append(("expected.json", (json.dumps(self.exp, indent=2) + "\n").encode("utf-8")))


# --------------------------------------------------------------------------- reusable sequences

def b64hash(rng):
    import base64
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode() + "-"


class Conn:
    """One RDP connection attempt seen from client and host."""

    def __init__(self, c, client, host, t0, port, conn_no, target_typed):
        self.c, self.client, self.host = c, client, host
        self.t0 = t0
        self.port = port
        self.conn_no = conn_no
        r = c.rng("conn:%d" % t0)
        self.act_client = new_guid(r, "upper", tail0000=True)
        self.act_host = new_guid(r, "upper", tail0000=True)
        self.target = target_typed
        self.r = r

    # client side
    def c_start(self, dt_s=0.0, ssl=True, hash_=True):
        c, m, a = self.c, self.client, self.act_client
        c.ev(m, "Client", "CAX", 1024, self.t0 + S(dt_s), ED(("Name", "Server Name"), ("Value", self.target), ("CustomLevel", "Info")), act=a, uid="USER")
        if ssl:
            c.ev(m, "Client", "CAX", 1028, self.t0 + S(dt_s + 0.09), ED(("TraceMessage", "supported")), act=a, uid="USER")
        if hash_:
            c.ev(m, "Client", "CAX", 1029, self.t0 + S(dt_s + 0.61), ED(("TraceMessage", c.user_hash)), act=a, uid="USER")

    def c_connected(self, dt_s, ip, session, domain):
        c, m, a = self.c, self.client, self.act_client
        c.ev(m, "Client", "CAX", 1102, self.t0 + S(dt_s), ED(("Name", "ServerAddress"), ("Value", ip), ("CustomLevel", "Info")), act=a, uid="USER")
        c.ev(m, "Client", "CAX", 1103, self.t0 + S(dt_s + 0.034), ED(), act=a, uid="USER")
        c.ev(m, "Client", "CAX", 1025, self.t0 + S(dt_s + 0.142), ED(), act=a, uid="USER")
        if session is not None:
            c.ev(m, "Client", "CAX", 1027, self.t0 + S(dt_s + 2.718), ED(("DomainName", domain), ("SessionId", str(session))), act=a, uid="USER")

    def c_disc(self, dt_s, reason, multi=False):
        c, m, a = self.c, self.client, self.act_client
        if multi:
            c.ev(m, "Client", "CAX", 1105, self.t0 + S(dt_s), ED(), act=a, uid="USER")
        return c.ev(m, "Client", "CAX", 1026, self.t0 + S(dt_s), ED(("Name", "Disconnect Reason"), ("Value", str(reason)), ("CustomLevel", "Info")), act=a, uid="USER")

    def c_226(self, dt_s, kind):
        c, m, a = self.c, self.client, self.act_client
        if kind == "tcp":
            vals = ("RDPClient_TCP", "1", "TcpStateConnectingTransport", "11", "TcpStateDisconnected", "2", "TcpEventConnectionTimeout", "2147500036")
        else:
            vals = ("RDPClient_SSL", "0", "TsSslStateDisconnected", "0", "TsSslStateDisconnected", "25", "TsSslEventInvalidState", "2147549183")
        names = ("StateTransitionName", "PreviousState", "PreviousStateName", "NewState", "NewStateName", "Event", "EventName", "Error Code")
        c.ev(m, "Client", "CAX", 226, self.t0 + S(dt_s), ED(*zip(names, vals)), act=a, uid="USER")

    # host side
    def h_reach(self, dt_s=0.0, modern=True):
        c, m, a = self.c, self.host, self.act_host
        t = self.t0 + S(dt_s)
        c.ev(m, "RCM", "RCM", 261, t, UD(("listenerName", "RDP-Tcp")), act=a)
        c.ev(m, "Core", "CORE", 131, t + S(0.0011), ED(("ConnType", "TCP"), ("ClientIP", "%s:%d" % (self.client.ip, self.port))), act=a)
        c.ev(m, "Core", "CORE", 65, t + S(0.0081), ED(("ConnectionName", "RDP-Tcp#%d" % self.conn_no)), act=a)
        if modern:
            c.ev(m, "Core", "CORE", 72, t + S(0.0113), ED(("MethodName", "PrepareForAccept")), act=a)
            c.ev(m, "Core", "CORE", 72, t + S(0.0114), ED(("MethodName", "SendPolicyData")), act=a)
        c.ev(m, "Core", "CORE", 141, t + S(0.0135), ED(("InstanceID", str(self.conn_no))), act=a)

    def h_close(self, dt_s, reason="0", modern=True):
        c, m, a = self.c, self.host, self.act_host
        t = self.t0 + S(dt_s)
        if modern:
            c.ev(m, "Core", "CORE", 72, t, ED(("MethodName", "OnDisconnected")), act=a)
        c.ev(m, "Core", "CORE", 102, t + S(0.0002), ED(), act=a)
        c.ev(m, "Core", "CORE", 103, t + S(0.0004), ED(("ReasonCode", reason)), act=a)
        if modern:
            for ch in ("rdpinpt", "rdpcmd", "rdplic"):
                c.ev(m, "Core", "CORE", 148, t + S(0.0007), ED(("ChannelName", ch), ("TunnelID", "0")), act=a)

    def h_auth_ok(self, dt_s, user, domain, session):
        c, m, a = self.c, self.host, self.act_host
        t = self.t0 + S(dt_s)
        c.ev(m, "RCM", "RCM", 1149, t, UD(("Param1", user), ("Param2", domain), ("Param3", self.client.ip)), act=a)
        c.ev(m, "Core", "CORE", 101, t + S(0.0003), ED(("ReasonString", "Reason Code: 2(Server Configuration).")), act=a)
        c.ev(m, "Core", "CORE", 132, t + S(0.0004), ED(("ChannelName", "rdplic"), ("TunnelID", "0")), act=a)
        c.ev(m, "Core", "CORE", 132, t + S(0.0005), ED(("ChannelName", "rdpcmd"), ("TunnelID", "0")), act=a)
        c.ev(m, "Core", "CORE", 66, t + S(0.015), ED(("ConnectionName", "RDP-Tcp#%d" % self.conn_no), ("SessionID", str(session))), act=a)
        c.ev(m, "Core", "CORE", 98, t + S(0.031), ED(), act=a)
        c.ev(m, "Core", "CORE", 100, t + S(0.0312), ED(), act=a)
        c.ev(m, "Core", "CORE", 135, t + S(0.0313), ED(("TunnelID", "1"), ("TransportType", "TCP: Reason Code: 1 (No Client UDP Support)")), act=a)
        c.ev(m, "Core", "CORE", 33, t + S(0.0314), ED(), act=a)
        for i, ch in enumerate(("rdpgrfx", "rdpinpt", "Microsoft::Windows::RDS::Telemetry", "ECHO")):
            c.ev(m, "Core", "CORE", 132, t + S(0.05 + 0.0001 * i), ED(("ChannelName", ch), ("TunnelID", "0")), act=a)
        c.ev(m, "Core", "CORE", 169, t + S(0.0506), ED(("MajorType", "4"), ("MinorType", "7")), act=a)

    def h_logon(self, dt_s, user_dom, session, logon_id, shell=True, lsm_act=None):
        c, m, a = self.c, self.host, self.act_host
        t = self.t0 + S(dt_s)
        la = lsm_act or a
        c.ev(m, "LSM", "LSM", 41, t, UD(("User", user_dom), ("SessionID", str(session))), act=la)
        c.ev(m, "LSM", "LSM", 42, t + S(0.033), UD(("User", user_dom), ("SessionID", str(session))), act=la)
        dom, user = user_dom.split("\\")
        c.security_4624(m, t + S(0.12), user, dom, logon_id, self.client.ip)
        c.ev(m, "LSM", "LSM", 21, t + S(0.19), UD(("User", user_dom), ("SessionID", str(session)), ("Address", self.client.ip)), act=la)
        if shell:
            c.ev(m, "LSM", "LSM", 22, t + S(0.25), UD(("User", user_dom), ("SessionID", str(session)), ("Address", self.client.ip)), act=la)


def case_common(c, gen, client, host, user, domain, user_sid):
    c.client, c.host = client, host
    c.user, c.domain, c.user_sid = user, domain, user_sid
    c.user_hash = b64hash(c.rng("userhash"))




def security_4625(c, m, t, user, dom, status, reason, sub, ltype, ip, port, workstation, subj=None, proc=("0x0", "-")):
    if ltype == "3":
        subj = ("S-1-0-0", "-", "-", "0x0")
        lp, ap = "NtLmSsp ", "NTLM"
    else:
        subj = subj or ("S-1-5-18", m.computer.split(".")[0] + "$", dom, "0x3e7")
        lp, ap = "User32 ", "Negotiate"
    f = [("SubjectUserSid", subj[0]), ("SubjectUserName", subj[1]), ("SubjectDomainName", subj[2]),
         ("SubjectLogonId", subj[3]), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", user),
         ("TargetDomainName", dom), ("Status", status), ("FailureReason", reason), ("SubStatus", sub),
         ("LogonType", ltype), ("LogonProcessName", lp), ("AuthenticationPackageName", ap),
         ("WorkstationName", workstation), ("TransmittedServices", "-"), ("LmPackageName", "-"),
         ("KeyLength", "0"), ("ProcessId", proc[0]), ("ProcessName", proc[1]), ("IpAddress", ip),
         ("IpPort", port)]
    return c.ev(m, "Security", "SEC", 4625, t, ED(*f), act=c.sec_act)


Case.security_4625 = security_4625


def mstsc_ts(t_local):
    d = dt_of(t_local)
    return d.strftime("%m/%d/%y %I:%M:%S %p")


def mstsc_report(t_local, framed=False, extra=False):
    lines = []
    if framed:
        lines += ["---------------------------", "Remote Desktop Connection", "---------------------------"]
    else:
        lines += ["Remote Desktop Connection", ""]
    lines += ["This computer can't connect to the remote computer.", ""]
    if extra:
        lines += ["Try connecting again. If the problem continues, contact the owner of the remote computer or your network administrator.", ""]
    lines += ["Error code: 0x904", "Extended error code: 0x7", "", "Timestamp: " + mstsc_ts(t_local)]
    if framed:
        lines += ["---------------------------", "OK   Hide Details   ", "---------------------------"]
    return "\n".join(lines) + "\n"


def winapp_report(t_utc_client, activity, header=True):
    lines = []
    if header:
        lines += ["Error details", "", "This computer can't connect to the remote computer.", ""]
    d = dt_of(t_utc_client)
    lines += ["Error code: 0x904", "Extended error code: 0x7",
              "Timestamp (UTC): " + d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((t_utc_client % TICKS) // 10000),
              "Activity ID: " + activity]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- machines

def host_machine(name, computer, ip, os, skew_s=0.0, seed=""):
    r = random.Random("pids:" + name + seed)
    svc = r.randrange(600, 800, 4)
    lsass = svc + r.randrange(8, 40, 4)
    termsvc = r.randrange(1000, 1600, 4)
    pids = {"SCM": svc, "SEC": lsass, "Schannel": lsass, "RCM": termsvc, "CORE": termsvc,
            "LSM": r.randrange(900, 1100, 4), "KP": 4, "PT": r.randrange(2000, 3000, 4),
            "FW": r.randrange(2400, 3200, 4), "UPS": r.randrange(1100, 1300, 4)}
    m = Machine(name, computer, ip, skew_s, "lower" if os in ("2022", "win11") else "upper", os, pids)
    if os == "2012r2":
        m.logon_proc = ("0x%x" % r.randrange(0x400, 0x600, 4), "C:\\Windows\\System32\\winlogon.exe")
    else:
        m.logon_proc = ("0x%x" % termsvc, "C:\\Windows\\System32\\svchost.exe")
    m.winlogon_pid = m.logon_proc[0]
    m.modern = os != "2012r2"
    return m


def client_machine(name, ip, skew_s=0.0, seed=""):
    r = random.Random("pids:" + name + seed)
    m = Machine(name, name, ip, skew_s, "upper", "win10", {"CAX": r.randrange(4000, 16000, 4)})
    return m


def security_4624(c, m, t, user, dom, logon_id, ip):
    if True:
        v2 = m.os != "2012r2"
        r = c.rng("4624")
        f = [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", m.computer.split(".")[0] + "$"),
             ("SubjectDomainName", dom), ("SubjectLogonId", "0x3e7"), ("TargetUserSid", c.user_sid),
             ("TargetUserName", user), ("TargetDomainName", dom), ("TargetLogonId", logon_id),
             ("LogonType", "10"), ("LogonProcessName", "User32 "), ("AuthenticationPackageName", "Negotiate"),
             ("WorkstationName", m.computer.split(".")[0]),
             ("LogonGuid", "{" + guid_fmt(new_guid(r), m.guid_case) + "}"), ("TransmittedServices", "-"),
             ("LmPackageName", "-"), ("KeyLength", "0"), ("ProcessId", m.logon_proc[0]),
             ("ProcessName", m.logon_proc[1]), ("IpAddress", ip), ("IpPort", "0"),
             ("ImpersonationLevel", "%%1833")]
        if v2:
            f += [("RestrictedAdminMode", "%%1843"), ("TargetOutboundUserName", "-"),
                  ("TargetOutboundDomainName", "-"), ("VirtualAccount", "%%1843"),
                  ("TargetLinkedLogonId", "0x0"), ("ElevatedToken", "%%1842")]
        meta = {} if v2 else {"v": "1"}
        c.ev(m, "Security", "SEC", 4624, t, ED(*f), act=c.sec_act, **meta)


Case.security_4624 = security_4624

RID_RANGES = {"System": (8000, 90000), "Security": (150000, 2400000), "Application": (3000, 40000),
              "LSM": (200, 6000), "RCM": (500, 40000), "Core": (1000, 90000), "FW": (100, 3000),
              "UPS": (100, 4000), "Client": (20, 1500), "GW": (300, 90000)}


def rid_base(c, m, log):
    lo, hi = RID_RANGES[log]
    return c.rng("ridbase:%s:%s" % (m.name, log)).randrange(lo, hi)


def quiet(c, m, before_s, after_s):
    c.quiet.append((m, c.T + m.skew - S(before_s), c.T + m.skew + S(after_s)))


def fmt_ft9(t):
    """FILETIME-typed data value as Windows renders it (9 fractional digits)."""
    return dt_of(t).strftime("%Y-%m-%dT%H:%M:%S") + ".%07d00Z" % (t % TICKS)


def local_of(t, offset_h):
    return t + S(offset_h * 3600)


# --------------------------------------------------------------------------- the cases

def case_network_path(gen):
    c = Case(gen, "network-path", "2026-06-12T07:41:53.3000000Z")
    host = host_machine("host", "RDSH-01.corp.example", "10.20.4.21", "2022")
    cl = client_machine("WKS-042", "10.20.31.42", skew_s=133.0)
    case_common(c, gen, cl, host, "alice", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1107")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 3000, 2400)
    # GPO refresh removes the built-in RDP allow rules 47 minutes before the attempt.
    for i, (rid, rn) in enumerate((("RemoteDesktop-UserMode-In-TCP", "Remote Desktop - User Mode (TCP-In)"),
                                   ("RemoteDesktop-UserMode-In-UDP", "Remote Desktop - User Mode (UDP-In)"))):
        c.ev(host, "FW", "FW", 2006, T - S(2832.4 - i * 0.0113),
             ED(("RuleId", rid), ("RuleName", rn), ("ModifyingUser", "S-1-5-18"),
                ("ModifyingApplication", "C:\\Windows\\System32\\svchost.exe")))
    # A block rule pushed by the same policy.
    c.ev(host, "FW", "FW", 2097, T - S(2832.38),
         ED(("RuleId", "{6E0C1B4E-2F43-4F4B-9D0A-7A51C5D9B1A2}"), ("RuleName", "Block inbound RDP (Tier-1 hardening)"),
            ("Origin", "2"), ("ApplicationPath", ""), ("ServiceName", ""), ("Direction", "1"), ("Protocol", "6"),
            ("LocalPorts", "3389"), ("RemotePorts", "*"), ("Action", "2"), ("Profiles", "2147483647"),
            ("LocalAddresses", "*"), ("RemoteAddresses", "*"), ("RemoteMachineAuthorizationList", ""),
            ("RemoteUserAuthorizationList", ""), ("EmbeddedContext", ""), ("Flags", "1"), ("Active", "1"),
            ("EdgeTraversal", "0"), ("LooseSourceMapped", "0"), ("SecurityOptions", "0"),
            ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Windows\\System32\\svchost.exe"),
            ("SchemaVersion", "543"), ("RuleStatus", "65536"), ("LocalOnlyMapped", "0"), ("PolicyAppId", "")))
    # WFP drop auditing is enabled on this host: the SYN and its retransmissions are dropped.
    for dt_s in (-21.02, -18.01, -12.0):
        c.ev(host, "Security", "SEC", 5152, T + S(dt_s),
             ED(("ProcessId", "0"), ("Application", "-"), ("Direction", "%%14592"), ("SourceAddress", cl.ip),
                ("SourcePort", "52733"), ("DestAddress", host.ip), ("DestPort", "3389"), ("Protocol", "6"),
                ("FilterRTID", "0"), ("LayerName", "%%14597"), ("LayerRTID", "13")), pid=4, tid=88)
    conn = Conn(c, cl, host, T - S(21.1), 52733, 0, "rdsh-01")
    conn.c_start(ssl=False, hash_=False)
    conn.c_226(21.08, "tcp")
    conn.c_disc(21.1, 2308)
    # background
    win0, win1 = T - S(7 * 3600), T + S(2400)
    c.noise(host, "System", "A22-System", 220, win0, win1)
    c.noise(host, "Security", "A22-Security", 160, win0, win1)
    c.noise(host, "FW", "A22-FW", 60, win0, win1)
    c.noise(host, "RCM", "BK-RCM", 40, win0, T - S(3300))
    c.noise(host, "Core", "OB-Core", 60, win0, T - S(3300))
    c.noise(cl, "Client", "SZ-Client", 9, T - S(2 * 86400 + 3 * 3600), T - S(2 * 86400))
    hd = "host-RDSH-01"
    c.write_log(host, "System", hd, rid_base=rid_base(c, host, "System"))
    c.write_log(host, "Security", hd, rid_base=rid_base(c, host, "Security"))
    c.write_log(host, "FW", hd, rid_base=rid_base(c, host, "FW"))
    c.write_log(host, "RCM", hd, rid_base=rid_base(c, host, "RCM"))
    c.write_log(host, "Core", hd, rid_base=rid_base(c, host, "Core"))
    c.write_log(cl, "Client", "client-WKS-042", fmt="ev", order="desc", rid_base=rid_base(c, cl, "Client"))
    t_local = local_of(T + cl.skew, 2)
    c.write_text("error.txt", mstsc_report(t_local))
    c.write_text("ticket.txt", (
        "INC0048211  |  Priority: P3  |  Category: Remote access\n"
        "Caller: Alice Moreau (Treasury), Paris office - user's time zone CEST (UTC+2)\n"
        "User's machine: WKS-042\n"
        "Target: RDSH-01 (RDSH-01.corp.example), finance session host\n\n"
        "User cannot connect with Remote Desktop since this morning. Worked yesterday evening.\n"
        "She pasted the error dialog (error.txt). Logs exported from both machines by 2nd level\n"
        "(host: System, Security, Firewall, RCM, RdpCoreTS; client: RDPClient/Operational).\n"
        "Note: Filtering Platform packet-drop auditing was enabled on the finance servers last month.\n"))
    c.expected("cause-found", "network-path", "RDSH-01.corp.example", T,
               "Host shows GPO-driven deletion of the RDP allow rules and a TCP/3389 block rule 47 min before the attempt, "
               "WFP 5152 drops of the client's SYNs (auditing on) and no RCM 261/RdpCoreTS 131 at the attempt; the client clock "
               "runs 2m13s fast, so the CEST timestamp in error.txt reads 09:44:06 for a failure at 07:41:53Z.", clocks=(cl, host))
    return c


def case_rdp_service_down(gen):
    c = Case(gen, "rdp-service-down", "2026-05-19T13:07:22.6000000Z")
    host = host_machine("host", "APPSRV-07", "172.16.8.17", "2019")
    cl = client_machine("LT-MKT-11", "172.16.40.111")
    case_common(c, gen, cl, host, "jmorales", "CONTOSO", "S-1-5-21-3016519923-2209417701-1208395514-2231")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    c.ev(host, "System", "SCM", 7031, T - S(14.27),
         ED(("param1", "Remote Desktop Services"), ("param2", "1"), ("param3", "60000"), ("param4", "1"),
            ("param5", "Restart the service"), ("#binary", utf16hex("TermService")[:-4] + "0000")))
    c.ev(host, "System", "SCM", 7036, T - S(14.21),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "stopped"),
            ("#binary", utf16hex("UmRdpService/1"))))
    c.ev(host, "System", "SCM", 7036, T + S(45.93),
         ED(("param1", "Remote Desktop Services"), ("param2", "running"), ("#binary", utf16hex("TermService/4"))))
    c.ev(host, "System", "SCM", 7036, T + S(46.41),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "running"),
            ("#binary", utf16hex("UmRdpService/4"))))
    win0, win1 = T - S(5 * 3600), T + S(1500)
    c.noise(host, "System", "OB-System", 200, win0, win1)
    c.noise(host, "Security", "W10-Security", 140, win0, win1)
    c.noise(host, "RCM", "OB-RCM", 45, win0, T - S(2800))
    c.noise(host, "LSM", "W10-LSM", 40, win0, T - S(2800))
    c.noise(host, "Core", "BK-Core", 50, win0, T - S(2800))
    host.pids["RCM"] = host.pids["CORE"] = host.pids["RCM"] + 3016  # new svchost after the restart
    c.ev(host, "RCM", "RCM", 258, T + S(46.12), UD(("listenerName", "RDP-Tcp")))
    conn = Conn(c, cl, host, T - S(0.82), 50112, 0, "appsrv-07.contoso.local")
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(0.82, 2308)
    hd = "APPSRV-07 (host)"
    for lg in ("System", "Security", "RCM", "LSM", "Core"):  # the .evtx files themselves
        c.write_log(host, lg, hd, fmt="evtx", rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "LT-MKT-11 (client)", rid_base=rid_base(c, cl, "Client"))
    act = "{" + conn.act_client + "}"
    c.write_text("error.txt", winapp_report(last.t, act))
    c.write_text("error.json", json.dumps({"code": "0x904", "extendedCode": "0x7", "timestamp": fmt_iso_s(last.t),
                                           "timestampIsUtc": True, "client": "LT-MKT-11", "host": "appsrv-07.contoso.local",
                                           "activityId": act}, indent=2) + "\n", crlf=False)
    c.expected("cause-found", "rdp-service-down", "APPSRV-07", T,
               "TermService crashed 14 s before the attempt (SCM 7031, Binary TermService) and was only running again 46 s after it "
               "(7036 TermService/4, RCM 258), with no RCM 261 for the attempt; clocks in sync, report in UTC.", clocks=(cl, host))
    return c


def case_host_asleep(gen):
    c = Case(gen, "host-asleep", "2026-03-24T21:12:40.2000000Z")
    host = host_machine("host", "DESIGN-PC-03", "10.20.60.33", "win11", skew_s=-100.0)
    cl = client_machine("LT-HOME-22", "10.99.12.57")
    case_common(c, gen, cl, host, "sokafor", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1433")
    T = c.T
    sleep_t, wake_t = T - S(372.6), T + S(3127.3)
    c.blackout.append((host, sleep_t + host.skew, wake_t + host.skew + S(1.5)))
    c.ev(host, "System", "KP", 42, sleep_t,
         ED(("TargetState", "4"), ("EffectiveState", "4"), ("Reason", "7"), ("Flags", "0"), ("TransitionsToOn", "1")))
    c.ev(host, "System", "KP", 107, wake_t + S(0.41),
         ED(("TargetState", "4"), ("EffectiveState", "4"), ("WakeFromState", "4"),
            ("ProgrammedWakeTimeAc", "1601-01-01T00:00:00.000000000Z"), ("ProgrammedWakeTimeDc", "1601-01-01T00:00:00.000000000Z"),
            ("WakeRequesterTypeAc", "0"), ("WakeRequesterTypeDc", "0")))
    c.ev(host, "System", "PT", 1, wake_t + S(2.27),
         ED(("SleepTime", fmt_ft9(sleep_t + host.skew + S(0.1237413))), ("WakeTime", fmt_ft9(wake_t + host.skew - S(0.3518922))),
            ("SleepDuration", "412"), ("WakeDuration", "1186"), ("DriverInitDuration", "918"), ("BiosInitDuration", "1432"),
            ("HiberWriteDuration", "0"), ("HiberReadDuration", "0"), ("HiberPagesWritten", "0"), ("Attributes", "2181595416"),
            ("TargetState", "4"), ("EffectiveState", "4"), ("WakeSourceType", "0"), ("WakeSourceTextLength", "0"),
            ("WakeSourceText", ""), ("WakeTimerOwnerLength", "0"), ("WakeTimerContextLength", "0"),
            ("NoMultiStageResumeReason", "0"), ("WakeTimerOwner", ""), ("WakeTimerContext", "")))
    conn = Conn(c, cl, host, T - S(21.3), 61877, 0, "design-pc-03.corp.example")
    conn.c_start(ssl=False, hash_=False)
    conn.c_disc(21.3, 2308)
    c.noise(host, "System", "W11-System", 170, T - S(9 * 3600), T + S(4300))
    c.noise(host, "LSM", "W11-LSM", 30, T - S(9 * 3600), T - S(1800))
    c.write_log(host, "System", "from-DESIGN-PC-03", rid_base=rid_base(c, host, "System"), empty_selfclose=True)
    c.write_log(host, "LSM", "from-DESIGN-PC-03", rid_base=rid_base(c, host, "LSM"), empty_selfclose=True)
    c.write_log(cl, "Client", "from-LT-HOME-22", rid_base=rid_base(c, cl, "Client"), empty_selfclose=True)
    c.write_text("error.txt", mstsc_report(local_of(T + cl.skew, -4), framed=True), enc="utf-16")
    c.write_text("ticket.txt", (
        "Ticket #77120 (Service Desk, Americas)\n"
        "Reported by: Samuel Okafor, working from home today (Eastern time, EDT)\n"
        "His laptop: LT-HOME-22, on VPN\n"
        "Trying to reach: his office workstation DESIGN-PC-03 (design-pc-03.corp.example)\n"
        "Says RDP to his office PC stopped working late afternoon; screenshot text in error.txt.\n"
        "Desk-side tech exported System and TerminalServices logs from the office PC the next morning.\n"))
    c.expected("cause-found", "host-asleep", "DESIGN-PC-03", T,
               "Host entered S3 sleep (Kernel-Power 42 TargetState 4) ~6 min before the attempt and resumed ~52 min after it "
               "(Power-Troubleshooter 1 SleepTime/WakeTime span the failure, Kernel-Power 107) with no host events in between; "
               "host clock runs 1m40s slow, report is in EDT local time.", clocks=(cl, host))
    return c


def case_certificate_expired(gen):
    c = Case(gen, "certificate-expired", "2026-02-03T08:15:09.7000000Z")
    host = host_machine("host", "TS-LEGACY-02.ad.contoso-lab.net", "192.168.50.12", "2012r2")
    cl = client_machine("WKS-117", "192.168.52.117")
    case_common(c, gen, cl, host, "pnguyen", "CONTOSOLAB", "S-1-5-21-2290335501-3912020467-1722260016-1611")
    c.sec_act = None
    T = c.T
    quiet(c, host, 2700, 1800)
    status = "The certificate has expired or is not yet valid. Access is denied.\r\n"
    status = "Access is denied.\r\n"
    for dt_s in (-18725.0, -1.0):
        c.ev(host, "System", "RCMSYS", 1058, T + S(dt_s), ED((None, status), ("#binary", "")))
    conn = Conn(c, cl, host, T - S(0.93), 49852, 7, "TS-LEGACY-02")
    conn.c_start(hash_=False)
    conn.h_reach(0.02, modern=False)
    conn.h_close(0.89, "0", modern=False)
    conn.c_disc(0.93, 2308)
    win0, win1 = T - S(8 * 3600), T + S(2000)
    c.noise(host, "System", "SZ-System", 220, win0, win1)
    c.noise(host, "Security", "SZ-Security", 160, win0, win1)
    c.noise(host, "RCM", "SZ-RCM", 40, win0, T - S(3000))
    c.noise(host, "LSM", "SZ-LSM", 40, win0, T - S(3000))
    c.noise(host, "Core", "SZ-Core", 60, win0, T - S(3000))
    hd = "TS-LEGACY-02"
    for lg in ("System", "Security", "RCM", "LSM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-117", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T, 0), extra=True))
    c.write_text("error.json", json.dumps({"code": "0x904", "extendedCode": "0x7",
                                           "timestamp": fmt_iso_s(T), "timestampIsUtc": True,
                                           "client": "WKS-117", "host": "TS-LEGACY-02"}, indent=2) + "\n", crlf=False)
    c.write_text("ticket.txt", (
        "Help desk note - London office (GMT)\n"
        "User P. Nguyen on WKS-117 cannot open the legacy terminal server TS-LEGACY-02 this morning.\n"
        "Error pasted below in error.txt; automation also attached error.json.\n"
        "Server team exported System/Security/TerminalServices logs from TS-LEGACY-02.\n"))
    c.expected("cause-found", "certificate-expired", "TS-LEGACY-02.ad.contoso-lab.net", T,
               "Server 2012 R2 host logs RCM 1058 (failed to replace the expired self-signed certificate, Access is denied) hours "
               "before and again at the attempt, while RCM 261/RdpCoreTS 131 show the connection reached the listener and was closed "
               "with no logon; clocks in sync.", clocks=(cl, host))
    return c


def case_private_key(gen):
    c = Case(gen, "private-key-inaccessible", "2026-04-07T12:26:31.4000000Z")
    host = host_machine("host", "RDSH-02.corp.example", "10.20.4.22", "2019")
    cl = client_machine("WKS-058", "10.20.31.58", skew_s=-47.0)
    case_common(c, gen, cl, host, "kbauer", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1289")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    c.ev(host, "System", "RCMSYS", 1057, T - S(7876.0), ED((None, "Keyset does not exist\r\n"), ("#binary", "")))
    conn = Conn(c, cl, host, T - S(0.61), 52144, 12, "10.20.4.22")
    conn.c_start(hash_=False)
    conn.h_reach(0.012)
    c.ev(host, "System", "Schannel", 36870, conn.t0 + S(0.0481),
         ED(("Type", "server"), ("ErrorCode", "0x8009030d"), ("ErrorStatus", "10001")))
    c.ev(host, "Core", "CORE", 139, conn.t0 + S(0.0493),
         ED(("ResultCode", "0x8009030d"), ("IPString", cl.ip)), act=conn.act_host)
    conn.h_close(0.0512)
    conn.c_disc(0.61, 2308)
    win0, win1 = T - S(6 * 3600), T + S(2100)
    c.noise(host, "System", "OB-System", 150, win0, win1)
    c.noise(host, "System", "PE-System", 120, win0, win1)
    c.noise(host, "Security", "OB-Security", 120, win0, win1)
    c.noise(host, "LSM", "BK-LSM", 50, win0, T - S(3000))
    c.noise(host, "RCM", "BK-RCM", 40, win0, T - S(3000))
    c.noise(host, "Core", "BK-Core", 60, win0, T - S(3000))
    hd = "RDSH-02_logs"
    c.write_log(host, "System", hd, fname="RDSH-02_System.xml", fmt="ev", rid_base=rid_base(c, host, "System"))
    for lg in ("Security", "LSM", "RCM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-058_logs", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T + cl.skew + S(0.61), 2)))
    c.write_text("ticket.txt", (
        "Ticket 2026-0407-113\n"
        "User: Klaus Bauer, Munich (UTC+2)\n"
        "Client PC: WKS-058 - connects to the session host by IP address 10.20.4.22 (RDSH-02)\n"
        "Problem: RDP fails every time since the morning reboot of RDSH-02. Other users report the same.\n"
        "Attached: RDSH-02 System/Security/TS logs, WKS-058 RDPClient log, error text.\n"))
    c.expected("cause-found", "private-key-inaccessible", "RDSH-02.corp.example", T,
               "Schannel 36870 (server credential private key, 0x8009030d / 10001) at the attempt right after RCM 261/RdpCoreTS 131 "
               "from 10.20.31.58, RCM 1057 'Keyset does not exist' two hours earlier, no 1149/4624; the user typed the IP "
               "10.20.4.22 while the host logs as RDSH-02.corp.example; client clock 47 s slow.", clocks=(cl, host))
    return c


def case_tls_mismatch(gen):
    c = Case(gen, "tls-mismatch", "2026-09-15T16:03:12.9000000Z")
    host = host_machine("host", "FINSRV-03.fin.example.org", "10.40.2.13", "2016", skew_s=95.0)
    cl = client_machine("WKS-203", "10.40.18.203")
    case_common(c, gen, cl, host, "tlee", "FIN", "S-1-5-21-611478890-2770413359-3906014472-4410")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    conn = Conn(c, cl, host, T - S(0.44), 63019, 41, "finsrv-03.fin.example.org")
    conn.c_start(hash_=False)
    conn.h_reach(0.011)
    t = conn.t0 + S(0.0391)
    c.ev(host, "System", "Schannel", 36874, t, ED(("Protocol", "TLS 1.2")))
    c.ev(host, "System", "Schannel", 36888, t, ED(("AlertDesc", "40"), ("ErrorState", "1205")))
    c.ev(host, "Core", "CORE", 139, t + S(0.0004), ED(("ResultCode", "0x80090331"), ("IPString", cl.ip)), act=conn.act_host)
    conn.h_close(0.0412)
    last = conn.c_disc(0.44, 2308)
    win0, win1 = T - S(6 * 3600), T + S(1800)
    c.noise(host, "System", "PL-System", 200, win0, win1)
    c.noise(host, "Security", "BK-Security", 150, win0, win1)
    c.noise(host, "RCM", "OB-RCM", 60, win0, T - S(3000), keep=lambda e: e.eid == 261)
    c.noise(host, "Core", "OB-Core", 60, win0, T - S(3000))
    hd = "FINSRV-03"
    c.write_log(host, "System", hd, enc="utf-16", rid_base=rid_base(c, host, "System"))
    c.write_log(host, "Security", hd, rid_base=rid_base(c, host, "Security"))
    c.write_log(host, "RCM", hd, fmt="ev", order="desc", rid_base=rid_base(c, host, "RCM"))
    c.write_log(host, "Core", hd, rid_base=rid_base(c, host, "Core"))
    c.write_log(cl, "Client", "WKS-203", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", winapp_report(last.t, "{" + conn.act_client + "}", header=False))
    c.expected("cause-found", "tls-mismatch", "FINSRV-03.fin.example.org", T,
               "Schannel 36874 (TLS 1.2, no common cipher suite) + 36888 (alert 40, state 1205) at the attempt, with RCM 261 and "
               "RdpCoreTS 131/139 from the client; the host clock runs 95 s fast, so its events read 16:04:47Z for a failure at "
               "16:03:12Z (Windows App report in UTC).", clocks=(cl, host))
    return c


def case_nla(gen):
    c = Case(gen, "nla-credssp", "2026-11-20T05:48:27.5000000Z")
    host = host_machine("host", "JUMP-01.corp.example", "10.20.9.5", "2022")
    cl = client_machine("WKS-077", "10.20.31.77")
    case_common(c, gen, cl, host, "rsharma", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1502")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    conn = Conn(c, cl, host, T - S(2.31), 52611, 9, "jump-01")
    conn.c_start()
    conn.h_reach(0.012)
    a = conn.act_host
    c.security_4625(host, T - S(0.71), "rsharma", "CORP", "0xc000006d", "%%2313", "0xc000006a", "3", cl.ip, "52611", "WKS-077")
    c.ev(host, "Core", "CORE", 140, T - S(0.69), ED(("IPString", cl.ip)), act=a)
    c.ev(host, "Core", "CORE", 143, T - S(0.05), ED(("error", "64")), act=a)
    c.ev(host, "Core", "CORE", 226, T - S(0.0498),
         ED(("StateTransition", "RDP_TCP"), ("PreviousState", "23"), ("PreviousStateName", "StateUnknown"),
            ("NewState", "21"), ("NewStateName", "StateDisconnected"), ("Event", "43"),
            ("EventName", "Event_Disconnect"), ("ErrorCode", "0x80070040")), act=a)
    c.ev(host, "Core", "CORE", 72, T - S(0.048), ED(("MethodName", "OnDisconnected")), act=a)
    c.ev(host, "Core", "CORE", 102, T - S(0.0479), ED(), act=a)
    c.ev(host, "Core", "CORE", 145, T - S(0.0478), ED(("IdleSeconds", "0"), ("IdleSeconds1", "0"), ("IdleSeconds2", "0")), act=a)
    c.ev(host, "Core", "CORE", 103, T - S(0.0477), ED(("ReasonCode", "14")), act=a)
    for ch in ("rdpinpt", "rdpcmd", "rdplic"):
        c.ev(host, "Core", "CORE", 148, T - S(0.0476), ED(("ChannelName", ch), ("TunnelID", "0")), act=a)
    conn.c_disc(2.31, 2308)
    win0, win1 = T - S(6 * 3600), T + S(2400)
    c.noise(host, "System", "A22-System", 180, win0, win1)
    c.noise(host, "Security", "A22-Security", 170, win0, win1)
    c.noise(host, "RCM", "OB-RCM", 30, win0, T - S(3000))
    c.noise(host, "Core", "OB-Core", 70, win0, T - S(3000))
    c.noise(host, "LSM", "A22-LSM", 30, win0, T - S(3000))
    hd = "JUMP-01"
    for lg in ("System", "Security", "RCM", "Core", "LSM"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-077", fmt="ev", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T, 5.5), framed=True))
    c.write_text("ticket.txt", (
        "Ticket IN-55302 | Bengaluru service desk (IST, UTC+5:30)\n"
        "User: R. Sharma, laptop WKS-077\n"
        "Cannot RDP to the admin jump host JUMP-01 (JUMP-01.corp.example). Password was changed yesterday.\n"
        "Error text copied with Ctrl+C, see error.txt.\n"))
    c.expected("cause-found", "nla-credssp", "JUMP-01.corp.example", T,
               "At the attempt the host logs Security 4625 LogonType 3 (0xc000006d/0xc000006a, NTLM) from 10.20.31.77 and RdpCoreTS "
               "140 for that IP after 131/261, and no RCM 1149; clocks in sync, report in IST local time.", clocks=(cl, host))
    return c


def case_logon_rights(gen):
    c = Case(gen, "logon-rights", "2026-10-02T10:31:05.8000000Z")
    host = host_machine("host", "RDSH-03", "10.30.1.23", "2019")
    cl = client_machine("WKS-310", "10.30.22.10", skew_s=185.0)
    case_common(c, gen, cl, host, "ecarter", "UKCORP", "S-1-5-21-4129930218-1370094188-2893417703-3318")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    conn = Conn(c, cl, host, T - S(3.17), 50977, 23, "RDSH-03")
    conn.c_start()
    conn.h_reach(0.011)
    conn.h_auth_ok(1.27, "ecarter", "UKCORP", 4)
    c.security_4625(host, T - S(0.38), "ecarter", "UKCORP", "0xc000015b", "%%2308", "0x0", "10", cl.ip, "0",
                    "RDSH-03", proc=host.logon_proc)
    conn.h_close(3.09)
    conn.c_disc(3.17, 2308)
    win0, win1 = T - S(7 * 3600), T + S(2000)
    c.noise(host, "System", "OB-System", 180, win0, win1)
    c.noise(host, "Security", "W11-Security", 160, win0, win1)
    c.noise(host, "RCM", "SZ-RCM", 40, win0, T - S(3000), keep=lambda e: e.eid in (261, 1149))
    c.noise(host, "LSM", "BK-LSM", 60, win0, T - S(3000))
    c.noise(host, "Core", "SZ-Core", 60, win0, T - S(3000))
    hd = "host_RDSH-03"
    c.write_log(host, "System", hd, rid_base=rid_base(c, host, "System"))
    c.write_log(host, "Security", hd, fmt="evtx", rid_base=rid_base(c, host, "Security"))
    c.write_log(host, "RCM", hd, fmt="ev", rid_base=rid_base(c, host, "RCM"))
    c.write_log(host, "LSM", hd, fmt="ev", order="desc", rid_base=rid_base(c, host, "LSM"))
    c.write_log(host, "Core", hd, fmt="evtx", rid_base=rid_base(c, host, "Core"))
    c.write_log(cl, "Client", "client_WKS-310", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T + cl.skew, 1)))
    c.write_text("ticket.txt", (
        "From: servicedesk@ukcorp.example\n"
        "Subject: RDP to RDSH-03 fails for new starter\n\n"
        "Emma Carter (started Monday, Manchester office, BST) gets the attached error when connecting from WKS-310 to\n"
        "RDSH-03. Her manager can connect fine. Logs from both machines attached.\n"))
    c.expected("cause-found", "logon-rights", "RDSH-03", T,
               "RCM 1149 (authentication succeeded, 10.30.22.10) followed by Security 4625 LogonType 10 Status 0xc000015b "
               "(logon type not granted) for ecarter and no LSM 21; the client clock runs 3m05s fast, so the BST timestamp reads "
               "11:34:10 for a failure at 10:31:05Z.", clocks=(cl, host))
    return c


def case_profile(gen):
    c = Case(gen, "profile-corrupt", "2026-01-14T14:22:48.1000000Z")
    host = host_machine("host", "RDSH-04.corp.example", "10.20.4.24", "2022")
    cl = client_machine("WKS-064", "10.20.31.64", skew_s=-180.0)
    case_common(c, gen, cl, host, "alice", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1107")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    conn = Conn(c, cl, host, T - S(14.6), 58320, 31, "RDSH-04.corp.example")
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_auth_ok(1.42, "alice", "CORP", 3)
    conn.h_logon(2.47, "CORP\\alice", 3, "0x2b7d41e", shell=False)
    t = conn.t0 + S(2.81)
    sid = c.user_sid
    uid = dict(uid=sid)
    c.ev(host, "UPS", "UPS", 1, t, ED(("Session", "3")))
    c.ev(host, "Application", "UPS", 1508, t + S(0.41),
         ED(("Error", "The configuration registry database is corrupt. "), ("File", "C:\\Users\\alice\\NTUSER.DAT")), **uid)
    c.ev(host, "Application", "UPS", 1502, t + S(0.42), ED(("Error", "The configuration registry database is corrupt. ")), **uid)
    c.ev(host, "Application", "UPS", 1515, t + S(1.96), ED(), **uid)
    c.ev(host, "Application", "UPS", 1511, t + S(4.37), ED(), **uid)
    c.ev(host, "Application", "UPS", 1500, t + S(7.02),
         ED(("Error", "The configuration registry database is corrupt. ")), **uid)
    c.ev(host, "UPS", "UPS", 2, t + S(7.1), ED(("Session", "3")))
    c.ev(host, "LSM", "LSM", 24, T - S(0.44), UD(("User", "CORP\\alice"), ("SessionID", "3"), ("Address", cl.ip)), act=conn.act_host)
    conn.h_close(14.2)
    c.ev(host, "Security", "SEC", 4634, T + S(0.62), ED(("TargetUserSid", sid), ("TargetUserName", "alice"), ("TargetDomainName", "CORP"),
                                                       ("TargetLogonId", "0x2b7d41e"), ("LogonType", "10")), act=c.sec_act)
    c.ev(host, "LSM", "LSM", 23, T + S(1.15), UD(("User", "CORP\\alice"), ("SessionID", "3")), act=conn.act_host)
    last = conn.c_disc(14.6, 2308)
    win0, win1 = T - S(6 * 3600), T + S(1900)
    c.noise(host, "System", "A22-System", 170, win0, win1)
    c.noise(host, "Security", "A22-Security", 150, win0, win1)
    c.noise(host, "Application", "A22-Application", 80, win0, win1)
    c.noise(host, "UPS", "A22-UPS", 12, win0, T - S(3000))
    c.noise(host, "LSM", "A22-LSM", 35, win0, T - S(3000))
    c.noise(host, "RCM", "BK-RCM", 25, win0, T - S(3000))
    c.noise(host, "Core", "BK-Core", 60, win0, T - S(3000))
    hd = "RDSH-04"
    for lg in ("System", "Security", "Application", "UPS", "LSM", "RCM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg), empty_selfclose=True)
    c.write_log(cl, "Client", "WKS-064", fmt="ev", order="desc", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", winapp_report(last.t, "{" + conn.act_client.lower() + "}"), enc="utf-16")
    c.expected("cause-found", "profile-corrupt", "RDSH-04.corp.example", T,
               "RCM 1149 -> 4624 type 10 -> LSM 21 for CORP\\alice, then User Profiles Service 1508 (C:\\Users\\alice\\NTUSER.DAT), "
               "1502, 1515, 1511, 1500 and LSM 24/23 with no LSM 22; the client clock runs 3 min slow and its Windows App report "
               "(UTF-16) says 14:19:48Z for a failure at 14:22:48Z.", clocks=(cl, host))
    return c


def case_client_side(gen):
    c = Case(gen, "client-side", "2026-07-08T03:15:44.0000000Z")
    host = host_machine("host", "RDSH-07.corp.example", "10.20.4.27", "2022")
    cl = client_machine("WKS-099", "10.20.31.99")
    case_common(c, gen, cl, host, "mtanaka", "CORP", "S-1-5-21-1844237615-456789012-3321445566-2044")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    conn = Conn(c, cl, host, T - S(38.3), 60442, 18, "RDSH-07")
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_auth_ok(1.18, "mtanaka", "CORP", 5)
    conn.c_connected(1.31, host.ip, None, "CORP")
    conn.h_logon(1.74, "CORP\\mtanaka", 5, "0x3a0c5f2")
    c.ev(cl, "Client", "CAX", 1027, conn.t0 + S(3.95), ED(("DomainName", "CORP"), ("SessionId", "5")), act=conn.act_client, uid="USER")
    conn.c_226(38.29, "ssl")
    conn.c_disc(38.3, 2308, multi=True)
    c.ev(host, "LSM", "LSM", 40, T + S(0.18), UD(("Session", "5"), ("Reason", "0")), act=conn.act_host)
    c.ev(host, "LSM", "LSM", 24, T + S(0.31), UD(("User", "CORP\\mtanaka"), ("SessionID", "5"), ("Address", cl.ip)), act=conn.act_host)
    c.ev(host, "Core", "CORE", 102, T + S(0.19), ED(), act=conn.act_host)
    c.ev(host, "Core", "CORE", 103, T + S(0.1902), ED(("ReasonCode", "0")), act=conn.act_host)
    win0, win1 = T - S(6 * 3600), T + S(1500)
    c.noise(host, "System", "A22-System", 160, win0, win1)
    c.noise(host, "Security", "A22-Security", 140, win0, win1)
    c.noise(host, "LSM", "A22-LSM", 30, win0, T - S(3000))
    c.noise(host, "RCM", "OB-RCM", 30, win0, T - S(3000))
    c.noise(host, "Core", "OB-Core", 50, win0, T - S(3000))
    hd = "RDSH-07"
    for lg in ("System", "Security", "LSM", "RCM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-099", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T, 9), extra=True))
    c.write_text("ticket.txt", (
        "Tokyo office - ticket 4471 (JST)\n"
        "Masato Tanaka, WKS-099, session host RDSH-07.\n"
        "The RDP window closes itself after about half a minute with the error in error.txt. Only happens on his PC\n"
        "(new Windows 11 laptop); colleagues on the same host are fine.\n"))
    c.expected("cause-found", "client-side", "RDSH-07.corp.example", T,
               "Host shows a complete healthy connection for the attempt (261, 131, 1149, 4624 type 10, LSM 21/22) and only a "
               "disconnect (LSM 40 reason 0, 24) when the client drops 38 s later, with no host errors; the client logs "
               "RDPClient_SSL 226 (0x8000FFFF) then 1026 2308; clocks in sync, report in JST.", clocks=(cl, host))
    return c


def case_healthy(gen):
    c = Case(gen, "healthy", "2026-08-20T07:05:12.4000000Z")
    host = host_machine("host", "RDSH-05", "10.20.4.25", "2019")
    cl = client_machine("WKS-015", "10.20.31.15")
    case_common(c, gen, cl, host, "dkim", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1390")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    # morning session, closed by the user (client 1026 reason 1)
    a = Conn(c, cl, host, T, 51090, 4, "RDSH-05")
    a.c_start()
    a.h_reach(0.012)
    a.h_auth_ok(1.22, "dkim", "CORP", 2)
    a.c_connected(1.35, host.ip, None, "CORP")
    a.h_logon(1.81, "CORP\\dkim", 2, "0x1e44a07")
    c.ev(cl, "Client", "CAX", 1027, a.t0 + S(4.02), ED(("DomainName", "CORP"), ("SessionId", "2")), act=a.act_client, uid="USER")
    t_close = S(7648.3)
    a.c_disc(7648.3, 1, multi=True)
    c.ev(host, "LSM", "LSM", 24, a.t0 + t_close + S(0.21), UD(("User", "CORP\\dkim"), ("SessionID", "2"), ("Address", cl.ip)), act=a.act_host)
    # afternoon reconnect, ended by logoff (client 1026 reason 12)
    b = Conn(c, cl, host, T + S(12290.0), 52316, 9, "RDSH-05")
    b.c_start()
    b.h_reach(0.012)
    b.h_auth_ok(1.31, "dkim", "CORP", 2)
    b.c_connected(1.44, host.ip, None, "CORP")
    c.ev(host, "LSM", "LSM", 25, b.t0 + S(1.93), UD(("User", "CORP\\dkim"), ("SessionID", "2"), ("Address", cl.ip)), act=b.act_host)
    c.ev(cl, "Client", "CAX", 1027, b.t0 + S(3.71), ED(("DomainName", "CORP"), ("SessionId", "2")), act=b.act_client, uid="USER")
    b.c_disc(5420.6, 12, multi=True)
    c.ev(host, "LSM", "LSM", 40, b.t0 + S(5420.3), UD(("Session", "2"), ("Reason", "12")), act=b.act_host)
    c.ev(host, "LSM", "LSM", 23, b.t0 + S(5422.9), UD(("User", "CORP\\dkim"), ("SessionID", "2")), act=b.act_host)
    win0, win1 = T - S(3 * 3600), T + S(19000)
    c.noise(host, "System", "OB-System", 220, win0, win1)
    c.noise(host, "Security", "OB-Security", 120, win0, win1)
    c.noise(host, "LSM", "W10-LSM", 40, win0, T - S(1800))
    c.noise(host, "RCM", "OB-RCM", 40, win0, T - S(1800), keep=lambda e: e.eid == 261)
    hd = "RDSH-05"
    c.write_log(host, "System", hd, rid_base=rid_base(c, host, "System"))
    c.write_log(host, "Security", hd, rid_base=rid_base(c, host, "Security"))
    c.write_log(host, "LSM", hd, fmt="ev", rid_base=rid_base(c, host, "LSM"))
    c.write_log(host, "RCM", hd, rid_base=rid_base(c, host, "RCM"))
    c.write_log(cl, "Client", "WKS-015", fmt="ev", rid_base=rid_base(c, cl, "Client"))
    c.write_text("ticket.txt", (
        "Ticket 90213 - user D. Kim (WKS-015) says Remote Desktop to RDSH-05 'threw an error code' at some point today;\n"
        "no screenshot, could not reproduce with the technician watching. Logs collected from both sides for review.\n"))
    c.expected("no-failure-found", None, "RDSH-05", None,
               "Only successful connections: client 1024/1025/1027 with 1026 reasons 1 and 12, host 1149/21/22/24 then a reconnect "
               "(25) and logoff (40 reason 12, 23); there is no error report and no 2308 anywhere.", clocks=(cl, host))
    return c


def case_inconclusive(gen):
    c = Case(gen, "inconclusive", "2026-12-01T15:40:18.6000000Z")
    cl = client_machine("WKS-188", "10.20.31.188")
    host = host_machine("host", "crm-ts.corp.example", "10.20.7.40", "2019")
    case_common(c, gen, cl, host, "oberg", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1977")
    T = c.T
    conn = Conn(c, cl, host, T - S(1.12), 0, 0, "crm-ts.corp.example")
    conn.c_start()
    conn.c_disc(1.12, 2308)
    c.noise(cl, "Client", "SZ-Client", 9, T - S(26 * 3600), T - S(25 * 3600))
    c.write_log(cl, "Client", "WKS-188", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T, 1), framed=True))
    c.write_text("ticket.txt", (
        "Case 31877 (Stockholm, CET)\n"
        "User: L. Oberg, PC WKS-188. Cannot connect to the CRM terminal server crm-ts.corp.example.\n"
        "Host team has not exported the server logs yet (server owned by the vendor); only the client log is attached.\n"))
    c.expected("inconclusive", None, "crm-ts.corp.example", T,
               "Only the error report and the client's RDPClient log (1024 -> 1026 reason 2308) are present and no host logs, so "
               "the cause cannot be determined; the host is named as typed since no Computer field is available.", clocks=(cl, host))
    return c


def case_distractor(gen):
    c = Case(gen, "distractor", "2026-05-28T09:02:36.2000000Z")
    host = host_machine("host", "RDSH-06.corp.example", "10.20.4.26", "2019")
    cl = client_machine("WKS-144", "10.20.31.144")
    case_common(c, gen, cl, host, "lfischer", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1712")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    # old, unrelated: a Schannel private-key error three days earlier
    for dt_s in (-(3 * 86400 + 7420.3), -(3 * 86400 + 7418.9)):
        c.ev(host, "System", "Schannel", 36870, T + S(dt_s), ED(("Type", "server"), ("ErrorCode", "0x8009030d"), ("ErrorStatus", "10001")))
    # and an internet scanner's password spray five hours earlier
    r = c.rng("spray")
    ts = T - S(5 * 3600 + 1311.0)
    for i, u in enumerate(("administrator", "admin", "user", "test", "administrator", "scanner", "guest", "ADMINISTRATOR")):
        t = ts + S(i * 2.7 + r.random())
        p = 40000 + r.randrange(0, 20000)
        a = new_guid(r, "upper", tail0000=True)
        c.ev(host, "RCM", "RCM", 261, t, UD(("listenerName", "RDP-Tcp")), act=a)
        c.ev(host, "Core", "CORE", 131, t + S(0.001), ED(("ConnType", "TCP"), ("ClientIP", "185.220.101.47:%d" % p)), act=a)
        c.security_4625(host, t + S(0.9), u, "", "0xc000006d", "%%2313", "0xc0000064" if u != "administrator" else "0xc000006a",
                        "3", "185.220.101.47", str(p), "-")
        c.ev(host, "Core", "CORE", 140, t + S(0.91), ED(("IPString", "185.220.101.47")), act=a)
    # the real cause: TermService stopped during the attempt and restarted 95 s later
    c.ev(host, "System", "SCM", 7036, T - S(3.12), ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "stopped"), ("#binary", utf16hex("UmRdpService/1"))))
    c.ev(host, "System", "SCM", 7036, T - S(2.48), ED(("param1", "Remote Desktop Services"), ("param2", "stopped"), ("#binary", utf16hex("TermService/1"))))
    c.ev(host, "System", "SCM", 7036, T + S(94.7), ED(("param1", "Remote Desktop Services"), ("param2", "running"), ("#binary", utf16hex("TermService/4"))))
    c.ev(host, "System", "SCM", 7036, T + S(95.2), ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "running"), ("#binary", utf16hex("UmRdpService/4"))))
    win0, win1 = T - S(3 * 86400 + 4 * 3600), T + S(1700)
    c.noise(host, "System", "OB-System", 150, win0, win1, chunks=5)
    c.noise(host, "System", "PL-System", 200, win0, win1, chunks=6)
    c.noise(host, "Security", "OB-Security", 120, win0, win1)
    c.noise(host, "RCM", "OB-RCM", 50, win0, T - S(3000), keep=lambda e: e.eid == 261)
    c.noise(host, "Core", "OB-Core", 60, win0, T - S(3000))
    c.noise(host, "LSM", "W10-LSM", 40, win0, T - S(3000))
    host.pids["RCM"] = host.pids["CORE"] = host.pids["RCM"] + 2208  # new svchost after the restart
    c.ev(host, "RCM", "RCM", 258, T + S(95.0), UD(("listenerName", "RDP-Tcp")))
    conn = Conn(c, cl, host, T - S(1.24), 55012, 0, "rdsh-06.corp.example")
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(1.24, 2308)
    hd = "RDSH-06"
    c.write_log(host, "System", hd, fmt="ev", order="desc", rid_base=rid_base(c, host, "System"))
    for lg in ("Security", "RCM", "Core", "LSM"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-144", rid_base=rid_base(c, cl, "Client"))
    act = "{" + conn.act_client + "}"
    c.write_text("error.txt", winapp_report(last.t, act))
    c.write_text("error.json", json.dumps({"code": "0x904", "extendedCode": "0x7", "timestamp": fmt_iso_s(last.t),
                                           "timestampIsUtc": True, "client": "WKS-144", "host": "RDSH-06.corp.example",
                                           "activityId": act}, indent=2) + "\n", crlf=False)
    c.expected("cause-found", "rdp-service-down", "RDSH-06.corp.example", T,
               "Remote Desktop Services stopped 2.5 s before the attempt (7036 TermService/1) and ran again 95 s after it "
               "(7036 TermService/4, RCM 258); the Schannel 36870 errors three days earlier and the 4625/140 password spray "
               "from 185.220.101.47 five hours earlier are unrelated distractors; clocks in sync.", clocks=(cl, host))
    return c


def case_security_layer_forced(gen):
    """A computer policy forces the listener's security layer and encryption level (issue 15, section 6).

    Group Policy applies new computer settings (GroupPolicy 1502, real shape from SZ/System) and two
    seconds later Remote Desktop Services reports the inconsistent Encryption Level / Security Layer
    pair (RCM 1050; no real record exists, so the documented TechNet ee890845 shape: legacy System
    event, unnamed Data for %1..%3). From then on the security layer drops new connections after
    RdpCoreTS 131 (139 with the client's address); Schannel reports no protocol or cipher error.
    """
    c = Case(gen, "security-layer-forced", "2026-10-20T07:17:44.6000000Z")
    host = host_machine("host", "RDSH-05.corp.example", "10.20.4.25", "2016")
    cl = client_machine("WKS-144", "10.20.31.144", skew_s=31.0)
    case_common(c, gen, cl, host, "mnowak", "CORP", "S-1-5-21-1844237615-456789012-3321445566-1417")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 2700, 1800)
    onset = T - S(11342.0)
    c.ev(host, "System", "GP", 1502, onset,
         ED(("SupportInfo1", "1"), ("SupportInfo2", "3639"), ("ProcessingMode", "1"),
            ("ProcessingTimeInMilliseconds", "1406"), ("DCName", "\\\\DC02.corp.example"),
            ("NumberOfGroupPolicyObjects", "4")), uid="S-1-5-18", pid=1188, act=new_guid(c.rng("gpact"), "upper"))
    c.ev(host, "System", "RCMSYS", 1050, onset + S(2.0), ED((None, "RDP-Tcp"), (None, "Low"), (None, "SSL"), ("#binary", "")))
    conn = Conn(c, cl, host, T - S(0.52), 50377, 16, "rdsh-05")
    conn.c_start(hash_=False)
    conn.h_reach(0.012)
    c.ev(host, "Core", "CORE", 139, conn.t0 + S(0.0301),
         ED(("ResultCode", "0x80090304"), ("IPString", cl.ip)), act=conn.act_host)
    conn.h_close(0.0322)
    conn.c_disc(0.52, 2308)
    win0, win1 = T - S(6 * 3600), T + S(1800)
    c.noise(host, "System", "A22-System", 180, win0, win1)
    c.noise(host, "Security", "A22-Security", 120, win0, win1)
    c.noise(host, "RCM", "BK-RCM", 40, win0, onset - S(600))
    c.noise(host, "Core", "BK-Core", 60, win0, onset - S(600))
    hd = "RDSH-05"
    c.write_log(host, "System", hd, rid_base=rid_base(c, host, "System"))
    for lg in ("Security", "RCM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "Client", "WKS-144", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T + cl.skew + S(0.52), 2)))
    c.write_text("ticket.txt", (
        "Ticket 2026-1020-031\n"
        "User: Marta Nowak, Warsaw (UTC+2)\n"
        "Client PC: WKS-144 - connects to rdsh-05\n"
        "Problem: nobody can connect to RDSH-05 since early this morning; sessions that were already open still work.\n"
        "Attached: RDSH-05 System/Security/TS logs, WKS-144 RDPClient log, error text.\n"))
    c.expected("cause-found", "security-layer-forced", "RDSH-05.corp.example", T,
               "Group Policy applied new computer settings (1502, 4 policy objects from DC02) 3 h 9 min before the attempt and "
               "RCM 1050 reported the listener's Encryption Level Low with Security Layer SSL 2 s later; at the attempt "
               "RdpCoreTS 131 then 139 (0x80090304) for 10.20.31.144 and no Schannel error; client clock 31 s fast.", clocks=(cl, host))
    return c


def windows_update(c, m, t, title):
    """Windows Update installing one update on `m` at `t` (true UTC): WindowsUpdateClient 43
    (installation started) and, 1.8 s later, 19 (installation successful), with the EventData
    layout and System metadata of the real records in the Win10 APTSimulatorVM System log
    (records 181/182). Returns the 19."""
    r = c.rng("wu:%s:%d" % (m.name, t))
    guid = new_guid(r, "upper")
    pid = r.randrange(2000, 9000, 4)
    data = (("updateTitle", title), ("updateGuid", guid), ("updateRevisionNumber", str(r.choice((1, 200, 201)))))
    c.ev(m, "System", "WU", 43, t - S(1.78), ED(*data), uid="S-1-5-18", pid=pid)
    return c.ev(m, "System", "WU", 19, t, ED(*(data + (("serviceGuid", "9482F4B4-E343-43B6-B170-9A65BC822C77"),))),
                uid="S-1-5-18", pid=pid)


def other_session(c, host, client, user, sid, t0, conn_no, session, target):
    """Another user's healthy session on `host` from `client` (261, 131, 1149, 4624 type 10, LSM 21/22)."""
    conn = Conn(c, client, host, t0, c.rng("other-port").randrange(49152, 65535), conn_no, target)
    conn.h_reach(0.0)
    conn.h_auth_ok(1.21, user, c.domain, session)
    saved, c.user_sid = c.user_sid, sid
    try:
        conn.h_logon(2.2, "%s\\%s" % (c.domain, user), session, "0x%x" % c.rng("other-logon").randrange(0x1000000, 0x8000000))
    finally:
        c.user_sid = saved
    return conn


def case_client_update(gen):
    """A Windows cumulative update on the client, then every connection to the host fails while
    other users' clients keep connecting (issue 15, section 6: a client update regression)."""
    c = Case(gen, "client-update-regression", "2026-10-16T13:42:07.3000000Z")
    host = host_machine("host", "RDSH-11.corp.example", "10.20.4.31", "2022")
    cl = client_machine("LT-0457", "10.20.33.57")
    case_common(c, gen, cl, host, "jsilva", "CORP", "S-1-5-21-1844237615-456789012-3321445566-2381")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 6 * 3600, 3600)
    # The client: the monthly cumulative update on Tuesday evening, and the daily Defender
    # intelligence update (not a client change) on the morning of the failure.
    update = T - S(2 * 86400 + 16 * 3600 + 1171.4)
    windows_update(c, cl, update,
                   "2026-10 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5071129)")
    windows_update(c, cl, T - S(5 * 3600 + 611.2),
                   "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.439.118.0)")
    # Before the update the user worked on the host (a session ended by the user, 1026 reason 1).
    before = Conn(c, cl, host, update - S(86400 + 2 * 3600), 61207, 7, "rdsh-11")
    before.c_start()
    before.c_connected(1.33, host.ip, 4, "CORP")
    before.c_disc(5400.0, 1, multi=True)
    # Since the update every attempt reaches the host's RDP stack and the client drops it.
    def attempt(t0, port, no):
        conn = Conn(c, cl, host, t0, port, no, "rdsh-11")
        conn.c_start()
        conn.h_reach(0.012)
        conn.h_close(0.4812)
        return conn, conn.c_disc(0.49, 2308)
    first, _ = attempt(T - S(3 * 3600 + 1290.55), 58815, 21)
    conn, last = attempt(T - S(0.49), 60231, 29)
    # Other users' clients connect to the same host all day.
    others = (("mbrandt", "WKS-212", "10.20.31.212", -4 * 3600 - 301.2, 22, 6), ("kowens", "WKS-148", "10.20.31.148", -2 * 3600 + 45.7, 25, 7),
              ("tnguyen", "LT-0391", "10.20.33.91", -1720.4, 27, 8), ("rpatel", "WKS-077", "10.20.31.77", 1260.9, 31, 9))
    for i, (user, name, ip, dt_s, no, session) in enumerate(others):
        other_session(c, host, client_machine(name, ip), user, "S-1-5-21-1844237615-456789012-3321445566-%d" % (2500 + i),
                      T + S(dt_s), no, session, "RDSH-11")
    win0, win1 = T - S(7 * 3600), T + S(2400)
    c.noise(host, "System", "A22-System", 150, win0, win1)
    c.noise(host, "Security", "A22-Security", 120, win0, win1)
    c.noise(host, "LSM", "A22-LSM", 20, win0, T - S(6.5 * 3600))
    c.noise(host, "RCM", "BK-RCM", 20, win0, T - S(6.5 * 3600))
    c.noise(host, "Core", "OB-Core", 40, win0, T - S(6.5 * 3600))
    c.noise(host, "Application", "A22-Application", 60, win0, win1)
    c.noise(host, "UPS", "A22-UPS", 10, win0, T - S(6.5 * 3600))
    c.noise(cl, "System", "W10-System", 140, update - S(3 * 86400), T + S(1800),
            keep=lambda e: e.prov != "Microsoft-Windows-WindowsUpdateClient")
    c.noise(cl, "Client", "SZ-Client", 9, T - S(5 * 86400 + 3 * 3600), T - S(5 * 86400))
    hd = "RDSH-11"
    for lg in ("System", "Security", "Application", "UPS", "LSM", "RCM", "Core"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    c.write_log(cl, "System", "LT-0457", fmt="ev", rid_base=rid_base(c, cl, "System"))
    c.write_log(cl, "Client", "LT-0457", rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", winapp_report(last.t, "{" + conn.act_client.lower() + "}"))
    c.write_text("ticket.txt", (
        "INC0051877 | Remote access | Lisbon office (WEST)\n"
        "Joana Silva, laptop LT-0457, cannot reach RDSH-11 since Wednesday: the window closes at once with the\n"
        "error in error.txt. Her colleagues use RDSH-11 all day without problems. Nothing changed on her side, she\n"
        "says. Attached: LT-0457 System and RDPClient logs, RDSH-11 logs.\n"))
    installed = fmt_iso_s(update)
    c.expected("cause-found", "client-side", "RDSH-11.corp.example", T,
               "The client's System log shows WindowsUpdateClient 19 for KB5071129 (2026-10 cumulative update) at %s; "
               "the client had worked on the host the day before, and since the update each attempt reaches RdpCoreTS "
               "131 and is dropped within half a second by the client (1026 2308, first failure %s), with no host "
               "error, while four other users' clients log on to RDSH-11 (1149, 4624 type 10, LSM 21/22) before and "
               "after the failure; a Defender intelligence update that morning is no client change."
               % (installed, fmt_iso_s(first.t0 + S(0.49))), clocks=(cl, host),
               mentions={"client-side": ["KB5071129", installed, "other clients still connect"]})
    return c


def gateway_machine(name, computer, ip):
    """An RD Gateway server (its TSGateway service runs in an svchost as NETWORK SERVICE)."""
    m = host_machine(name, computer, ip, "2022", seed=":gateway")
    m.pids["RDG"] = random.Random("pids:gw:" + computer).randrange(2000, 4000, 4)
    return m


def gateway_session(c, gw, host, user_dom, public_ip, resource, t0, duration_s, conn_no, session, port):
    """Another user's healthy connection through the gateway: CAP and RAP met, connected to the
    resource, later disconnected on the gateway; on the host, the connection comes from the
    gateway's address (RdpCoreTS 131, RCM 1149, LSM 21/22)."""
    act = new_guid(c.rng("gwact:%d" % t0), "upper")
    c.ev(gw, "GW", "RDG", 200, t0, gateway_info(user_dom, public_ip, "NTLM", "", "HTTP"), act=act)
    c.ev(gw, "GW", "RDG", 300, t0 + S(0.021), gateway_info(user_dom, public_ip, resource=resource), act=act)
    c.ev(gw, "GW", "RDG", 302, t0 + S(0.118), gateway_info(user_dom, public_ip, resource=resource, protocol="HTTP"), act=act)
    via = Machine("gw-view", gw.computer, gw.ip)
    conn = Conn(c, via, host, t0 + S(0.12), port, conn_no, resource)
    conn.h_reach(0.0)
    dom, user = user_dom.split("\\")
    conn.h_auth_ok(1.31, user, dom, session)
    c.ev(host, "LSM", "LSM", 21, conn.t0 + S(2.02), UD(("User", user_dom), ("SessionID", str(session)), ("Address", gw.ip)), act=conn.act_host)
    c.ev(host, "LSM", "LSM", 22, conn.t0 + S(2.09), UD(("User", user_dom), ("SessionID", str(session)), ("Address", gw.ip)), act=conn.act_host)
    c.ev(gw, "GW", "RDG", 303, t0 + S(duration_s),
         gateway_info(user_dom, public_ip, resource=resource, protocol="HTTP", error="1226",
                      BytesReceived=str(int(duration_s * 3100)), BytesTransfered=str(int(duration_s * 1900)),
                      SessionDuration=str(int(duration_s))), act=act)


def case_rd_gateway(gen):
    """An RD Gateway in the path, gateway -> host leg (issue 15, section 6): the RD RAP's computer
    group lists the session host by its FQDN; this user typed the short name, so the gateway
    authorized the user (CAP, 200) and refused the resource (RAP, 301), while colleagues who type
    the FQDN get through (302) and reach the host from the gateway's address."""
    return rd_gateway_case(gen, "rd-gateway", "2026-09-15T13:22:41.6000000Z", "dkowalski", "Dorota Kowalski", "host")


def case_rd_gateway_refused(gen):
    """An RD Gateway in the path, client -> gateway leg (issue 15, section 6): the user was moved to
    a department group the RD CAP does not list, so the gateway refuses the user (CAP not met, 201)
    while colleagues get through to the same host."""
    return rd_gateway_case(gen, "rd-gateway-refused", "2026-10-06T08:47:12.3000000Z", "jweber", "Jonas Weber", "client")


def rd_gateway_case(gen, name, t_fail, sam, full, leg):
    c = Case(gen, name, t_fail)
    host = host_machine("host", "RDSH-07.corp.example", "10.20.6.37", "2022")
    gw = gateway_machine("gw", "RDGW-01.corp.example", "10.20.1.5")
    client = "LT-HOME-31" if leg == "host" else "LT-HOME-58"
    cl = client_machine(client, "192.168.1.23", skew_s=-4.0)
    case_common(c, gen, cl, host, sam, "CORP", "S-1-5-21-1844237615-456789012-3321445566-1191")
    c.sec_act = new_guid(c.rng("secact"), "upper")
    T = c.T
    quiet(c, host, 3000, 2400)
    public = "198.51.100.74"
    user = "CORP\\" + sam
    # Colleagues through the gateway (by FQDN), before and after the failure.
    others = (("CORP\\mrossi", "203.0.113.18", -2710.4, 5400), ("CORP\\ptanaka", "203.0.113.201", -1322.9, 2900),
              ("CORP\\lbauer", "192.0.2.66", -488.2, 3600), ("CORP\\achen", "198.51.100.9", 906.3, 1500))
    for i, (other, ip, dt_s, dur) in enumerate(others):
        gateway_session(c, gw, host, other, ip, "rdsh-07.corp.example", T + S(dt_s), dur, 3 + i, 4 + i, 50321 + 17 * i)
    act = new_guid(c.rng("gw-attempt"), "upper")
    conn = Conn(c, cl, host, T - S(1.62), 0, 0, "rdsh-07")
    conn.c_start(ssl=False, hash_=False)
    if leg == "host":
        # The gateway authorizes the user, then refuses the resource as typed.
        c.ev(gw, "GW", "RDG", 200, T - S(1.21), gateway_info(user, public, "NTLM", "", "HTTP"), act=act)
        c.ev(gw, "GW", "RDG", 301, T - S(1.19), gateway_info(user, public, resource="rdsh-07", error="23002"), act=act)
    else:
        # The gateway refuses the user: no RD CAP lists a group the user is in.
        c.ev(gw, "GW", "RDG", 201, T - S(1.18), gateway_info(user, public, "NTLM", "", "HTTP", error="23003"), act=act)
    conn.c_disc(1.62, 2308)
    win0, win1 = T - S(6 * 3600), T + S(2400)
    c.noise(host, "System", "A22-System", 160, win0, win1)
    c.noise(host, "Security", "A22-Security", 120, win0, win1)
    c.noise(host, "RCM", "BK-RCM", 30, win0, T - S(3300))
    c.noise(host, "Core", "BK-Core", 40, win0, T - S(3300))
    c.noise(gw, "System", "A22-System", 80, win0, win1)
    c.noise(cl, "Client", "SZ-Client", 9, T - S(3 * 86400 + 2 * 3600), T - S(3 * 86400))
    hd = "RDSH-07"
    for lg in ("System", "Security", "RCM", "Core", "LSM"):
        c.write_log(host, lg, hd, rid_base=rid_base(c, host, lg))
    for lg in ("System", "GW"):
        c.write_log(gw, lg, "RDGW-01", rid_base=rid_base(c, gw, lg))
    c.write_log(cl, "Client", client, rid_base=rid_base(c, cl, "Client"))
    c.write_text("error.txt", mstsc_report(local_of(T + cl.skew, 2), framed=True))
    c.write_text("ticket.txt", (
        "RT-%d | Remote access (home office)\n"
        "User: %s (%s), CEST\n"
        "Client: %s, connects through the RD Gateway rdgw.corp.example\n"
        "Target: RDSH-07\n\n"
        "Since today the connection to RDSH-07 fails with the attached error; colleagues say it works for them.\n"
        "Attached: RDSH-07 System/Security/TS logs, RDGW-01 gateway log and System log, %s RDPClient log.\n"
        % (58113 if leg == "host" else 58240, user, full, client, client)))
    if leg == "host":
        c.expected("cause-found", "gateway-host-leg", "RDSH-07.corp.example", T,
                   "RD Gateway in the path: RDGW-01 authorized dkowalski (CAP, 200) and refused the resource \"rdsh-07\" as typed "
                   "(RAP not met, 301) 0.02 s later; colleagues who type the FQDN get through (200/300/302) and reach RDSH-07 from "
                   "the gateway's address 10.20.1.5; RDSH-07 has no connection for dkowalski at the attempt (gateway -> host leg).",
                   clocks=(cl, host))
    else:
        c.expected("cause-found", "gateway-client-leg", "RDSH-07.corp.example", T,
                   "RD Gateway in the path: RDGW-01 refused jweber (connection authorization policy not met, 201 error 23003) at "
                   "the attempt, while colleagues get through (200/300/302) and reach RDSH-07 from the gateway's address; "
                   "RDSH-07 never saw the attempt (client -> gateway leg).", clocks=(cl, host))
    return c

CASES = [
    ("network-path", case_network_path, "folder"),
    ("rdp-service-down", case_rdp_service_down, "folder"),
    ("host-asleep", case_host_asleep, "folder"),
    ("certificate-expired", case_certificate_expired, "zip"),
    ("private-key-inaccessible", case_private_key, "folder"),
    ("tls-mismatch", case_tls_mismatch, "zip"),
    ("nla-credssp", case_nla, "folder"),
    ("logon-rights", case_logon_rights, "folder"),
    ("profile-corrupt", case_profile, "tar.zst"),
    ("client-side", case_client_side, "folder"),
    ("healthy", case_healthy, "folder"),
    ("inconclusive", case_inconclusive, "folder"),
    ("distractor", case_distractor, "tar.zst"),
    ("security-layer-forced", case_security_layer_forced, "folder"),
    ("client-update-regression", case_client_update, "folder"),
    ("rd-gateway", case_rd_gateway, "folder"),
    ("rd-gateway-refused", case_rd_gateway_refused, "folder"),
]


# --------------------------------------------------------------------------- validation

SYSTEM_FIELDS = ("Provider", "EventID", "TimeCreated", "EventRecordID", "Channel", "Computer")


def decode_bytes(b):
    if b.startswith(b"\xff\xfe"):
        return b[2:].decode("utf-16-le")
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:].decode("utf-8")
    return b.decode("utf-8")


def validate_file(path, b):
    if path.endswith(".json"):
        json.loads(decode_bytes(b))
        return 0
    if path.endswith(".evtx"):
        return evtx_writer.check_evtx(b)
    if not path.endswith(".xml"):
        return 0
    txt = decode_bytes(b)
    txt = re.sub(r"^<\?xml[^>]*\?>", "", txt)
    root = ET.fromstring("<r>" + txt + "</r>")
    n = 0
    for ev in root.iter(NS + "Event"):
        sy = ev.find(NS + "System")
        if sy is None:
            raise ValueError("%s: event without System" % path)
        for f in SYSTEM_FIELDS:
            if sy.find(NS + f) is None:
                raise ValueError("%s: event without System/%s" % (path, f))
        n += 1
    if n == 0:
        raise ValueError("%s: no events" % path)
    return n


# --------------------------------------------------------------------------- output

def write_folder(out, name, files):
    base = os.path.join(out, name)
    for rel, data in files:
        p = os.path.join(base, *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def write_zip(out, name, files, t):
    d = dt_of(t + S(3600))
    stamp = (d.year, d.month, d.day, d.hour, d.minute, d.second - d.second % 2)
    p = os.path.join(out, name + ".zip")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files):
            zi = zipfile.ZipInfo(name + "/" + rel, stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0x20  # FILE_ATTRIBUTE_ARCHIVE, as Windows "Send to > Compressed folder" writes
            z.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def write_tar_zst(out, name, files, t):
    tmp = os.path.join(out, ".tmp-" + name)
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    write_folder(tmp, ".", files)
    for dp, dns, fns in os.walk(tmp):
        os.chmod(dp, 0o755)
        for fn in fns:
            os.chmod(os.path.join(dp, fn), 0o644)
    mtime = (t + S(3600)) // TICKS
    tar = subprocess.run(["tar", "--sort=name", "--mtime=@%d" % mtime, "--owner=0", "--group=0", "--numeric-owner",
                          "--format=gnu", "-C", tmp, "-cf", "-", "."], stdout=subprocess.PIPE, check=True)
    z = subprocess.run(["zstd", "-19", "-q", "-c"], input=tar.stdout, stdout=subprocess.PIPE, check=True)
    with open(os.path.join(out, name + ".tar.zst"), "wb") as f:
        f.write(z.stdout)
    shutil.rmtree(tmp)


def parse_sources_md(corpus_dir):
    p = os.path.join(corpus_dir, "SOURCES.md")
    info = {}
    if not os.path.exists(p):
        return info
    cur = None
    with open(p, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^### (\S+)", line)
            if m:
                cur = m.group(1)
                info[cur] = {}
                continue
            m = re.match(r"^- (source|licence): (.*)$", line.rstrip("\n"))
            if m and cur:
                info[cur][m.group(1)] = m.group(2).strip().strip("`")
    return info


FORM_TEXT = {"folder": "folder", "zip": "`.zip` (case folder inside)", "tar.zst": "`.tar.zst` (content at root)"}


def write_readme(out, built):
    lines = ["# SampleLogs", "",
             "Sample help-desk cases for `rdpcause`: each is what an engineer would collect after a user reported",
             "\"Error code: 0x904, Extended error code: 0x7\". Generated by `python3 scripts/make-samplelogs.py`",
             "(deterministic; do not edit by hand). Each case has `expected.json` at its root (archives also have a",
             "sibling `<case>.expected.json`). Sources and licences: `SOURCES.md`.", "",
             "| case | form | what it shows | expected |", "|---|---|---|---|"]
    for c, form in built:
        e = c.exp
        exp = e["verdict"] + (" / `%s`" % e["topCause"] if e["topCause"] else "")
        lines.append("| `%s` | %s | %s | %s |" % (c.name, FORM_TEXT[form], e["notes"].replace("|", "/"), exp))
    lines += ["", "Export forms used: `wevtutil qe /f:xml` (one event per line, CRLF, no root) in UTF-8 and in UTF-16LE with BOM",
              "(Windows PowerShell 5.1 redirection), Event Viewer \"Save as XML\" (`<Events>` root, RenderingInfo,",
              "some newest-first), and the binary `.evtx` log files themselves (`rdp-service-down`'s host logs and",
              "`logon-rights`' Security and RdpCoreTS logs; written by `scripts/evtx_writer.py` as Windows writes them:",
              "64 KiB chunks with CRC32s, template instances with typed substitutions). Error reports: mstsc dialog text (local time, no zone) and Windows App details",
              "(`Timestamp (UTC)`, `Activity ID`), some UTF-16LE with BOM."]
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_sources(out, corpus_dir, used):
    info = parse_sources_md(corpus_dir)
    lines = ["# SampleLogs sources", "",
             "Background (noise) records in these cases are real Windows event records taken from the converted corpus",
             "`shared/corpus/real/` (files listed below, all MIT, Apache-2.0 or CC0-1.0 licensed). They were moved into",
             "each case's time window, `Computer` was rewritten to the case host, `EventRecordID` renumbered, the",
             "service-process `Execution/@ProcessID` aligned with the case host, and the XML re-serialised in the Windows",
             "export forms (single quotes, self-closed empty elements, GUIDs in braces); their values are otherwise",
             "verbatim. Records that would themselves look like a cause signal (Schannel, Kernel-Power, boot/shutdown,",
             "TermService state changes, 4625/5152/5157, profile errors, RDP firewall rules, RDP-session events near the",
             "failure) were not used.", "",
             "All cause-signal events (the events that identify each case's cause, the client's RDPClient records of the",
             "failing attempt, and the distractor case's old unrelated errors) are **synthesized** from the documented",
             "event shapes in `shared/reference/domain-events.md` (System metadata copied from a real record of the same",
             "provider and event ID where the corpus has one). The error reports, tickets and JSON files are invented",
             "for the cases.", "",
             "The Windows Update records of `client-update-regression` (WindowsUpdateClient 43 and 19) copy their System",
             "metadata and EventData layout (`updateTitle`, `updateGuid`, `updateRevisionNumber`, `serviceGuid`) from the",
             "real records 181/182 of `DFIRArtifactMuseum__Win10_APTSimulatorVM__System.xml`; the update titles are invented",
             "in the shape of the real titles there and in `artemis__System.xml`. Real WindowsUpdateClient records are not",
             "used as background of a client's System log.", "",
             "RD Gateway records (`rd-gateway`, `rd-gateway-refused`: `Microsoft-Windows-TerminalServices-Gateway/Operational`)",
             "are synthesized in the shape of the real 200, 300, 302 and 303 records of",
             "`Yamato-Security/hayabusa-sample-evtx:YamatoSecurity/IntialAccess/ValidAccounts/ID302 RDS Gateway Logon Logoff.evtx`",
             "(read with `rdpcause events`: provider GUID, Level, Task, Opcode, Keywords, `Security/@UserID` S-1-5-20, and",
             "`UserData/EventInfo xmlns='aag'` with Username, IpAddress, AuthType, Resource, BytesReceived, BytesTransfered,",
             "SessionDuration, ConnectionProtocol, ErrorCode; also EricZimmerman/evtx `evtx/Maps/Microsoft-Windows-TerminalServices-Gateway-",
             "Operational_*` maps). 201 (RD CAP not met) and 301 (RD RAP not met) have no public real sample: they follow",
             "the messages Microsoft documents (TechNet ee891053, ee890850) with the same EventInfo fields; their Level",
             "and Task are not verified, and the error codes (23003, 23002) are invented for the cases.", "",
             "| corpus file (shared/corpus/real) | original source (`owner/repo:path@commit`) | licence | used in |",
             "|---|---|---|---|"]
    for alias in sorted(used):
        fn = CORPUS[alias]
        stem = re.sub(r"\.xml(\.zst)?$", "", fn)
        src = info.get(stem, {})
        cases = ", ".join("`%s`" % n for n in sorted(used[alias]))
        lines.append("| `%s` | `%s` | %s | %s |" % (fn, src.get("source", "?"), src.get("licence", "?"), cases))
    with open(os.path.join(out, "SOURCES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


class Gen:
    def __init__(self, corpus_dir):
        self.corpus = Corpus(corpus_dir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        die("the real-event corpus is missing: %s (expected ../shared/corpus/real relative to the repository; "
            "pass --corpus DIR)" % a.corpus)
    if shutil.which("zstd") is None:
        die("the `zstd` command-line tool is required (apt-get install zstd)")
    gen = Gen(a.corpus)
    out = os.path.abspath(a.out)
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, "SOURCES.md")):
            die("%s exists and does not look like a generated SampleLogs folder; not deleting it" % out)
        shutil.rmtree(out)
    os.makedirs(out)
    built, used = [], {}
    total_events = 0
    for name, fn, form in CASES:
        c = fn(gen)
        assert c.name == name
        for rel, data in c.files:
            total_events += validate_file(rel, data)
        size = sum(len(d) for _, d in c.files)
        if size > 1_100_000:
            die("case %s is too large (%d bytes)" % (name, size))
        if form == "folder":
            write_folder(out, name, c.files)
        elif form == "zip":
            write_zip(out, name, c.files, c.T)
        else:
            write_tar_zst(out, name, c.files, c.T)
        if form != "folder":
            with open(os.path.join(out, name + ".expected.json"), "wb") as f:
                f.write(dict(c.files)["expected.json"])
        for al in c.used_sources:
            used.setdefault(al, set()).add(name)
        built.append((c, form))
        print("%-26s %-8s %8d bytes  %s" % (name, form, size, c.exp["verdict"] + "/" + str(c.exp["topCause"])))
    write_readme(out, built)
    write_sources(out, a.corpus, used)
    print("validated %d events; wrote %s" % (total_events, out))


if __name__ == "__main__":
    main()
