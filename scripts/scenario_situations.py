"""Scenarios for the situations the users' own guides name (issue 15, section 6).

`seclayer-forced`: a computer policy forces the RDP listener's security layer and encryption
level. Group Policy applies new computer settings (GroupPolicy 1502, the real shape of the
StolenSzechuan System log) and seconds later Remote Desktop Services reports the listener's
inconsistent Encryption Level / Security Layer pair (RCM 1050, the documented TechNet ee890845
shape: legacy System event, EventSourceName TermService, the inserts as unnamed Data; no real
1050 record exists in the corpus, and how RCM renders the level and layer inserts is not
verified). From then on the security layer drops every new connection right after it reaches the
stack (RdpCoreTS 131, then 139 with the client's address); Schannel reports no protocol or cipher
failure, which is what sets this apart from tls-mismatch. Sessions that were connected before
the policy keep running.

make-scenarios.py registers these stories in scenario_causes.STORIES and appends `specs()` to
its catalogue.
"""

import scenario_causes as sc
from scenario_kit import ED, S, msl


def security_layer_forced(c, host, cl, T, target):
    onset = T - S(c.rng("seclayer").uniform(2 * 3600, 6 * 3600))
    c.ev(host, "System", "GP", 1502, onset,
         ED(("SupportInfo1", "1"), ("SupportInfo2", "3639"), ("ProcessingMode", "1"),
            ("ProcessingTimeInMilliseconds", "1218"), ("DCName", "\\\\DC01.corp.example"),
            ("NumberOfGroupPolicyObjects", "3")), uid="S-1-5-18", pid=1124,
         act=msl.new_guid(c.rng("seclayer-gp")))
    c.ev(host, "System", "RCMSYS", 1050, onset + S(2.0),
         ED((None, "RDP-Tcp"), (None, "Low"), (None, "SSL"), ("#binary", "")))

    def attempt(conn):
        conn.h_reach(0.012)
        c.ev(host, "Core", "CORE", 139, conn.t0 + S(0.0296),
             ED(("ResultCode", "0x80090304"), ("IPString", conn.client.ip)), act=conn.act_host)
        conn.h_close(0.0318)

    conn = msl.Conn(c, cl, host, T - S(0.47), 51338, 14, target)
    conn.c_start(hash_=False)
    attempt(conn)
    last = conn.c_disc(0.47, 2308)
    return sc.Story("security-layer-forced", conn, last, sc.HOST_LOGS, blocked=[(onset, sc.INF)], others=attempt,
                    survives=True,
                    notes="Group Policy applied new computer settings (1502) and RCM 1050 reported the listener's "
                          "Encryption Level Low with Security Layer SSL hours before the attempt; RdpCoreTS 139 "
                          "drops this client and the others after 131; no Schannel protocol or cipher error")


STORIES = {"security-layer-forced/policy": security_layer_forced}


def specs(Spec):
    """The single-failure scenarios of this module, as make-scenarios.py's Spec objects."""
    sc.STORIES.update(STORIES)
    return [
        Spec("seclayer-forced", "security-layer-forced/policy", ["busy", "situation"], busy=9, others_fail=3,
             zone="us-east", os="2019"),
    ]
