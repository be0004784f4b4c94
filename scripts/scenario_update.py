"""Scenarios for a Windows client update regression (issue 15, section 6).

Every story writes the client's System log with Windows Update installing a cumulative update
(WindowsUpdateClient 43 then 19, the real shape of the Win10 APTSimulatorVM System log, written by
make-samplelogs.py's `windows_update`) and one attempt that reaches the host's RDP stack (RCM 261,
RdpCoreTS 131) and is dropped by the client within half a second (RDPClient 1026 2308), with no
host error. What the diagnosis may make of the update depends on the rest of the case:

  client-update-regression   the update two to six days before the failure, the client's first
                             failure after it, other users' clients connect to the host around
                             the failure: client-side is likely, naming the KB and since when.
  client-update-after        the update installed three hours after the failure: not evidence,
                             and the findings say so; nothing is likely.
  client-update-no-others    the update before the failure, but no other client connects to the
                             host after it (the host's session records are quiet for days): weak
                             evidence only; nothing is likely.
  client-update-failed-before  the client already failed on the host days before the update:
                             the failures did not begin with it, and the findings say so.

make-scenarios.py registers these stories in scenario_causes.STORIES and appends `specs()` to
its catalogue.
"""

import scenario_causes as sc
from scenario_kit import S, msl

TITLE = "%d-%02d Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB%d)"
DAY = 86400


def _kb(c):
    return c.rng("wu-kb").randrange(5070000, 5079999)


def _update(c, cl, t):
    kb = _kb(c)
    msl.windows_update(c, cl, t, TITLE % (msl.dt_of(t).year, msl.dt_of(t).month, kb))
    return kb


def _client_system(c, cl, start, end):
    """Real System records as the client's background (never its Windows Update records)."""
    c.noise(cl, "System", "W10-System", 120, start, end, keep=lambda e: e.prov != "Microsoft-Windows-WindowsUpdateClient")


def _dropped_attempt(c, host, cl, t0, port, no, target):
    conn = msl.Conn(c, cl, host, t0, port, no, target)
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_close(0.4812)
    return conn, conn.c_disc(0.49, 2308)


def update_regression(c, host, cl, T, target):
    update = T - S(c.rng("wu-when").uniform(2 * DAY, 6 * DAY))
    kb = _update(c, cl, update)
    _client_system(c, cl, update - S(DAY), T + S(3600))
    conn, last = _dropped_attempt(c, host, cl, T - S(0.49), 60231, 29, target)
    story = sc.Story("client-side", conn, last, sc.HOST_LOGS + ("Application", "UPS"),
                     notes="the client's System log shows KB%d installed at %s; the attempt reaches RdpCoreTS 131 and "
                           "the client drops it within half a second (1026 2308), no host error; other users' "
                           "clients connect to the host around the failure" % (kb, msl.fmt_iso_s(update)))
    story.mentions = {"client-side": ["KB%d" % kb, msl.fmt_iso_s(update), "other clients still connect"]}
    return story


def update_after_failure(c, host, cl, T, target):
    update = T + S(c.rng("wu-when").uniform(2 * 3600, 4 * 3600))
    kb = _update(c, cl, update)
    _client_system(c, cl, T - S(3 * DAY), update + S(3600))
    conn, last = _dropped_attempt(c, host, cl, T - S(0.49), 60231, 29, target)
    story = sc.Story(None, conn, last, sc.HOST_LOGS, verdict="inconclusive",
                     notes="the attempt reaches RdpCoreTS 131 and the client drops it (1026 2308), no host error; the "
                           "client's System log shows KB%d installed at %s, after the failure, which is no evidence"
                           % (kb, msl.fmt_iso_s(update)))
    story.mentions = {"client-side": ["KB%d" % kb, "after the failure"]}
    return story


def update_no_other_clients(c, host, cl, T, target):
    update = T - S(c.rng("wu-when").uniform(2 * DAY, 5 * DAY))
    kb = _update(c, cl, update)
    _client_system(c, cl, update - S(DAY), T + S(3600))
    # Nobody else uses this host: no session records of anyone from a day before the update on.
    c.quiet.append((host, update - S(DAY), T + S(2 * DAY)))
    conn, last = _dropped_attempt(c, host, cl, T - S(0.49), 60231, 29, target)
    story = sc.Story(None, conn, last, ("System", "Security", "RCM", "Core"), verdict="inconclusive",
                     notes="the client's System log shows KB%d installed at %s and the attempt reaches RdpCoreTS 131 "
                           "and is dropped by the client (1026 2308), but no other client connects to the host after "
                           "the update: the update alone is weak evidence" % (kb, msl.fmt_iso_s(update)))
    story.mentions = {"client-side": ["KB%d" % kb, "no other client's session"]}
    return story


def update_after_earlier_failure(c, host, cl, T, target):
    update = T - S(c.rng("wu-when").uniform(2 * DAY, 4 * DAY))
    kb = _update(c, cl, update)
    _client_system(c, cl, update - S(6 * DAY), T + S(3600))
    earlier, _ = _dropped_attempt(c, host, cl, update - S(c.rng("wu-before").uniform(2 * DAY, 4 * DAY)), 55102, 11, target)
    conn, last = _dropped_attempt(c, host, cl, T - S(0.49), 60231, 29, target)
    story = sc.Story(None, conn, last, sc.HOST_LOGS, verdict="inconclusive",
                     notes="the client already failed on the host at %s (1026 2308), days before KB%d was installed "
                           "at %s: the failures did not begin with the update" % (msl.fmt_iso_s(earlier.t0), kb,
                                                                                   msl.fmt_iso_s(update)))
    story.mentions = {"client-side": ["KB%d" % kb, "already failed"]}
    return story


STORIES = {
    "client-side/update-regression": update_regression,
    "inconclusive/update-after-failure": update_after_failure,
    "inconclusive/update-no-other-clients": update_no_other_clients,
    "inconclusive/update-after-earlier-failure": update_after_earlier_failure,
}


def specs(Spec):
    """The single-failure scenarios of this module, as make-scenarios.py's Spec objects."""
    sc.STORIES.update(STORIES)
    return [
        Spec("client-update-regression", "client-side/update-regression", ["busy", "situation", "client-update"], busy=12,
             report="winapp", zone="eu", os="2022"),
        Spec("client-update-after", "inconclusive/update-after-failure", ["busy", "situation", "client-update"], busy=10,
             zone="uk", os="2022"),
        Spec("client-update-no-others", "inconclusive/update-no-other-clients",
             ["situation", "client-update", "no-other-clients"], report="winapp", zone="eu", os="2019"),
        Spec("client-update-failed-before", "inconclusive/update-after-earlier-failure", ["busy", "situation", "client-update"],
             busy=8, zone="eu", os="2022"),
    ]
