"""Scenarios for evidence at the attempt (issue 15, section 3), kept apart from the cause stories.

`cert-1057-only`: the host cannot create its self-signed RDP certificate. Remote Desktop
Services writes RCM 1057 ("... The relevant status code was Keyset does not exist.") hours
before and again within a second of the attempt, and the security layer drops the client
(RdpCoreTS 139 with its address). No Schannel 36870 and no 1058: Microsoft's MachineKeys root
cause seen only through the certificate's life cycle, which the certificate cause owns.

make-scenarios.py registers these stories in scenario_causes.STORIES and appends `specs()` to
its catalogue.
"""

import scenario_causes as sc
from scenario_kit import ED, S, msl


def certificate_create_failed(c, host, cl, T, target):
    onset = T - S(c.rng("cert1057").uniform(2 * 3600, 5 * 3600))
    c.ev(host, "System", "RCMSYS", 1057, onset, ED((None, "Keyset does not exist\r\n"), ("#binary", "")))

    def attempt(conn):
        conn.h_reach(0.013)
        c.ev(host, "System", "RCMSYS", 1057, conn.t0 + S(0.041), ED((None, "Keyset does not exist\r\n"), ("#binary", "")))
        c.ev(host, "Core", "CORE", 139, conn.t0 + S(0.0452),
             ED(("ResultCode", "0x80090304"), ("IPString", conn.client.ip)), act=conn.act_host)
        conn.h_close(0.0478)

    conn = msl.Conn(c, cl, host, T - S(0.58), 50711, 9, target)
    conn.c_start(hash_=False)
    attempt(conn)
    last = conn.c_disc(0.58, 2308)
    return sc.Story("certificate-expired", conn, last, sc.HOST_LOGS, blocked=[(onset, sc.INF)], others=attempt,
                    survives=True,
                    notes="RCM 1057 (could not create the self-signed certificate: Keyset does not exist) hours "
                          "before and again at the attempt, RdpCoreTS 139 for this client; no Schannel 36870, no 1058")


STORIES = {"certificate-expired/1057-only": certificate_create_failed}


def specs(Spec):
    """The single-failure scenarios of this module, as make-scenarios.py's Spec objects."""
    sc.STORIES.update(STORIES)
    return [
        Spec("cert-1057-only", "certificate-expired/1057-only", ["busy", "at-the-attempt"], busy=11, others_fail=4,
             zone="uk", os="2019"),
    ]
