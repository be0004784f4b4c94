"""The records one failing attempt leaves on client and host, for each cause in Rules/causes.

Each story writes the cause's host-side signal and the client's RDPClient records of the
attempt (1024 … 1026 2308), with the shapes of ../shared/reference/domain-events.md (the same
shapes make-samplelogs.py uses for the SampleLogs cases). A story returns what the rest of the
case needs to stay consistent with it: which host logs must be exported, the interval in which
*nobody* can connect (a stopped service, a sleeping host, a broken certificate or key, a
blocking rule), and how another user's attempt fails while the cause holds.
"""

from scenario_kit import ED, S, UD, msl

INF = float("inf")
HOST_LOGS = ("System", "Security", "RCM", "Core", "LSM")


class Story:
    def __init__(self, cause, conn, last, logs, blocked=(), others=None, survives=False, notes="", verdict="cause-found"):
        self.cause = cause          # Rules/causes id (None when the case cannot tell)
        self.verdict = verdict      # the expected verdict
        self.conn = conn            # the attempt (msl.Conn)
        self.last = last            # the client's 1026 record (client clock)
        self.logs = list(logs)      # host logs the case must export
        self.blocked = list(blocked)  # [(start, end)] true UTC ticks in which nobody can connect
        self.others = others        # another user's failing attempt while the cause holds (host-wide causes)
        self.survives = survives    # sessions established before `blocked` began keep running through it
        self.notes = notes


def _block_rule(c, host, t, remote="*", delete_allow=True, profiles="2147483647"):
    for i, (rid, rn) in enumerate((("RemoteDesktop-UserMode-In-TCP", "Remote Desktop - User Mode (TCP-In)"),
                                   ("RemoteDesktop-UserMode-In-UDP", "Remote Desktop - User Mode (UDP-In)"))[:2 if delete_allow else 0]):
        c.ev(host, "FW", "FW", 2006, t + S(i * 0.0113),
             ED(("RuleId", rid), ("RuleName", rn), ("ModifyingUser", "S-1-5-18"),
                ("ModifyingApplication", "C:\\Windows\\System32\\svchost.exe")))
    c.ev(host, "FW", "FW", 2097, t + S(0.02),
         ED(("RuleId", "{6E0C1B4E-2F43-4F4B-9D0A-7A51C5D9B1A2}"), ("RuleName", "Block inbound RDP (Tier-1 hardening)"),
            ("Origin", "2"), ("ApplicationPath", ""), ("ServiceName", ""), ("Direction", "1"), ("Protocol", "6"),
            ("LocalPorts", "3389"), ("RemotePorts", "*"), ("Action", "2"), ("Profiles", profiles),
            ("LocalAddresses", "*"), ("RemoteAddresses", remote), ("RemoteMachineAuthorizationList", ""),
            ("RemoteUserAuthorizationList", ""), ("EmbeddedContext", ""), ("Flags", "1"), ("Active", "1"),
            ("EdgeTraversal", "0"), ("LooseSourceMapped", "0"), ("SecurityOptions", "0"),
            ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Windows\\System32\\svchost.exe"),
            ("SchemaVersion", "543"), ("RuleStatus", "65536"), ("LocalOnlyMapped", "0"), ("PolicyAppId", "")))


def network_path_firewall(c, host, cl, T, target):
    """A policy deletes the RDP allow rules and pushes a TCP/3389 block rule; WFP drops the client's SYNs."""
    onset = T - S(c.rng("np-onset").uniform(900, 3000))
    _block_rule(c, host, onset)
    port = c.rng("np-port").randrange(49152, 65535)
    for dt_s in (-21.02, -18.01, -12.0):
        c.ev(host, "Security", "SEC", 5152, T + S(dt_s),
             ED(("ProcessId", "0"), ("Application", "-"), ("Direction", "%%14592"), ("SourceAddress", cl.ip),
                ("SourcePort", str(port)), ("DestAddress", host.ip), ("DestPort", "3389"), ("Protocol", "6"),
                ("FilterRTID", "0"), ("LayerName", "%%14597"), ("LayerRTID", "13")), pid=4, tid=88)
    conn = msl.Conn(c, cl, host, T - S(21.1), port, 0, target)
    conn.c_start(ssl=False, hash_=False)
    conn.c_226(21.08, "tcp")
    last = conn.c_disc(21.1, 2308)
    return Story("network-path", conn, last, HOST_LOGS + ("FW",), blocked=[(onset, INF)], survives=True,
                 notes="a policy deleted the RDP allow rules and added a TCP/3389 block rule; WFP 5152 drops the "
                       "client's SYNs and no connection from the client reaches RCM 261/RdpCoreTS 131")


def network_path_vpn_block(c, host, cl, T, target):
    """A block rule for TCP/3389 scoped to the VPN address pool the client connects from; office
    users (outside the pool) still connect. WFP drops the client's SYNs."""
    pool = ".".join(cl.ip.split(".")[:3]) + ".0/255.255.255.0"
    onset = T - S(c.rng("vpn-onset").uniform(2 * 86400, 5 * 86400))
    _block_rule(c, host, onset, remote=pool, delete_allow=False)
    port = c.rng("vpn-port").randrange(49152, 65535)
    for dt_s in (-9.03, -6.01, -3.0):
        c.ev(host, "Security", "SEC", 5152, T + S(dt_s),
             ED(("ProcessId", "0"), ("Application", "-"), ("Direction", "%%14592"), ("SourceAddress", cl.ip),
                ("SourcePort", str(port)), ("DestAddress", host.ip), ("DestPort", "3389"), ("Protocol", "6"),
                ("FilterRTID", "0"), ("LayerName", "%%14597"), ("LayerRTID", "13")), pid=4, tid=88)
    conn = msl.Conn(c, cl, host, T - S(9.1), port, 0, target)
    conn.c_start(ssl=False, hash_=False)
    conn.c_226(9.08, "tcp")
    last = conn.c_disc(9.1, 2308)
    return Story("network-path", conn, last, HOST_LOGS + ("FW",),
                 notes="a block rule for TCP/3389 scoped to the VPN pool %s (2097, days before) covers the client's "
                       "address %s: WFP 5152 drops its SYNs while office users outside the pool connect" % (pool, cl.ip))


def office_client_vpn_block(c, host, cl, T, target):
    """A block rule for TCP/3389 scoped to a VPN pool the office client is not in; the host's RDP
    logs are not in the case, so nothing shows how far the attempt got."""
    pool = "10.250.0.0/255.255.0.0"
    onset = T - S(c.rng("vpn-onset").uniform(2 * 86400, 5 * 86400))
    _block_rule(c, host, onset, remote=pool, delete_allow=False)
    dt_s = round(c.rng("office").uniform(0.6, 3.0), 2)
    conn = msl.Conn(c, cl, host, T - S(dt_s), 0, 0, target)
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(dt_s, 2308)
    return Story(None, conn, last, ("System", "Security", "FW"), verdict="inconclusive",
                 notes="a block rule for TCP/3389 scoped to the VPN pool %s (2097, days before) does not hold the office "
                       "client's address %s; the case has the host's System, Security and Firewall logs but not its "
                       "RCM/RdpCoreTS/LSM logs, so the cause cannot be determined" % (pool, cl.ip))


def network_path_silent(c, host, cl, T, target):
    """A VPN gateway or middlebox accepts the TCP connection and closes it: the host never sees it."""
    dt_s = round(c.rng("np-silent").uniform(0.6, 3.0), 2)
    conn = msl.Conn(c, cl, host, T - S(dt_s), 0, 0, target)
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(dt_s, 2308)
    return Story("network-path", conn, last, HOST_LOGS,
                 notes="the host's RCM/RdpCoreTS logs cover the failure and record other clients' connections, "
                       "but nothing from this client: something between client and host closed the connection")


def rdp_service_down_crash(c, host, cl, T, target):
    c.ev(host, "System", "SCM", 7031, T - S(14.27),
         ED(("param1", "Remote Desktop Services"), ("param2", "1"), ("param3", "60000"), ("param4", "1"),
            ("param5", "Restart the service"), ("#binary", msl.utf16hex("TermService")[:-4] + "0000")))
    c.ev(host, "System", "SCM", 7036, T - S(14.21),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "stopped"),
            ("#binary", msl.utf16hex("UmRdpService/1"))))
    back = 45.93
    c.ev(host, "System", "SCM", 7036, T + S(back),
         ED(("param1", "Remote Desktop Services"), ("param2", "running"), ("#binary", msl.utf16hex("TermService/4"))))
    c.ev(host, "System", "SCM", 7036, T + S(back + 0.48),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "running"),
            ("#binary", msl.utf16hex("UmRdpService/4"))))
    c.ev(host, "RCM", "RCM", 258, T + S(back + 0.19), UD(("listenerName", "RDP-Tcp")))
    conn = msl.Conn(c, cl, host, T - S(0.82), 50112, 0, target)
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(0.82, 2308)
    return Story("rdp-service-down", conn, last, HOST_LOGS, blocked=[(T - S(14.3), T + S(back + 1))],
                 notes="TermService crashed 14 s before the attempt (SCM 7031) and ran again 46 s after it "
                       "(7036 TermService/4, RCM 258)")


def rdp_service_down_stopped(c, host, cl, T, target):
    stop = c.rng("svc-stop").uniform(25, 90)
    back = c.rng("svc-back").uniform(120, 400)
    c.ev(host, "System", "SCM", 7036, T - S(stop + 0.6),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "stopped"),
            ("#binary", msl.utf16hex("UmRdpService/1"))))
    c.ev(host, "System", "SCM", 7036, T - S(stop),
         ED(("param1", "Remote Desktop Services"), ("param2", "stopped"), ("#binary", msl.utf16hex("TermService/1"))))
    c.ev(host, "System", "SCM", 7036, T + S(back),
         ED(("param1", "Remote Desktop Services"), ("param2", "running"), ("#binary", msl.utf16hex("TermService/4"))))
    c.ev(host, "System", "SCM", 7036, T + S(back + 0.4),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "running"),
            ("#binary", msl.utf16hex("UmRdpService/4"))))
    c.ev(host, "RCM", "RCM", 258, T + S(back + 0.2), UD(("listenerName", "RDP-Tcp")))
    conn = msl.Conn(c, cl, host, T - S(1.04), 51377, 0, target)
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(1.04, 2308)
    return Story("rdp-service-down", conn, last, HOST_LOGS, blocked=[(T - S(stop + 1), T + S(back + 1))],
                 notes="Remote Desktop Services was stopped %d s before the attempt (7036 TermService/1) and only "
                       "running again %d s after it" % (stop, back))


def host_asleep(c, host, cl, T, target):
    sleep_t = T - S(c.rng("sleep").uniform(200, 900))
    wake_t = T + S(c.rng("wake").uniform(1200, 4000))
    c.blackout.append((host, sleep_t + host.skew, wake_t + host.skew + S(1.5)))
    c.ev(host, "System", "KP", 42, sleep_t,
         ED(("TargetState", "4"), ("EffectiveState", "4"), ("Reason", "7"), ("Flags", "0"), ("TransitionsToOn", "1")))
    c.ev(host, "System", "KP", 107, wake_t + S(0.41),
         ED(("TargetState", "4"), ("EffectiveState", "4"), ("WakeFromState", "4"),
            ("ProgrammedWakeTimeAc", "1601-01-01T00:00:00.000000000Z"), ("ProgrammedWakeTimeDc", "1601-01-01T00:00:00.000000000Z"),
            ("WakeRequesterTypeAc", "0"), ("WakeRequesterTypeDc", "0")))
    c.ev(host, "System", "PT", 1, wake_t + S(2.27),
         ED(("SleepTime", msl.fmt_ft9(sleep_t + host.skew + S(0.1237413))), ("WakeTime", msl.fmt_ft9(wake_t + host.skew - S(0.3518922))),
            ("SleepDuration", "412"), ("WakeDuration", "1186"), ("DriverInitDuration", "918"), ("BiosInitDuration", "1432"),
            ("HiberWriteDuration", "0"), ("HiberReadDuration", "0"), ("HiberPagesWritten", "0"), ("Attributes", "2181595416"),
            ("TargetState", "4"), ("EffectiveState", "4"), ("WakeSourceType", "0"), ("WakeSourceTextLength", "0"),
            ("WakeSourceText", ""), ("WakeTimerOwnerLength", "0"), ("WakeTimerContextLength", "0"),
            ("NoMultiStageResumeReason", "0"), ("WakeTimerOwner", ""), ("WakeTimerContext", "")))
    conn = msl.Conn(c, cl, host, T - S(21.3), 61877, 0, target)
    conn.c_start(ssl=False, hash_=False)
    last = conn.c_disc(21.3, 2308)
    return Story("host-asleep", conn, last, ("System", "LSM"), blocked=[(sleep_t - S(2), wake_t + S(5))],
                 notes="the host entered S3 sleep (Kernel-Power 42) before the attempt and resumed after it "
                       "(Power-Troubleshooter 1 SleepTime/WakeTime span the failure, Kernel-Power 107)")


def certificate_expired(c, host, cl, T, target):
    first = T - S(c.rng("cert").uniform(3 * 3600, 6 * 3600))
    for t in (first, T - S(1.0)):
        c.ev(host, "System", "RCMSYS", 1058, t, ED((None, "Access is denied.\r\n"), ("#binary", "")))
    modern = getattr(host, "modern", True)

    def attempt(conn, close_s=0.89):
        conn.h_reach(0.02, modern=modern)
        conn.h_close(close_s, "0", modern=modern)

    conn = msl.Conn(c, cl, host, T - S(0.93), 49852, 7, target)
    conn.c_start(hash_=False)
    attempt(conn)
    last = conn.c_disc(0.93, 2308)
    return Story("certificate-expired", conn, last, HOST_LOGS, blocked=[(first, INF)], others=attempt, survives=True,
                 notes="RCM 1058 (the expired self-signed certificate could not be replaced: Access is denied) hours "
                       "before and again at the attempt; the connection reached the listener and was closed with no logon")


def private_key_inaccessible(c, host, cl, T, target):
    onset = T - S(c.rng("key").uniform(1.5 * 3600, 3 * 3600))
    c.ev(host, "System", "RCMSYS", 1057, onset, ED((None, "Keyset does not exist\r\n"), ("#binary", "")))

    def attempt(conn):
        conn.h_reach(0.012)
        c.ev(host, "System", "Schannel", 36870, conn.t0 + S(0.0481),
             ED(("Type", "server"), ("ErrorCode", "0x8009030d"), ("ErrorStatus", "10001")))
        c.ev(host, "Core", "CORE", 139, conn.t0 + S(0.0493),
             ED(("ResultCode", "0x8009030d"), ("IPString", conn.client.ip)), act=conn.act_host)
        conn.h_close(0.0512)

    conn = msl.Conn(c, cl, host, T - S(0.61), 52144, 12, target)
    conn.c_start(hash_=False)
    attempt(conn)
    last = conn.c_disc(0.61, 2308)
    return Story("private-key-inaccessible", conn, last, HOST_LOGS, blocked=[(onset, INF)], others=attempt,
                 survives=True,
                 notes="Schannel 36870 (server credential private key, 0x8009030d / 10001) at the attempt right after "
                       "RCM 261/RdpCoreTS 131 from the client, RCM 1057 'Keyset does not exist' earlier")


def tls_mismatch(c, host, cl, T, target):
    conn = msl.Conn(c, cl, host, T - S(0.44), 63019, 41, target)
    conn.c_start(hash_=False)
    conn.h_reach(0.011)
    t = conn.t0 + S(0.0391)
    c.ev(host, "System", "Schannel", 36874, t, ED(("Protocol", "TLS 1.2")))
    c.ev(host, "System", "Schannel", 36888, t, ED(("AlertDesc", "40"), ("ErrorState", "1205")))
    c.ev(host, "Core", "CORE", 139, t + S(0.0004), ED(("ResultCode", "0x80090331"), ("IPString", cl.ip)), act=conn.act_host)
    conn.h_close(0.0412)
    last = conn.c_disc(0.44, 2308)
    return Story("tls-mismatch", conn, last, HOST_LOGS,
                 notes="Schannel 36874 (TLS 1.2, no common cipher suite) + 36888 (alert 40) at the attempt with "
                       "RCM 261 and RdpCoreTS 131/139 from this client only; other clients negotiate fine")


def nla_credssp(c, host, cl, T, target):
    conn = msl.Conn(c, cl, host, T - S(2.31), 52611, 9, target)
    conn.c_start()
    conn.h_reach(0.012)
    a = conn.act_host
    c.security_4625(host, T - S(0.71), c.user, c.domain, "0xc000006d", "%%2313", "0xc000006a", "3", cl.ip,
                    str(conn.port), cl.computer)
    c.ev(host, "Core", "CORE", 140, T - S(0.69), ED(("IPString", cl.ip)), act=a)
    c.ev(host, "Core", "CORE", 143, T - S(0.05), ED(("error", "64")), act=a)
    c.ev(host, "Core", "CORE", 226, T - S(0.0498),
         ED(("StateTransition", "RDP_TCP"), ("PreviousState", "23"), ("PreviousStateName", "StateUnknown"),
            ("NewState", "21"), ("NewStateName", "StateDisconnected"), ("Event", "43"),
            ("EventName", "Event_Disconnect"), ("ErrorCode", "0x80070040")), act=a)
    conn.h_close(2.31 - 0.048, "14")
    last = conn.c_disc(2.31, 2308)
    return Story("nla-credssp", conn, last, HOST_LOGS,
                 notes="Security 4625 LogonType 3 (0xc000006d/0xc000006a) for the user from the client's address and "
                       "RdpCoreTS 140 for that address after 261/131, no RCM 1149")


def logon_rights(c, host, cl, T, target):
    conn = msl.Conn(c, cl, host, T - S(3.17), 50977, 23, target)
    conn.c_start()
    conn.h_reach(0.011)
    conn.h_auth_ok(1.27, c.user, c.domain, 4)
    c.security_4625(host, T - S(0.38), c.user, c.domain, "0xc000015b", "%%2308", "0x0", "10", cl.ip, "0",
                    host.computer.split(".")[0], proc=host.logon_proc)
    conn.h_close(3.09)
    last = conn.c_disc(3.17, 2308)
    return Story("logon-rights", conn, last, HOST_LOGS,
                 notes="RCM 1149 for the user from the client's address, then Security 4625 LogonType 10 Status "
                       "0xc000015b (logon type not granted) and no LSM 21")


def profile_corrupt(c, host, cl, T, target):
    conn = msl.Conn(c, cl, host, T - S(14.6), 58320, 31, target)
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_auth_ok(1.42, c.user, c.domain, 3)
    conn.h_logon(2.47, "%s\\%s" % (c.domain, c.user), 3, "0x2b7d41e", shell=False)
    t = conn.t0 + S(2.81)
    uid = dict(uid=c.user_sid)
    hive = "C:\\Users\\%s\\NTUSER.DAT" % c.user
    c.ev(host, "UPS", "UPS", 1, t, ED(("Session", "3")))
    c.ev(host, "Application", "UPS", 1508, t + S(0.41),
         ED(("Error", "The configuration registry database is corrupt. "), ("File", hive)), **uid)
    c.ev(host, "Application", "UPS", 1502, t + S(0.42), ED(("Error", "The configuration registry database is corrupt. ")), **uid)
    c.ev(host, "Application", "UPS", 1515, t + S(1.96), ED(), **uid)
    c.ev(host, "Application", "UPS", 1511, t + S(4.37), ED(), **uid)
    c.ev(host, "Application", "UPS", 1500, t + S(7.02), ED(("Error", "The configuration registry database is corrupt. ")), **uid)
    c.ev(host, "UPS", "UPS", 2, t + S(7.1), ED(("Session", "3")))
    down = "%s\\%s" % (c.domain, c.user)
    c.ev(host, "LSM", "LSM", 24, T - S(0.44), UD(("User", down), ("SessionID", "3"), ("Address", cl.ip)), act=conn.act_host)
    conn.h_close(14.2)
    c.ev(host, "Security", "SEC", 4634, T + S(0.62), ED(("TargetUserSid", c.user_sid), ("TargetUserName", c.user),
                                                       ("TargetDomainName", c.domain), ("TargetLogonId", "0x2b7d41e"),
                                                       ("LogonType", "10")), act=c.sec_act)
    c.ev(host, "LSM", "LSM", 23, T + S(1.15), UD(("User", down), ("SessionID", "3")), act=conn.act_host)
    last = conn.c_disc(14.6, 2308)
    return Story("profile-corrupt", conn, last, HOST_LOGS + ("Application", "UPS"),
                 notes="1149 -> 4624 type 10 -> LSM 21 for the user, then User Profiles Service 1508 (NTUSER.DAT), 1502, "
                       "1515, 1511, 1500 and LSM 24/23 with no LSM 22")


def client_side(c, host, cl, T, target):
    conn = msl.Conn(c, cl, host, T - S(38.3), 60442, 18, target)
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_auth_ok(1.18, c.user, c.domain, 5)
    conn.c_connected(1.31, host.ip, None, c.domain)
    conn.h_logon(1.74, "%s\\%s" % (c.domain, c.user), 5, "0x3a0c5f2")
    c.ev(cl, "Client", "CAX", 1027, conn.t0 + S(3.95), ED(("DomainName", c.domain), ("SessionId", "5")), act=conn.act_client, uid="USER")
    conn.c_226(38.29, "ssl")
    last = conn.c_disc(38.3, 2308, multi=True)
    down = "%s\\%s" % (c.domain, c.user)
    c.ev(host, "LSM", "LSM", 40, T + S(0.18), UD(("Session", "5"), ("Reason", "0")), act=conn.act_host)
    c.ev(host, "LSM", "LSM", 24, T + S(0.31), UD(("User", down), ("SessionID", "5"), ("Address", cl.ip)), act=conn.act_host)
    c.ev(host, "Core", "CORE", 102, T + S(0.19), ED(), act=conn.act_host)
    c.ev(host, "Core", "CORE", 103, T + S(0.1902), ED(("ReasonCode", "0")), act=conn.act_host)
    return Story("client-side", conn, last, HOST_LOGS,
                 notes="the host shows a complete healthy connection for this client (261, 131, 1149, 4624 type 10, LSM "
                       "21/22) that ends within a second of the client's 1026 2308 (LSM 40 reason 0, 24), no host errors; "
                       "the client logs RDPClient_SSL 226 first")


def _sleep_record(c, host, t):
    c.ev(host, "System", "KP", 42, t,
         ED(("TargetState", "4"), ("EffectiveState", "4"), ("Reason", "7"), ("Flags", "0"), ("TransitionsToOn", "1")))


def recovered_host_silent(c, host, cl, T, target):
    """The host slept hours before and is running again, but the export lost its resume records
    (Kernel-Power 107 and Power-Troubleshooter 1); a middlebox closes the attempt."""
    sleep_t = T - S(c.rng("recovered").uniform(3 * 3600, 5 * 3600))
    _sleep_record(c, host, sleep_t)
    story = network_path_silent(c, host, cl, T, target)
    story.notes = ("Kernel-Power 42 (sleep) %.1f h before the failure and no resume record (the export lost Kernel-Power "
                   "107 and Power-Troubleshooter 1), yet the host wrote records since (other users' sessions, its "
                   "logs' own background records): it was running; " % ((T - sleep_t) / S(3600)) + story.notes)
    return story


def restarted_service_silent(c, host, cl, T, target):
    """TermService was stopped hours before and started again; the export holds the stop but not
    the start (a filtered System export), while the listener's and the stack's records of other
    users' connections since show it running; a middlebox closes the attempt."""
    stop = T - S(c.rng("restarted").uniform(2 * 3600, 4 * 3600))
    c.ev(host, "System", "SCM", 7036, stop - S(0.6),
         ED(("param1", "Remote Desktop Services UserMode Port Redirector"), ("param2", "stopped"),
            ("#binary", msl.utf16hex("UmRdpService/1"))))
    c.ev(host, "System", "SCM", 7036, stop,
         ED(("param1", "Remote Desktop Services"), ("param2", "stopped"), ("#binary", msl.utf16hex("TermService/1"))))
    c.ev(host, "RCM", "RCM", 258, stop + S(95.3), UD(("listenerName", "RDP-Tcp")))
    story = network_path_silent(c, host, cl, T, target)
    story.notes = ("TermService stopped (7036) %.1f h before the failure with no 'running' record in the export, but RCM "
                   "258 and other users' RCM 261/RdpCoreTS 131/LSM 21 since show it running again; " % ((T - stop) / S(3600))
                   + story.notes)
    return story


def stale_certificate_silent(c, host, cl, T, target):
    """RCM 1058 (expired self-signed certificate not replaced) hours before, while the host keeps
    serving other users; the attempt itself never reaches the host: a middlebox closes it."""
    first = T - S(c.rng("stale-cert").uniform(3 * 3600, 6 * 3600))
    c.ev(host, "System", "RCMSYS", 1058, first, ED((None, "Access is denied.\r\n"), ("#binary", "")))
    story = network_path_silent(c, host, cl, T, target)
    story.notes = ("RCM 1058 (certificate not replaced: Access is denied) %.1f h before, but the attempt left no trace in "
                   "the host's RCM/RdpCoreTS logs, which hold other users' connections: a certificate cause needs the "
                   "attempt to reach the RDP stack; " % ((T - first) / S(3600)) + story.notes)
    return story


def tls_mismatch_on_stale_states(c, host, cl, T, target):
    """A TLS mismatch on a host whose logs also hold a stop of TermService and a sleep hours
    before, each without its way back (filtered export): only the TLS failure holds at the attempt."""
    stop = T - S(c.rng("mixed-stop").uniform(2 * 3600, 3 * 3600))
    c.ev(host, "System", "SCM", 7036, stop,
         ED(("param1", "Remote Desktop Services"), ("param2", "stopped"), ("#binary", msl.utf16hex("TermService/1"))))
    _sleep_record(c, host, stop - S(c.rng("mixed-sleep").uniform(1800, 3600)))
    story = tls_mismatch(c, host, cl, T, target)
    story.notes = ("a TermService stop and a sleep hours before, neither with its way back in the export, while other "
                   "users connect since; " + story.notes)
    return story


def _rescope_allow_rule(c, host, t, scope):
    """The built-in RDP allow rule re-scoped in one instant, as Windows logs a modification: a 2099
    with the rule inactive and a second 2099 in the same instant enabling it with the new
    RemoteAddresses (the field list of the real record A22/FW#148)."""
    for active, remote in (("0", "*"), ("1", scope)):
        c.ev(host, "FW", "FW", 2099, t,
             ED(("RuleId", "RemoteDesktop-UserMode-In-TCP"), ("RuleName", "Remote Desktop - User Mode (TCP-In)"),
                ("Origin", "1"), ("ApplicationPath", "C:\\Windows\\system32\\svchost.exe"), ("ServiceName", "termservice"),
                ("Direction", "1"), ("Protocol", "6"), ("LocalPorts", "3389"), ("RemotePorts", "*"), ("Action", "3"),
                ("Profiles", "2147483647"), ("LocalAddresses", "*"), ("RemoteAddresses", remote),
                ("RemoteMachineAuthorizationList", ""), ("RemoteUserAuthorizationList", ""),
                ("EmbeddedContext", "@FirewallAPI.dll,-28752"), ("Flags", "0"), ("Active", active), ("EdgeTraversal", "0"),
                ("LooseSourceMapped", "0"), ("SecurityOptions", "0"), ("ModifyingUser", "S-1-5-18"),
                ("ModifyingApplication", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe"), ("SchemaVersion", "543"),
                ("RuleStatus", "65536"), ("LocalOnlyMapped", "0"), ("PolicyAppId", "")))


def tls_mismatch_on_rescoped_rule(c, host, cl, T, target):
    """A TLS mismatch on a host whose RDP allow rule was re-scoped to the client's subnet days before:
    the rule was disabled and re-enabled in the same instant, so it is not "changed to block"."""
    pool = ".".join(cl.ip.split(".")[:3]) + ".0/255.255.255.0"
    change = T - S(c.rng("rescope").uniform(2 * 86400, 5 * 86400))
    _rescope_allow_rule(c, host, change, pool)
    story = tls_mismatch(c, host, cl, T, target)
    story.logs.append("FW")
    story.notes = ("the Remote Desktop allow rule was re-scoped to %s (2099 inactive, then 2099 active in the same "
                   "instant, days before), which holds the client's address %s: the firewall admits it; "
                   % (pool, cl.ip) + story.notes)
    return story


BLOCK_RULE_ID = "{6E0C1B4E-2F43-4F4B-9D0A-7A51C5D9B1A2}"


def tls_mismatch_after_deleted_block(c, host, cl, T, target):
    """A TLS mismatch on a host where a TCP/3389 block rule was pushed days before and deleted hours
    before the failure (2097, then 2006 for the same RuleId): the deleted rule no longer blocks."""
    onset = T - S(c.rng("del-onset").uniform(2 * 86400, 4 * 86400))
    _block_rule(c, host, onset, delete_allow=False)
    gone = T - S(c.rng("del-gone").uniform(2 * 3600, 6 * 3600))
    c.ev(host, "FW", "FW", 2006, gone,
         ED(("RuleId", BLOCK_RULE_ID), ("RuleName", "Block inbound RDP (Tier-1 hardening)"), ("ModifyingUser", "S-1-5-18"),
            ("ModifyingApplication", "C:\\Windows\\System32\\svchost.exe")))
    story = tls_mismatch(c, host, cl, T, target)
    story.logs.append("FW")
    story.notes = ("a TCP/3389 block rule (2097, days before) was deleted hours before the failure (2006 with the same "
                   "RuleId): it no longer blocks; " + story.notes)
    return story


def network_path_allow_moved(c, host, cl, T, target):
    """The only RDP allow rule (the built-in TCP-In rule) moved to port 3390 hours before: the
    modification is logged as a 2099 with the rule inactive on 3389 and a second 2099 in the same
    instant enabling it on 3390. No enabled rule admits TCP 3389, so the default inbound action
    drops the client's SYNs; nothing reaches the RDP stack."""
    change = T - S(c.rng("moved").uniform(2 * 3600, 8 * 3600))
    for active, ports in (("0", "3389"), ("1", "3390")):
        c.ev(host, "FW", "FW", 2099, change,
             ED(("RuleId", "RemoteDesktop-UserMode-In-TCP"), ("RuleName", "Remote Desktop - User Mode (TCP-In)"),
                ("Origin", "1"), ("ApplicationPath", "C:\\Windows\\system32\\svchost.exe"), ("ServiceName", "termservice"),
                ("Direction", "1"), ("Protocol", "6"), ("LocalPorts", ports), ("RemotePorts", "*"), ("Action", "3"),
                ("Profiles", "2147483647"), ("LocalAddresses", "*"), ("RemoteAddresses", "*"),
                ("RemoteMachineAuthorizationList", ""), ("RemoteUserAuthorizationList", ""),
                ("EmbeddedContext", "@FirewallAPI.dll,-28752"), ("Flags", "0"), ("Active", active), ("EdgeTraversal", "0"),
                ("LooseSourceMapped", "0"), ("SecurityOptions", "0"), ("ModifyingUser", "S-1-5-18"),
                ("ModifyingApplication", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe"), ("SchemaVersion", "543"),
                ("RuleStatus", "65536"), ("LocalOnlyMapped", "0"), ("PolicyAppId", "")))
    dt_s = round(c.rng("moved-conn").uniform(20.5, 21.5), 2)
    conn = msl.Conn(c, cl, host, T - S(dt_s), c.rng("moved-port").randrange(49152, 65535), 0, target)
    conn.c_start(ssl=False, hash_=False)
    conn.c_226(dt_s - 0.02, "tcp")
    last = conn.c_disc(dt_s, 2308)
    return Story("network-path", conn, last, HOST_LOGS + ("FW",), blocked=[(change, INF)], survives=True,
                 notes="the only RDP allow rule (the built-in TCP-In rule) was moved to port 3390 hours before (2099 inactive "
                       "on 3389, then 2099 active on 3390 in the same instant): no enabled rule admits TCP 3389, the default "
                       "inbound action drops the client's SYNs and nothing reaches RCM 261/RdpCoreTS 131")


def logon_rights_public_only_block(c, host, cl, T, target):
    """A logon-rights failure on a host on the Domain profile (2010 NewProfile 1) that has a TCP/3389
    block rule for the Public profile only (2097 Profiles 4): the rule does not apply."""
    onset = T - S(c.rng("pub-onset").uniform(2 * 86400, 4 * 86400))
    c.ev(host, "FW", "FW", 2010, onset - S(c.rng("pub-profile").uniform(600, 3600)),
         ED(("InterfaceGuid", "1BB91F68-BFFE-4DA6-9930-AEC7B60FF3B2"), ("InterfaceName", "ethernet_32769"),
            ("OldProfile", "2147483649"), ("NewProfile", "1")))
    _block_rule(c, host, onset, delete_allow=False, profiles="4")
    story = logon_rights(c, host, cl, T, target)
    story.logs.append("FW")
    story.notes = ("a TCP/3389 block rule for the Public profile only (2097 Profiles 4, days before) does not apply: the "
                   "host's interface is on the Domain profile (2010 NewProfile 1); " + story.notes)
    return story


STORIES = {
    "network-path": network_path_firewall,
    "network-path/silent": network_path_silent,
    "rdp-service-down": rdp_service_down_crash,
    "rdp-service-down/stopped": rdp_service_down_stopped,
    "host-asleep": host_asleep,
    "certificate-expired": certificate_expired,
    "private-key-inaccessible": private_key_inaccessible,
    "tls-mismatch": tls_mismatch,
    "nla-credssp": nla_credssp,
    "logon-rights": logon_rights,
    "profile-corrupt": profile_corrupt,
    "client-side": client_side,
    "network-path/vpn-block": network_path_vpn_block,
    "inconclusive/office-client-vpn-block": office_client_vpn_block,
    "network-path/recovered-host": recovered_host_silent,
    "network-path/restarted-service": restarted_service_silent,
    "network-path/stale-certificate": stale_certificate_silent,
    "tls-mismatch/stale-states": tls_mismatch_on_stale_states,
    "tls-mismatch/rescoped-rule": tls_mismatch_on_rescoped_rule,
    "tls-mismatch/deleted-block-rule": tls_mismatch_after_deleted_block,
    "network-path/allow-moved": network_path_allow_moved,
    "logon-rights/public-only-block": logon_rights_public_only_block,
}


def user_session(c, host, cl, person, t0, duration_s, reason, conn_no, session_id, target):
    """A healthy session of the case's own user seen from both sides, ended cleanly (1026 reason 1–3)."""
    conn = msl.Conn(c, cl, host, t0, c.rng("own-port").randrange(49152, 65535), conn_no, target)
    conn.c_start()
    conn.h_reach(0.012)
    conn.h_auth_ok(1.2, person.sam, person.domain, session_id)
    conn.c_connected(1.33, host.ip, None, person.domain)
    conn.h_logon(1.8, person.down, session_id, "0x%x" % c.rng("own-logon").randrange(0x1000000, 0x8000000))
    c.ev(cl, "Client", "CAX", 1027, t0 + S(3.9), ED(("DomainName", person.domain), ("SessionId", str(session_id))),
         act=conn.act_client, uid="USER")
    end = t0 + S(duration_s)
    a = conn.act_host
    if reason == 1:      # the user closed the window: the session stays, disconnected
        c.ev(host, "LSM", "LSM", 40, end + S(0.2), UD(("Session", str(session_id)), ("Reason", "0")), act=a)
        c.ev(host, "LSM", "LSM", 24, end + S(0.3), UD(("User", person.down), ("SessionID", str(session_id)), ("Address", cl.ip)), act=a)
    elif reason == 2:    # the user logged off from the Start menu
        c.ev(host, "LSM", "LSM", 40, end - S(0.3), UD(("Session", str(session_id)), ("Reason", "12")), act=a)
        c.ev(host, "LSM", "LSM", 23, end + S(2.1), UD(("User", person.down), ("SessionID", str(session_id))), act=a)
    else:                # an administrator or the idle limit disconnected the session on the server
        c.ev(host, "LSM", "LSM", 40, end - S(0.2), UD(("Session", str(session_id)), ("Reason", "3")), act=a)
        c.ev(host, "LSM", "LSM", 24, end - S(0.1), UD(("User", person.down), ("SessionID", str(session_id)), ("Address", cl.ip)), act=a)
    conn.h_close(duration_s + 0.05, str(reason))
    conn.c_disc(duration_s, reason, multi=True)
    return conn

