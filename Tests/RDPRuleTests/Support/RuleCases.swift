import Testing

/// One synthetic event and the pack rules it must match, exactly.
struct RuleCase: Sendable, CustomTestStringConvertible {
    /// What the event is.
    let label: String
    /// The event as Windows-native XML (wevtutil shape).
    let xml: String
    /// The pack rules that must match; any other pack rule must not.
    let matches: Set<String>
    /// Rules this event is a deliberate near miss for (it resembles their events but must not match).
    let nearMissOf: Set<String>

    var testDescription: String { label }

    init(_ label: String, _ xml: String, matches: Set<String> = [], nearMissOf: Set<String> = []) {
        self.label = label
        self.xml = xml
        self.matches = matches
        self.nearMissOf = nearMissOf
    }
}

/// For every rule of the pack at least one event it must match and one near miss it must not.
enum RuleCases {
    typealias X = EventXML

    static let rdsDisplayName = "Remote Desktop Services"
    /// UTF-16LE "TermService/1" and "TermService/4" + NUL, as 7036 writes them.
    static let termServiceStoppedBinary = "5400650072006D0053006500720076006900630065002F0031000000"
    static let termServiceRunningBinary = "5400650072006D0053006500720076006900630065002F0034000000"

    static let all: [RuleCase] = client + host + security + services + power + certificates + schannel + groupPolicy + profile + firewall
        + windowsUpdate + gateway

    // MARK: - Client

    static let client: [RuleCase] = [
        RuleCase(
            "client 1024 connecting to a host name", X.clientNameValue(1024, "Server Name", "RDSH-01.corp.example"),
            matches: ["rdp_client_connect_attempt"], nearMissOf: ["rdp_client_disconnect", "rdp_client_server_address"]),
        RuleCase(
            "client 1026 disconnect reason 2308 (0x904)", X.clientNameValue(1026, "Disconnect Reason", "2308"),
            matches: ["rdp_client_disconnect"], nearMissOf: ["rdp_client_connect_attempt"]),
        RuleCase(
            "client 1026 disconnect reason 516 (0x204)", X.clientNameValue(1026, "Disconnect Reason", "516"),
            matches: ["rdp_client_disconnect"]),
        RuleCase(
            "1024 of another provider in the Application log",
            X.event(
                provider: "MsiInstaller", id: 1024, channel: "Application",
                payload: .eventData([("Name", "Server Name"), ("Value", "RDSH-01")])),
            nearMissOf: ["rdp_client_connect_attempt"]),
        RuleCase(
            "client 1102 multi-transport server address", X.clientNameValue(1102, "ServerAddress", "10.42.85.115"),
            matches: ["rdp_client_server_address"]),
        RuleCase(
            "client 1103 multi-transport connected", X.client(1103, .empty),
            nearMissOf: ["rdp_client_server_address", "rdp_client_connected"]),
        RuleCase("client 1025 connected", X.client(1025, .empty), matches: ["rdp_client_connected"]),
        RuleCase(
            "client 1029 user-name hash", X.client(1029, .eventData([("TraceMessage", "37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=-")])),
            matches: ["rdp_client_user_hash"], nearMissOf: ["rdp_client_connect_attempt"]),
        RuleCase(
            "client 1028 server supports SSL", X.client(1028, .eventData([("TraceMessage", "supported")])),
            nearMissOf: ["rdp_client_user_hash"]),
        RuleCase(
            "client 1105 multi-transport disconnected", X.client(1105, .empty),
            nearMissOf: ["rdp_client_connected", "rdp_client_disconnect"]),
        RuleCase(
            "client 1027 connected to domain",
            X.client(1027, .eventData([("DomainName", "CORP"), ("SessionId", "3")])),
            matches: ["rdp_client_session_established"]),
        RuleCase(
            "client 1028 server supports SSL", X.client(1028, .eventData([("TraceMessage", "supported")])),
            nearMissOf: ["rdp_client_session_established"]),
        RuleCase(
            "client 226 RDPClient_TCP TcpEventConnectionTimeout (StateTransitionName, Error Code)",
            X.client(
                226, level: 3,
                .eventData([
                    ("StateTransitionName", "RDPClient_TCP"), ("PreviousState", "1"),
                    ("PreviousStateName", "TcpStateConnectingTransport"), ("NewState", "11"),
                    ("NewStateName", "TcpStateDisconnected"), ("Event", "2"), ("EventName", "TcpEventConnectionTimeout"),
                    ("Error Code", "2147500036"),
                ])),
            matches: ["rdp_client_transport_timeout"], nearMissOf: ["rdp_client_ssl_error"]),
        RuleCase(
            "client 226 RDPClient_TCP TcpEventConnectionTimeout (StateTransition, ErrorCode)",
            X.client(
                226, level: 3,
                .eventData([
                    ("StateTransition", "RDPClient_TCP"), ("PreviousState", "1"),
                    ("PreviousStateName", "TcpStateConnectingTransport"), ("NewState", "11"),
                    ("NewStateName", "TcpStateDisconnected"), ("Event", "2"), ("EventName", "TcpEventConnectionTimeout"),
                    ("ErrorCode", "0x80004004"),
                ])),
            matches: ["rdp_client_transport_timeout"]),
        RuleCase(
            "client 226 RDPClient_TCP with another event (not a timeout)",
            X.client(
                226, level: 3,
                .eventData([
                    ("StateTransitionName", "RDPClient_TCP"), ("PreviousState", "6"), ("PreviousStateName", "TcpStateConnected"),
                    ("NewState", "11"), ("NewStateName", "TcpStateDisconnected"), ("Event", "9"),
                    ("EventName", "TcpEventDisconnect"), ("Error Code", "2147942464"),
                ])),
            nearMissOf: ["rdp_client_transport_timeout", "rdp_client_ssl_error"]),
        RuleCase(
            "client 226 RDPClient_SSL TsSslEventInvalidState (values of SZ/Client#7)",
            X.client(
                226, level: 3,
                .eventData([
                    ("StateTransitionName", "RDPClient_SSL"), ("PreviousState", "0"),
                    ("PreviousStateName", "TsSslStateDisconnected"), ("NewState", "0"),
                    ("NewStateName", "TsSslStateDisconnected"), ("Event", "25"), ("EventName", "TsSslEventInvalidState"),
                    ("Error Code", "2147549183"),
                ])),
            matches: ["rdp_client_ssl_error"], nearMissOf: ["rdp_client_transport_timeout"]),
        RuleCase(
            "server-side RdpCoreTS 226 RDP_SEC (not a client event)",
            X.core(
                226, level: 3,
                .eventData([
                    ("StateTransition", "RDP_SEC"), ("PreviousState", "3"), ("PreviousStateName", "StateConnected"),
                    ("NewState", "8"), ("NewStateName", "StateDisconnected"), ("Event", "14"),
                    ("EventName", "FEventCheckAndCompleteReadsFailed"), ("ErrorCode", "0x8007139f"),
                ])),
            nearMissOf: ["rdp_client_ssl_error", "rdp_client_transport_timeout"]),
    ]

    // MARK: - Host: RCM, RdpCoreTS, LSM

    static let host: [RuleCase] = [
        RuleCase("RCM 261 listener received a connection", X.rcm(261, [("listenerName", "RDP-Tcp")]), matches: ["rdp_listener_connection"]),
        RuleCase("RCM 258 listener started", X.rcm(258, [("listenerName", "RDP-Tcp")]), nearMissOf: ["rdp_listener_connection"]),
        RuleCase(
            "RCM 1149 user authentication succeeded",
            X.rcm(1149, [("Param1", "alice"), ("Param2", "CORP"), ("Param3", "10.20.30.40")]),
            matches: ["rdp_user_authenticated"]),
        RuleCase(
            "RCM-Admin 1158 accepted a connection (other channel)",
            X.event(
                provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager", id: 1158,
                channel: "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin", payload: .userData([("Param1", "")])),
            nearMissOf: ["rdp_user_authenticated", "rdp_listener_connection"]),
        RuleCase(
            "RdpCoreTS 131 accepted a TCP connection",
            X.core(131, .eventData([("ConnType", "TCP"), ("ClientIP", "10.20.30.40:57064")])),
            matches: ["rdp_stack_connection"]),
        RuleCase(
            "RdpCoreTS 65 connection created", X.core(65, .eventData([("ConnectionName", "RDP-Tcp#5")])),
            nearMissOf: ["rdp_stack_connection"]),
        RuleCase("RdpCoreTS 98 TCP connection established", X.core(98, .empty), matches: ["rdp_tcp_established"]),
        RuleCase(
            "RdpCoreTS 99 TCP connection failed", X.core(99, .eventData([("ResultCode", "0x80004005")])),
            nearMissOf: ["rdp_tcp_established"]),
        RuleCase(
            "RdpCoreTS 139 security layer error",
            X.core(139, level: 3, .eventData([("ResultCode", "0x80090304"), ("IPString", "194.61.24.102")])),
            matches: ["rdp_security_layer_error"], nearMissOf: ["rdp_nla_bad_credentials"]),
        RuleCase(
            "RdpCoreTS 140 bad user name or password", X.core(140, level: 3, .eventData([("IPString", "43.228.99.228")])),
            matches: ["rdp_nla_bad_credentials"], nearMissOf: ["rdp_security_layer_error"]),
        RuleCase(
            "LSM 21 session logon",
            X.lsm(21, [("User", "CORP\\alice"), ("SessionID", "3"), ("Address", "10.20.30.40")]),
            matches: ["rdp_session_logon"], nearMissOf: ["rdp_shell_start"]),
        RuleCase(
            "LSM 22 shell start", X.lsm(22, [("User", "CORP\\alice"), ("SessionID", "3"), ("Address", "10.20.30.40")]),
            matches: ["rdp_shell_start"], nearMissOf: ["rdp_session_logon"]),
        RuleCase(
            "LSM 23 session logoff", X.lsm(23, [("User", "CORP\\alice"), ("SessionID", "3")]),
            matches: ["rdp_session_logoff"], nearMissOf: ["rdp_session_disconnected"]),
        RuleCase(
            "LSM 24 session disconnected", X.lsm(24, [("User", "CORP\\alice"), ("SessionID", "3"), ("Address", "10.20.30.40")]),
            matches: ["rdp_session_disconnected"], nearMissOf: ["rdp_session_logoff", "rdp_session_reconnected"]),
        RuleCase(
            "LSM 25 session reconnected (empty Address)", X.lsm(25, [("User", "CORP\\alice"), ("SessionID", "2"), ("Address", "")]),
            matches: ["rdp_session_reconnected"], nearMissOf: ["rdp_session_disconnected"]),
        RuleCase(
            "LSM 41 begin session arbitration", X.lsm(41, [("User", "CORP\\alice"), ("SessionID", "3")]),
            nearMissOf: ["rdp_session_logon", "rdp_session_logoff"]),
        RuleCase(
            "LSM 40 reason 7 server denied the connection", X.lsm(40, [("Session", "3"), ("Reason", "7")]),
            matches: ["rdp_session_denied"]),
        RuleCase(
            "LSM 40 reason 9 insufficient privileges", X.lsm(40, [("Session", "3"), ("Reason", "9")]),
            matches: ["rdp_session_denied"]),
        RuleCase(
            "LSM 40 reason 10 fresh credentials required", X.lsm(40, [("Session", "3"), ("Reason", "10")]),
            matches: ["rdp_session_denied"]),
        RuleCase(
            "LSM 40 reason 11 disconnected by user", X.lsm(40, [("Session", "3"), ("Reason", "11")]),
            nearMissOf: ["rdp_session_denied"]),
        RuleCase(
            "LSM 40 reason 0xD0000001 (large value)", X.lsm(40, [("Session", "3"), ("Reason", "3489660929")]),
            nearMissOf: ["rdp_session_denied"]),
    ]

    // MARK: - Security and LsaSrv

    static let security: [RuleCase] = [
        RuleCase(
            "4624 LogonType 10", X.security(4624, [("TargetUserName", "alice"), ("LogonType", "10"), ("IpAddress", "10.20.30.40")]),
            matches: ["rdp_logon_success"], nearMissOf: ["logon_failure_rights"]),
        RuleCase(
            "4624 LogonType 3 (network)", X.security(4624, [("TargetUserName", "alice"), ("LogonType", "3"), ("IpAddress", "10.20.30.40")]),
            nearMissOf: ["rdp_logon_success"]),
        RuleCase(
            "4624 LogonType 7 from a remote address (not covered)",
            X.security(4624, [("TargetUserName", "alice"), ("LogonType", "7"), ("IpAddress", "10.20.30.40")]),
            nearMissOf: ["rdp_logon_success"]),
        RuleCase(
            "4625 type 3 bad password 0xc000006d/0xc000006a", X.failedLogon(status: "0xc000006d", subStatus: "0xc000006a"),
            matches: ["logon_failure_credentials"], nearMissOf: ["logon_failure_rights", "logon_failure_infrastructure"]),
        RuleCase(
            "4625 type 10 unknown user 0xc000006d/0xc0000064",
            X.failedLogon(status: "0xc000006d", subStatus: "0xc0000064", logonType: "10"),
            matches: ["logon_failure_credentials"], nearMissOf: ["logon_failure_rights"]),
        RuleCase(
            "4625 unknown user in Status (upper case) 0xC0000064/0x0", X.failedLogon(status: "0xC0000064", subStatus: "0x0"),
            matches: ["logon_failure_credentials"]),
        RuleCase(
            "4625 0xc000006d with another SubStatus 0xc0000071 (password expired, not a bad password)",
            X.failedLogon(status: "0xc000006d", subStatus: "0xc0000071"),
            matches: ["logon_failure_rights"], nearMissOf: ["logon_failure_credentials"]),
        RuleCase(
            "4625 type 10 0xc000015b logon type not granted", X.failedLogon(status: "0xc000015b", subStatus: "0x0", logonType: "10"),
            matches: ["logon_failure_rights"], nearMissOf: ["logon_failure_credentials", "logon_failure_infrastructure"]),
        RuleCase(
            "4625 0xc000006e/0xc0000072 account disabled", X.failedLogon(status: "0xc000006e", subStatus: "0xc0000072", logonType: "10"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 0xC0000234 account locked out (upper case)", X.failedLogon(status: "0xC0000234", subStatus: "0x0"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 0xc000006e/0xc0000224 must change password", X.failedLogon(status: "0xc000006e", subStatus: "0xc0000224"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 0xc000006e/0xc000006f logon hours", X.failedLogon(status: "0xc000006e", subStatus: "0xc000006f"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 0xc000006e/0xc0000070 workstation restriction", X.failedLogon(status: "0xc000006e", subStatus: "0xc0000070"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 0xc000006e/0xc0000193 account expired", X.failedLogon(status: "0xc000006e", subStatus: "0xc0000193"),
            matches: ["logon_failure_rights"]),
        RuleCase(
            "4625 Kerberos clock skew 0xc0000133", X.failedLogon(status: "0xc0000133", subStatus: "0x0"),
            matches: ["logon_failure_infrastructure"], nearMissOf: ["logon_failure_rights", "logon_failure_credentials"]),
        RuleCase(
            "4625 0xc000006d/0xc000005e no logon servers", X.failedLogon(status: "0xc000006d", subStatus: "0xc000005e"),
            matches: ["logon_failure_infrastructure"], nearMissOf: ["logon_failure_credentials"]),
        RuleCase(
            "4625 0xc000018c trust failure", X.failedLogon(status: "0xc000018c", subStatus: "0x0"),
            matches: ["logon_failure_infrastructure"]),
        RuleCase(
            "4625 0xC0000413 authentication firewall", X.failedLogon(status: "0xC0000413", subStatus: "0x0"),
            matches: ["logon_failure_infrastructure"]),
        RuleCase(
            "4625 0xc000006d/0x0 without a specific reason", X.failedLogon(status: "0xc000006d", subStatus: "0x0"),
            nearMissOf: ["logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure"]),
        RuleCase(
            "LsaSrv 6041 CredSSP version not permitted",
            X.system(
                "LsaSrv", guid: "{199fe037-2b82-40a9-82ac-e1d46c792b99}", sourceName: "LsaSrv", 6041, qualifiers: 0, level: 2,
                .eventData([(nil, "TERMSRV/74.118.139.108"), (nil, "4")], binary: "")),
            matches: ["credssp_version_mismatch"]),
        RuleCase(
            "LsaSrv 6038 NTLM audit", X.system("LsaSrv", sourceName: "LsaSrv", 6038, qualifiers: 0, .eventData([(nil, "")], binary: "")),
            nearMissOf: ["credssp_version_mismatch"]),
        RuleCase(
            "5152 inbound TCP 3389 dropped", X.wfp(5152, sourcePort: "59639", destPort: "3389"),
            matches: ["wfp_rdp_blocked"]),
        RuleCase(
            "5157 with 3389 as SourcePort (Microsoft's 5157 example layout)", X.wfp(5157, sourcePort: "3389", destPort: "49278"),
            matches: ["wfp_rdp_blocked"]),
        RuleCase(
            "5157 UDP 5353 blocked", X.wfp(5157, sourcePort: "5353", destPort: "5353", protocolNumber: "17"),
            nearMissOf: ["wfp_rdp_blocked"]),
        RuleCase(
            "5152 port 33890 (not 3389)", X.wfp(5152, sourcePort: "59639", destPort: "33890"),
            nearMissOf: ["wfp_rdp_blocked"]),
        RuleCase(
            "5156 connection to 3389 permitted", X.wfp(5156, sourcePort: "59639", destPort: "3389"),
            nearMissOf: ["wfp_rdp_blocked"]),
    ]

    // MARK: - Service Control Manager

    static let services: [RuleCase] = [
        RuleCase(
            "7036 Remote Desktop Services stopped", X.scm(7036, [rdsDisplayName, "stopped"], binary: termServiceStoppedBinary),
            matches: ["termservice_stopped"], nearMissOf: ["termservice_running", "termservice_crashed"]),
        RuleCase(
            "7036 TermService (short name) stopped, no Binary", X.scm(7036, ["TermService", "stopped"]),
            matches: ["termservice_stopped"]),
        RuleCase(
            "7036 Remote Desktop Services running", X.scm(7036, [rdsDisplayName, "running"], binary: termServiceRunningBinary),
            matches: ["termservice_running"], nearMissOf: ["termservice_stopped"]),
        RuleCase(
            "7036 UmRdpService (Remote Desktop Services UserMode Port Redirector) stopped",
            X.scm(
                7036, ["Remote Desktop Services UserMode Port Redirector", "stopped"],
                binary: "55006D0052006400700053006500720076006900630065002F0031000000"),
            nearMissOf: ["termservice_stopped"]),
        RuleCase(
            "7036 Remote Desktop Configuration running", X.scm(7036, ["Remote Desktop Configuration", "running"]),
            nearMissOf: ["termservice_running"]),
        RuleCase(
            "7034 Remote Desktop Services terminated unexpectedly", X.scm(7034, [rdsDisplayName, "1"], binary: ""),
            matches: ["termservice_crashed"]),
        RuleCase(
            "7031 Remote Desktop Services terminated, recovery action",
            X.scm(7031, [rdsDisplayName, "1", "60000", "1", "Restart the service"]),
            matches: ["termservice_crashed"]),
        RuleCase(
            "7023 TermService terminated with an error (short name, as real 7023s write)", X.scm(7023, ["TermService", "%%1053"]),
            matches: ["termservice_crashed"]),
        RuleCase(
            "7024 Remote Desktop Services service-specific error", X.scm(7024, [rdsDisplayName, "%%2148073478"]),
            matches: ["termservice_crashed"]),
        RuleCase(
            "7031 Print Spooler terminated", X.scm(7031, ["Print Spooler", "1", "5000", "1", "Restart the service"]),
            nearMissOf: ["termservice_crashed"]),
        RuleCase(
            "7040 Remote Desktop Services set to disabled", X.scm(7040, [rdsDisplayName, "demand start", "disabled", "TermService"]),
            matches: ["termservice_disabled"]),
        RuleCase(
            "7040 AxInstSV set to disabled", X.scm(7040, ["ActiveX Installer (AxInstSV)", "demand start", "disabled", "AxInstSV"]),
            nearMissOf: ["termservice_disabled"]),
        RuleCase(
            "7040 Remote Desktop Services set to auto start", X.scm(7040, [rdsDisplayName, "demand start", "auto start", "TermService"]),
            nearMissOf: ["termservice_disabled"]),
    ]

    // MARK: - Power

    static let kernelPower = "Microsoft-Windows-Kernel-Power"
    static let kernelPowerGUID = "{331c3b3a-2005-44c2-ac5e-77220c37d6b4}"
    static let kernelGeneral = "Microsoft-Windows-Kernel-General"
    static let kernelGeneralGUID = "{a68ca8b7-004f-d7b6-a698-07e2de0f1f5d}"

    static let power: [RuleCase] = [
        RuleCase(
            "Kernel-Power 42 entering sleep",
            X.system(
                kernelPower, guid: kernelPowerGUID, 42,
                .eventData([
                    ("TargetState", "4"), ("EffectiveState", "4"), ("Reason", "0"), ("Flags", "0"), ("TransitionsToOn", "1"),
                ])),
            matches: ["host_sleep"], nearMissOf: ["host_resume"]),
        RuleCase(
            "Kernel-Power 107 resumed from sleep",
            X.system(
                kernelPower, guid: kernelPowerGUID, 107,
                .eventData([("TargetState", "6"), ("EffectiveState", "5"), ("WakeFromState", "5")])),
            matches: ["host_resume"], nearMissOf: ["host_sleep"]),
        RuleCase(
            "Kernel-Power 506 entering Modern Standby",
            X.system(kernelPower, guid: kernelPowerGUID, 506, .eventData([("Reason", "7"), ("LidOpenState", "true")])),
            matches: ["host_standby_enter"], nearMissOf: ["host_standby_exit", "host_sleep"]),
        RuleCase(
            "Kernel-Power 507 exiting Modern Standby",
            X.system(kernelPower, guid: kernelPowerGUID, 507, .eventData([("Reason", "31"), ("SleepEntered", "true")])),
            matches: ["host_standby_exit"], nearMissOf: ["host_standby_enter", "host_resume"]),
        RuleCase(
            "Kernel-Power 105 power source change", X.system(kernelPower, guid: kernelPowerGUID, 105, .eventData([("AcOnline", "true")])),
            nearMissOf: ["host_resume", "host_sleep"]),
        RuleCase(
            "Power-Troubleshooter 1 wake report",
            X.system(
                "Microsoft-Windows-Power-Troubleshooter", guid: "{cdc05e28-c449-49c6-b9d2-88cf761644df}", 1,
                .eventData([
                    ("SleepTime", "2026-06-12T17:36:35.9660880Z"), ("WakeTime", "2026-06-12T19:39:44.7604420Z"),
                    ("WakeSourceType", "0"), ("WakeSourceText", ""),
                ])),
            matches: ["host_wake_report"]),
        RuleCase(
            "Kernel-General 1 system time changed (same event ID, other provider)",
            X.system(
                kernelGeneral, guid: kernelGeneralGUID, 1,
                .eventData([("NewTime", "2026-06-12T19:40:00Z"), ("OldTime", "2026-06-12T19:41:00Z"), ("Reason", "2")])),
            nearMissOf: ["host_wake_report"]),
        RuleCase(
            "Kernel-General 12 OS started",
            X.system(kernelGeneral, guid: kernelGeneralGUID, 12, .eventData([("MajorVersion", "10"), ("StartTime", "2026-06-12T05:43:29.5000000Z")])),
            matches: ["host_boot"], nearMissOf: ["host_shutdown"]),
        RuleCase(
            "EventLog 6005 event log service started",
            X.system("EventLog", 6005, qualifiers: 32768, .eventData([(nil, "")], binary: "E7070A000300120005002B00310040030000000000000000")),
            matches: ["host_boot"], nearMissOf: ["host_shutdown"]),
        RuleCase(
            "EventLog 6013 uptime", X.system("EventLog", 6013, qualifiers: 32768, .eventData([(nil, "86400"), (nil, "0")])),
            nearMissOf: ["host_boot", "host_shutdown", "host_unexpected_reboot"]),
        RuleCase(
            "Kernel-General 13 OS shutting down",
            X.system(kernelGeneral, guid: kernelGeneralGUID, 13, .eventData([("StopTime", "2026-06-12T05:44:16.3019880Z")])),
            matches: ["host_shutdown"], nearMissOf: ["host_boot"]),
        RuleCase(
            "EventLog 6006 event log service stopped",
            X.system("EventLog", 6006, qualifiers: 32768, .eventData([(nil, "")], binary: "0100000000000000")),
            matches: ["host_shutdown"], nearMissOf: ["host_boot", "host_unexpected_reboot"]),
        RuleCase(
            "User32 1074 restart initiated (named params)",
            X.system(
                "User32", guid: "{b0aa8734-56f7-41cc-b2f4-de228e98b946}", sourceName: "User32", 1074, qualifiers: 32768,
                .eventData([
                    ("param1", "C:\\Windows\\system32\\winlogon.exe (RDSH-01)"), ("param2", "RDSH-01"),
                    ("param3", "Operating System: Upgrade (Planned)"), ("param4", "0x80020003"), ("param5", "restart"),
                    ("param6", ""), ("param7", "NT AUTHORITY\\SYSTEM"),
                ])),
            matches: ["host_shutdown"]),
        RuleCase(
            "USER32 1074 restart initiated (older log: upper-case source, unnamed Data)",
            X.system(
                "USER32", 1074, qualifiers: 32768,
                .eventData([(nil, "C:\\Windows\\system32\\winlogon.exe (RDSH-01)"), (nil, "RDSH-01"), (nil, "restart")])),
            matches: ["host_shutdown"]),
        RuleCase(
            "User32 1076 shutdown reason comment", X.system("User32", 1076, qualifiers: 32768, .eventData([(nil, "The reason")])),
            nearMissOf: ["host_shutdown"]),
        RuleCase(
            "Kernel-Power 41 rebooted without clean shutdown",
            X.system(
                kernelPower, guid: kernelPowerGUID, 41, level: 1,
                .eventData([("BugcheckCode", "0"), ("SleepInProgress", "0"), ("PowerButtonTimestamp", "0")])),
            matches: ["host_unexpected_reboot"]),
        RuleCase(
            "EventLog 6008 previous shutdown unexpected",
            X.system("EventLog", 6008, qualifiers: 32768, level: 2, .eventData([(nil, "12:50:29 PM"), (nil, "8/7/2020")])),
            matches: ["host_unexpected_reboot"]),
        RuleCase(
            "Kernel-Power 109 kernel initiated shutdown",
            X.system(kernelPower, guid: kernelPowerGUID, 109, .eventData([("ShutdownReason", "1")])),
            nearMissOf: ["host_unexpected_reboot", "host_shutdown"]),
    ]

    // MARK: - RCM certificate events in System

    static let certificates: [RuleCase] = [
        RuleCase(
            "RCM 1053 certificate expired", X.rcmSystem(1053, level: 2, ["RDP-Tcp"], binary: "2B54B958F6E4408187437EE647B582B9D82B78BB"),
            matches: ["rdp_cert_expired"], nearMissOf: ["rdp_cert_expired_not_replaced"]),
        RuleCase(
            "RCM 1055 certificate private key inaccessible", X.rcmSystem(1055, ["RDP-Tcp"]),
            matches: ["rdp_cert_key_inaccessible"]),
        RuleCase(
            "RCM 1056 self-signed certificate created (shape of SZ/System#561)",
            X.rcmSystem(1056, level: 4, ["RDSH-01"], binary: "2B54B958F6E4408187437EE647B582B9D82B78BB"),
            matches: ["rdp_cert_created"], nearMissOf: ["rdp_cert_create_failed"]),
        RuleCase(
            "RCM 1057 self-signed certificate creation failed", X.rcmSystem(1057, ["Keyset does not exist\r\n"]),
            matches: ["rdp_cert_create_failed"], nearMissOf: ["rdp_cert_created"]),
        RuleCase(
            "RCM 1058 expired certificate not replaced", X.rcmSystem(1058, ["Access is denied.\r\n"]),
            matches: ["rdp_cert_expired_not_replaced"], nearMissOf: ["rdp_cert_expired"]),
        RuleCase("RCM 1059 invalid certificate hash", X.rcmSystem(1059, level: 3, []), matches: ["rdp_cert_invalid_hash"]),
        RuleCase(
            "RCM 1050 security settings corrected", X.rcmSystem(1050, level: 3, ["RDP-Tcp", "Low", "SSL"]),
            matches: ["rdp_security_settings_corrected"]),
        RuleCase(
            "RCM 1067 SPN registration failed (shape of BK/System#986)",
            X.rcmSystem(1067, level: 3, ["The specified domain either does not exist or could not be contacted.\n"]),
            nearMissOf: [
                "rdp_cert_expired", "rdp_cert_key_inaccessible", "rdp_cert_created", "rdp_cert_create_failed",
                "rdp_cert_expired_not_replaced", "rdp_cert_invalid_hash", "rdp_security_settings_corrected",
            ]),
        RuleCase(
            "RCM 1056 in the RCM Operational channel (not System)", X.rcm(1056, [("Param1", "RDSH-01")]),
            nearMissOf: ["rdp_cert_created"]),
    ]

    // MARK: - Schannel and TermDD

    static let schannel: [RuleCase] = [
        RuleCase(
            "Schannel 36870 private key access failed",
            X.schannel(36870, [("Type", "server"), ("ErrorCode", "0x8009030d"), ("ErrorStatus", "10001")]),
            matches: ["schannel_private_key_access_failed"], nearMissOf: ["schannel_credential_creation_failed"]),
        RuleCase(
            "Schannel 36869 certificate without private key",
            X.schannel(36869, [("CallerProcessId", "812"), ("CallerProcessImageName", "C:\\Windows\\System32\\svchost.exe"), ("Type", "server")]),
            matches: ["schannel_cert_no_private_key"]),
        RuleCase(
            "Schannel 36871 credential creation failed", X.schannel(36871, [("Type", "server"), ("ErrorState", "10013")]),
            matches: ["schannel_credential_creation_failed"], nearMissOf: ["schannel_private_key_access_failed"]),
        RuleCase("Schannel 36886 no server credential", X.schannel(36886, []), matches: ["schannel_no_server_credential"]),
        RuleCase(
            "Schannel 36874 no common cipher (values of SZ/System#1730)", X.schannel(36874, [("Protocol", "TLS 1.2")]),
            matches: ["schannel_no_common_cipher"], nearMissOf: ["schannel_fatal_alert_sent"]),
        RuleCase(
            "Schannel 36888 fatal alert sent (values of SZ/System#1731)",
            X.schannel(36888, [("AlertDesc", "40"), ("ErrorState", "1205")]),
            matches: ["schannel_fatal_alert_sent"], nearMissOf: ["schannel_fatal_alert_received", "schannel_no_common_cipher"]),
        RuleCase(
            "Schannel 36887 fatal alert received", X.schannel(36887, [("AlertDesc", "46")]),
            matches: ["schannel_fatal_alert_received"], nearMissOf: ["schannel_fatal_alert_sent"]),
        RuleCase(
            "Schannel 36880 handshake completed", X.schannel(36880, [("Type", "server"), ("Protocol", "TLS 1.2")]),
            nearMissOf: [
                "schannel_private_key_access_failed", "schannel_cert_no_private_key", "schannel_credential_creation_failed",
                "schannel_no_server_credential", "schannel_no_common_cipher", "schannel_fatal_alert_sent",
                "schannel_fatal_alert_received",
            ]),
        RuleCase(
            "TermDD 56 security layer error (Fixtures shape)",
            X.system(
                "TermDD", 56, qualifiers: 49162, level: 2,
                .eventData(
                    [(nil, "\\Device\\Termdd"), (nil, "10.20.30.40")],
                    binary: "00000400020030000000000038000AC0000000003800000A00000000000000000000000000000000")),
            matches: ["termdd_protocol_error"]),
        RuleCase(
            "TermDD 50 X.224 protocol error",
            X.system("TermDD", 50, qualifiers: 49162, level: 2, .eventData([(nil, "\\Device\\Termdd"), (nil, "X.224")], binary: "00")),
            matches: ["termdd_protocol_error"]),
        RuleCase(
            "TermDD 57 other TermDD event", X.system("TermDD", 57, qualifiers: 49162, level: 2, .eventData([(nil, "\\Device\\Termdd")])),
            nearMissOf: ["termdd_protocol_error"]),
    ]

    // MARK: - Windows Update

    static let windowsUpdateGuid = "{945A8954-C147-4ACD-923F-40C45405A658}"

    /// A WindowsUpdateClient 19 with the EventData of the real records (Win10 APTSimulatorVM/System#182).
    static func updateInstalled(_ title: String, id: UInt32 = 19) -> String {
        X.system(
            "Microsoft-Windows-WindowsUpdateClient", guid: windowsUpdateGuid, id,
            .eventData([
                ("updateTitle", title), ("updateGuid", "86E50A9B-F08C-4178-AEE3-C4D4739B1A17"), ("updateRevisionNumber", "201"),
                ("serviceGuid", "9482F4B4-E343-43B6-B170-9A65BC822C77"),
            ]))
    }

    static let windowsUpdate: [RuleCase] = [
        RuleCase(
            "WindowsUpdateClient 19 cumulative update with its KB (shape of Win10 APTSimulatorVM/System#182)",
            updateInstalled("2026-09 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5066835)"),
            matches: ["client_update_installed"]),
        RuleCase(
            "WindowsUpdateClient 19 feature update (shape of artemis/System#223)", updateInstalled("Feature update to Windows 10, version 21H2"),
            matches: ["client_update_installed"]),
        RuleCase(
            "WindowsUpdateClient 19 Defender security intelligence update (daily, not a client change)",
            updateInstalled("Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.377.1032.0)"),
            nearMissOf: ["client_update_installed"]),
        RuleCase(
            "WindowsUpdateClient 19 Malicious Software Removal Tool", updateInstalled("Windows Malicious Software Removal Tool x64 - v5.98 (KB890830)"),
            nearMissOf: ["client_update_installed"]),
        RuleCase(
            "WindowsUpdateClient 19 Store app without a KB", updateInstalled("9WZDNCRFJBMP-MICROSOFT.WINDOWSSTORE"),
            nearMissOf: ["client_update_installed"]),
        RuleCase(
            "WindowsUpdateClient 43 installation started (not installed)",
            updateInstalled("2026-09 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5066835)", id: 43),
            nearMissOf: ["client_update_installed"]),
    ]

    // MARK: - Group Policy

    static let groupPolicyGuid = "{AEA1B4FA-97D1-45F2-A64C-4D69FFFD92C9}"
    /// The EventData of a real computer-policy 1502 (SZ/System#774).
    static let groupPolicyData: [(String?, String)] = [
        ("SupportInfo1", "1"), ("SupportInfo2", "3639"), ("ProcessingMode", "1"), ("ProcessingTimeInMilliseconds", "4640"),
        ("DCName", "\\\\DC01.corp.example"), ("NumberOfGroupPolicyObjects", "2"),
    ]

    static let groupPolicy: [RuleCase] = [
        RuleCase(
            "GroupPolicy 1502 computer policy with new settings applied (shape of SZ/System#774)",
            X.system("Microsoft-Windows-GroupPolicy", guid: groupPolicyGuid, 1502, .eventData(groupPolicyData)),
            matches: ["group_policy_computer_settings_applied"]),
        RuleCase(
            "GroupPolicy 1500 computer policy without changes",
            X.system("Microsoft-Windows-GroupPolicy", guid: groupPolicyGuid, 1500, .eventData(Array(groupPolicyData.dropLast()))),
            nearMissOf: ["group_policy_computer_settings_applied"]),
        RuleCase(
            "GroupPolicy 1503 user policy with new settings applied",
            X.system("Microsoft-Windows-GroupPolicy", guid: groupPolicyGuid, 1503, .eventData(groupPolicyData)),
            nearMissOf: ["group_policy_computer_settings_applied"]),
        RuleCase(
            "User Profiles Service 1502 in Application (same event id, another provider)",
            X.profileService(1502, [("Error", "The process cannot access the file because it is being used by another process.")]),
            matches: ["profile_load_failed"], nearMissOf: ["group_policy_computer_settings_applied"]),
    ]

    // MARK: - User Profile Service

    static let profile: [RuleCase] =
        [1500, 1502, 1508, 1509, 1515, 1542].map { id in
            RuleCase(
                "User Profiles Service \(id) in Application",
                X.profileService(
                    UInt32(id), [("Error", "The process cannot access the file because it is being used by another process."), ("File", "C:\\Users\\alice\\ntuser.dat")]),
                matches: ["profile_load_failed"], nearMissOf: ["profile_temporary"])
        } + [
            RuleCase(
                "User Profiles Service 1511 temporary profile", X.profileService(1511, level: 3, []),
                matches: ["profile_temporary"], nearMissOf: ["profile_load_failed"]),
            RuleCase(
                "User Profiles Service 1530 registry handles leaked",
                X.profileService(1530, level: 3, [("Detail", "1 user registry handles leaked from \\Registry\\User\\S-1-5-21-1-2-3-500")]),
                nearMissOf: ["profile_load_failed", "profile_temporary"]),
            RuleCase(
                "Event 1500 of another provider in Application",
                X.event(provider: "SNMP", id: 1500, level: 2, channel: "Application", payload: .eventData([(nil, "x")])),
                nearMissOf: ["profile_load_failed"]),
        ]

    // MARK: - Firewall

    static let firewall: [RuleCase] = [
        RuleCase(
            "FW 2004 block rule added for inbound TCP 3389",
            X.firewallRule(2004, ruleID: "{5E8C6E1A-1111-4B4B-9C9C-0123456789AB}", name: "Block RDP", action: "2", active: "1", profiles: "2147483647"),
            matches: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2097 block rule added for inbound TCP 3389,3390",
            X.firewallRule(2097, ruleID: "{5E8C6E1A-2222-4B4B-9C9C-0123456789AB}", name: "Deny remote admin", localPorts: "3389,3390", action: "2"),
            matches: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2073 rule modified to block inbound TCP 3389 (Windows 11)",
            X.firewallRule(2073, ruleID: "RemoteDesktop-UserMode-In-TCP", name: "Remote Desktop - User Mode (TCP-In)", action: "2"),
            matches: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2005 built-in Remote Desktop TCP-In rule disabled",
            X.firewallRule(2005, ruleID: "RemoteDesktop-UserMode-In-TCP", name: "Remote Desktop - User Mode (TCP-In)", active: "0"),
            matches: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"],
            nearMissOf: ["firewall_rdp_rule_deleted", "firewall_rule_deleted"]),
        RuleCase(
            "FW 2005 Remote Desktop UDP-In rule inactive (values of SZ/FW#66)",
            X.firewallRule(
                2005, ruleID: "RemoteDesktop-UserMode-In-UDP", name: "Remote Desktop - User Mode (UDP-In)", protocolNumber: "17", active: "0"),
            nearMissOf: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2005 Remote Desktop Shadow TCP rule inactive (LocalPorts *)",
            X.firewallRule(2005, ruleID: "RemoteDesktop-Shadow-In-TCP", name: "Remote Desktop - Shadow (TCP-In)", localPorts: "*", active: "0"),
            matches: ["firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed"]),
        RuleCase(
            "FW 2004 allow rule for TCP 3389 added inactive",
            X.firewallRule(2004, ruleID: "{112479D8-2609-4019-8832-D91123A617E9}", name: "Remote Desktop - User Mode (TCP-In)", active: "0", profiles: "3"),
            matches: ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking"]),
        RuleCase(
            "FW 2004 allow rule for TCP 3389 added active",
            X.firewallRule(2004, ruleID: "{112479D8-2609-4019-8832-D91123A617E9}", name: "Remote Desktop - User Mode (TCP-In)", profiles: "3"),
            matches: ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_deleted"]),
        RuleCase(
            "FW 2004 outbound block rule for TCP 3389",
            X.firewallRule(2004, ruleID: "{5E8C6E1A-3333-4B4B-9C9C-0123456789AB}", name: "Block outbound RDP", direction: "2", action: "2"),
            nearMissOf: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2004 inactive block rule for TCP 3389",
            X.firewallRule(2004, ruleID: "{5E8C6E1A-4444-4B4B-9C9C-0123456789AB}", name: "Block RDP", action: "2", active: "0"),
            matches: ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking"]),
        RuleCase(
            "FW 2099 RDP allow rule re-enabled with a VPN-pool scope",
            X.firewallRule(
                2099, ruleID: "RemoteDesktop-UserMode-In-TCP", name: "Remote Desktop - User Mode (TCP-In)",
                remoteAddresses: "10.250.0.0/255.255.0.0"),
            matches: ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking"]),
        RuleCase(
            "FW 2099 built-in Remote Desktop TCP-In rule disabled",
            X.firewallRule(2099, ruleID: "RemoteDesktop-UserMode-In-TCP", name: "Remote Desktop - User Mode (TCP-In)", active: "0"),
            matches: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2005 allow rule for TCP 3389 modified on another port list (3390)",
            X.firewallRule(2005, ruleID: "{5E8C6E1A-5555-4B4B-9C9C-0123456789AB}", name: "Remote admin", localPorts: "3390"),
            matches: ["firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_changed"]),
        RuleCase(
            "FW 2006 built-in Remote Desktop rule deleted",
            X.firewall(
                2006,
                [
                    ("RuleId", "RemoteDesktop-UserMode-In-TCP"), ("RuleName", "Remote Desktop - User Mode (TCP-In)"),
                    ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"),
                ]),
            matches: ["firewall_rdp_rule_deleted", "firewall_rule_deleted"], nearMissOf: ["firewall_rdp_rule_blocking"]),
        RuleCase(
            "FW 2052 Remote Desktop copy rule deleted (Windows 11, GUID id)",
            X.firewall(
                2052,
                [
                    ("RuleId", "{A194315E-68B3-4A44-A300-3F0189212D45}"), ("RuleName", "Remote Desktop - User Mode (UDP-In)"),
                    ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe"),
                    ("ErrorCode", "0"),
                ]),
            matches: ["firewall_rdp_rule_deleted", "firewall_rule_deleted"]),
        RuleCase(
            "FW 2006 built-in rule with a French name deleted",
            X.firewall(
                2006,
                [
                    ("RuleId", "RemoteDesktop-UserMode-In-TCP"), ("RuleName", "Bureau à distance - Mode utilisateur (TCP-Entrée)"),
                    ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"),
                ]),
            matches: ["firewall_rdp_rule_deleted", "firewall_rule_deleted"]),
        RuleCase(
            "FW 2006 another rule deleted",
            X.firewall(
                2006,
                [
                    ("RuleId", "{C0C56FAD-42D7-481C-862D-66130F1B2137}"), ("RuleName", "a1d6be5f-4d78-449c-9906-18aa28d2d5e5"),
                    ("ModifyingUser", "S-1-5-18"), ("ModifyingApplication", "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\setup.exe"),
                ]),
            matches: ["firewall_rule_deleted"], nearMissOf: ["firewall_rdp_rule_deleted"]),
        RuleCase(
            "FW 2003 firewall turned off for the domain profile",
            X.firewall(
                2003,
                [
                    ("Profiles", "1"), ("SettingType", "1"), ("SettingValueSize", "4"), ("SettingValue", "00000000"),
                    ("SettingValueString", "No"), ("Origin", "1"), ("ModifyingUser", "S-1-5-21-1-2-3-1111"),
                    ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"),
                ]),
            matches: ["firewall_disabled"]),
        RuleCase(
            "FW 2082 firewall turned off for the public profile (Windows 11)",
            X.firewall(
                2082,
                [
                    ("Profiles", "4"), ("SettingType", "1"), ("SettingValueSize", "4"), ("SettingValue", "00000000"),
                    ("SettingValueString", "No"), ("Origin", "1"), ("ModifyingUser", "S-1-5-21-1-2-3-1111"),
                    ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"), ("ErrorCode", "0"),
                ]),
            matches: ["firewall_disabled"]),
        RuleCase(
            "FW 2003 firewall turned on (values of E2M/ID2003-4950-Firewall_disabled#912)",
            X.firewall(
                2003,
                [
                    ("Profiles", "1"), ("SettingType", "1"), ("SettingValueSize", "4"), ("SettingValue", "01000000"),
                    ("SettingValueString", "Yes"), ("Origin", "1"), ("ModifyingUser", "S-1-5-21-4230534742-2542757381-3142984815-1111"),
                    ("ModifyingApplication", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe"),
                ]),
            nearMissOf: ["firewall_disabled"]),
        RuleCase(
            "FW 2003 another setting switched to No",
            X.firewall(
                2003,
                [
                    ("Profiles", "1"), ("SettingType", "2"), ("SettingValueSize", "4"), ("SettingValue", "00000000"),
                    ("SettingValueString", "No"), ("Origin", "1"), ("ModifyingUser", "S-1-5-18"),
                    ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"),
                ]),
            nearMissOf: ["firewall_disabled", "firewall_network_profile_changed"]),
        RuleCase(
            "FW 2010 network profile changed to Domain (values of SZ/FW#144)",
            X.firewall(
                2010,
                [
                    ("InterfaceGuid", "791D93FB-6EDF-4C65-B1B9-F8E46CFFEA73"), ("InterfaceName", "ethernet_10"),
                    ("OldProfile", "4"), ("NewProfile", "1"),
                ]),
            matches: ["firewall_network_profile_changed"], nearMissOf: ["firewall_rule_deleted", "firewall_inbound_rule_changed"]),
        RuleCase(
            "FW 2004 any-protocol inbound block rule with no port list",
            X.firewallRule(2004, ruleID: "{5E8C6E1A-6666-4B4B-9C9C-0123456789AB}", name: "Block all inbound", protocolNumber: "256", localPorts: "", action: "2"),
            matches: ["firewall_inbound_rule_changed"], nearMissOf: ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed"]),
    ]
}
