"""Scenarios with an RD Gateway in the path (issue 15, section 6): which leg failed.

With a gateway, the client's connection has two legs: client -> gateway (authenticated and checked
against the RD CAP: 200 met, 201 not met) and gateway -> host (checked against the RD RAP: 300 met,
301 not met; then 302 connected to the resource, or 304 could not connect). The gateway's records
(Microsoft-Windows-TerminalServices-Gateway/Operational, UserData/EventInfo xmlns='aag': Username,
IpAddress, AuthType, Resource, ConnectionProtocol, ErrorCode) have the shape of the real 200, 300,
302 and 303 records of Yamato-Security/hayabusa-sample-evtx ("ID302 RDS Gateway Logon Logoff.evtx");
201 and 304 follow their documented messages (TechNet ee891053, cc727375) with the same fields.
The gateway sees the client's public address; the host sees the gateway's address.

`gw-cap-refused`: client -> gateway leg, the RD CAP refuses the user (201).
`gw-host-unreachable`: gateway -> host leg, the gateway authorizes the user and the resource but
cannot connect to the host (304 after a TCP timeout: the gateway resolves a stale address).
`gw-passed-logon-rights`: the gateway connects the client to the host (302), and the host refuses
the logon (4625 0xc000015b from the gateway's address): the host's own records decide.

make-scenarios.py appends `specs()` to its catalogue.
"""

import scenario_causes as sc
from scenario_kit import ED, S, msl


def _gateway(c, host):
    """The site's RD Gateway (named after the host's domain) with its colleagues' sessions through
    it to other session hosts around the failure."""
    suffix = host.computer[len(host.computer.split(".")[0]):]
    net = ".".join(host.ip.split(".")[:2])
    gw = msl.gateway_machine("gw", "RDGW-01" + suffix, "%s.1.5" % net)
    return gw


def _colleagues(c, gw, T, suffix):
    """Other users through the gateway to other hosts (not in the case): 200/300/302/303 only."""
    r = c.rng("gw-colleagues")
    for i in range(r.randrange(3, 6)):
        t0 = T + S(r.uniform(-5400, 1200))
        user = "%s\\%s" % (c.domain, r.choice(("mrossi", "ptanaka", "lbauer", "achen", "oyilmaz", "kdubois")))
        public = "203.0.113.%d" % r.randrange(2, 250)
        resource = "rdsh-%02d%s" % (r.randrange(40, 60), suffix.lower())
        act = msl.new_guid(c.rng("gw-colleague-act:%d" % i), "upper")
        c.ev(gw, "GW", "RDG", 200, t0, msl.gateway_info(user, public, "NTLM", "", "HTTP"), act=act)
        c.ev(gw, "GW", "RDG", 300, t0 + S(0.02), msl.gateway_info(user, public, resource=resource), act=act)
        c.ev(gw, "GW", "RDG", 302, t0 + S(0.11), msl.gateway_info(user, public, resource=resource, protocol="HTTP"), act=act)
        dur = r.uniform(600, 4000)
        c.ev(gw, "GW", "RDG", 303, t0 + S(dur),
             msl.gateway_info(user, public, resource=resource, protocol="HTTP", error="1226", BytesReceived=str(int(dur * 2900)),
                              BytesTransfered=str(int(dur * 1700)), SessionDuration=str(int(dur))), act=act)


def _export(c, gw):
    c.write_log(gw, "GW", "gateway-" + gw.computer.split(".")[0], rid_base=msl.rid_base(c, gw, "GW"))


def _told(story, gw):
    """The ticket says the user connects through the gateway (a home worker's ticket usually does)."""
    story.ticket_note = " The user works from home and connects through the RD Gateway %s." % gw.computer.lower()
    return story


def _public(c):
    return "198.51.100.%d" % c.rng("gw-public").randrange(2, 250)


def _path(c, host, T):
    """The gateway in front of `host` with its colleagues' traffic, and what names this attempt on
    it: the user, the client's public address, the resource and the ActivityID."""
    gw = _gateway(c, host)
    suffix = host.computer[len(host.computer.split(".")[0]):]
    _colleagues(c, gw, T, suffix)
    user = "%s\\%s" % (c.domain, c.user)
    return gw, user, _public(c), host.computer.lower(), msl.new_guid(c.rng("gw-act"), "upper")


def gateway_cap_refused(c, host, cl, T, target):
    gw, user, public, _, act = _path(c, host, T)
    conn = msl.Conn(c, cl, host, T - S(1.34), 0, 0, target)
    conn.c_start(ssl=False, hash_=False)
    c.ev(gw, "GW", "RDG", 201, T - S(0.93), msl.gateway_info(user, public, "NTLM", "", "HTTP", error="23003"), act=act)
    last = conn.c_disc(1.34, 2308)
    _export(c, gw)
    return _told(sc.Story("gateway-client-leg", conn, last, sc.HOST_LOGS,
                    notes="RD Gateway in the path, client -> gateway leg: the gateway refused the user (RD CAP not met, "
                          "201 error 23003); the host never saw the attempt"), gw)


def gateway_host_unreachable(c, host, cl, T, target):
    gw, user, public, resource, act = _path(c, host, T)
    conn = msl.Conn(c, cl, host, T - S(21.7), 0, 0, target)
    conn.c_start(ssl=False, hash_=False)
    c.ev(gw, "GW", "RDG", 200, T - S(21.31), msl.gateway_info(user, public, "NTLM", "", "HTTP"), act=act)
    c.ev(gw, "GW", "RDG", 300, T - S(21.29), msl.gateway_info(user, public, resource=resource), act=act)
    c.ev(gw, "GW", "RDG", 304, T - S(0.22), msl.gateway_info(user, public, resource=resource, error="10060"), act=act)
    last = conn.c_disc(21.7, 2308)
    _export(c, gw)
    return _told(sc.Story("gateway-host-leg", conn, last, sc.HOST_LOGS,
                    notes="RD Gateway in the path, gateway -> host leg: CAP and RAP met (200, 300), then the gateway could "
                          "not connect to %s (304, error 10060 after 21 s: it resolves a stale address); the host never "
                          "saw the attempt while office users connect to it directly" % resource), gw)


def gateway_passed_logon_rights(c, host, cl, T, target):
    gw, user, public, resource, act = _path(c, host, T)
    conn = msl.Conn(c, cl, host, T - S(3.41), 50977, 23, target)
    conn.c_start()
    c.ev(gw, "GW", "RDG", 200, T - S(3.28), msl.gateway_info(user, public, "NTLM", "", "HTTP"), act=act)
    c.ev(gw, "GW", "RDG", 300, T - S(3.26), msl.gateway_info(user, public, resource=resource), act=act)
    c.ev(gw, "GW", "RDG", 302, T - S(3.19), msl.gateway_info(user, public, resource=resource, protocol="HTTP"), act=act)
    # The host sees the connection from the gateway's address.
    conn.client = msl.Machine("gw-view", gw.computer, gw.ip)
    conn.h_reach(0.24)
    conn.h_auth_ok(1.51, c.user, c.domain, 4)
    c.security_4625(host, T - S(0.38), c.user, c.domain, "0xc000015b", "%%2308", "0x0", "10", gw.ip, "0",
                    host.computer.split(".")[0], proc=host.logon_proc)
    conn.h_close(3.11)
    conn.client = cl
    c.ev(gw, "GW", "RDG", 303, T - S(0.12),
         msl.gateway_info(user, public, resource=resource, protocol="HTTP", error="1226", BytesReceived="48211",
                          BytesTransfered="31740", SessionDuration="3"), act=act)
    last = conn.c_disc(3.41, 2308)
    _export(c, gw)
    return sc.Story("logon-rights", conn, last, sc.HOST_LOGS,
                    notes="RD Gateway in the path and passed: CAP and RAP met and 302 connected to the host; the host "
                          "sees the connection from the gateway's address %s: RCM 1149 for the user, then 4625 LogonType 10 "
                          "Status 0xc000015b (logon type not granted) and no LSM 21" % gw.ip)


STORIES = {
    "gateway/cap-refused": gateway_cap_refused,
    "gateway/host-unreachable": gateway_host_unreachable,
    "gateway/passed-logon-rights": gateway_passed_logon_rights,
}


def specs(Spec):
    """The single-failure scenarios of this module, as make-scenarios.py's Spec objects."""
    sc.STORIES.update(STORIES)
    return [
        Spec("gw-cap-refused", "gateway/cap-refused", ["busy", "gateway"], busy=10, report="winapp", os="2022"),
        Spec("gw-host-unreachable", "gateway/host-unreachable", ["busy", "gateway"], busy=12, zone="uk", os="2019"),
        Spec("gw-passed-logon-rights", "gateway/passed-logon-rights", ["busy", "gateway", "skew"], busy=14, host_skew=-150,
             zone="us-east", os="2019"),
    ]
