import Diagnosis
import EventImport
import Foundation

/// The repository root (found from this file's path).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The project's rule pack, loaded once.
let rulePack: RulePack = RulePack.load(directory: repositoryRoot.appendingPathComponent("Rules").path)

/// Diagnoses a case on disk.
func diagnose(_ paths: [String], options: DiagnosisOptions = DiagnosisOptions()) -> (Diagnosis, CaseIndex) {
    let index = CaseIndex.build(paths: paths, engine: rulePack.engine)
    return (rulePack.diagnoser.diagnose(index, options: options), index)
}

/// Imports wevtutil-style XML text into events (as a host or client log file would be).
func events(_ xml: String, source: String) -> [WinEvent] {
    var result: [WinEvent] = []
    let importer = EventImporter(handlers: ImportHandlers(onEvent: { result.append($0) }))
    importer.importData(Array(xml.utf8), source: source)
    return result
}

/// Diagnoses in-memory events and documents.
func diagnose(events: [WinEvent], documents: [TextDocument] = [], options: DiagnosisOptions = DiagnosisOptions()) -> Diagnosis {
    let index = CaseIndex.build(events: events, documents: documents, engine: rulePack.engine)
    return rulePack.diagnoser.diagnose(index, options: options)
}

/// Builders of Windows-native event XML (wevtutil form) for small synthetic cases.
enum Make {
    static let ns = "http://schemas.microsoft.com/win/2004/08/events/event"

    static func event(
        provider: String, id: UInt32, channel: String, computer: String, time: String, record: Int,
        data: [(String, String)] = [], userData: [(String, String)]? = nil, activity: String? = nil, qualifiers: String? = nil,
        level: Int = 4
    ) -> String {
        let correlation = activity.map { "<Correlation ActivityID='{\($0)}'/>" } ?? "<Correlation/>"
        let eventID = qualifiers.map { "<EventID Qualifiers='\($0)'>\(id)</EventID>" } ?? "<EventID>\(id)</EventID>"
        var payload: String
        if let userData {
            payload = "<UserData><EventXML xmlns='Event_NS'>" + userData.map { "<\($0.0)>\($0.1)</\($0.0)>" }.joined() + "</EventXML></UserData>"
        } else {
            payload = "<EventData>" + data.map { $0.0.isEmpty ? "<Data>\($0.1)</Data>" : "<Data Name='\($0.0)'>\($0.1)</Data>" }.joined() + "</EventData>"
        }
        return "<Event xmlns='\(ns)'><System><Provider Name='\(provider)'/>\(eventID)<Version>0</Version><Level>\(level)</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='\(time)'/><EventRecordID>\(record)</EventRecordID>\(correlation)<Execution ProcessID='4' ThreadID='8'/><Channel>\(channel)</Channel><Computer>\(computer)</Computer><Security/></System>\(payload)</Event>"
    }

    static let clientChannel = "Microsoft-Windows-TerminalServices-RDPClient/Operational"
    static let clientProvider = "Microsoft-Windows-TerminalServices-ClientActiveXCore"
    static let coreChannel = "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"

    /// A client attempt: 1024 to `target` and 1026 with `reason`, one second apart.
    static func clientAttempt(computer: String, target: String, connect: String, disconnect: String, reason: Int = 2308) -> String {
        let activity = "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F"
        return [
            event(provider: clientProvider, id: 1024, channel: clientChannel, computer: computer, time: connect, record: 10,
                data: [("Name", "Server Name"), ("Value", target), ("CustomLevel", "Info")], activity: activity),
            event(provider: clientProvider, id: 1026, channel: clientChannel, computer: computer, time: disconnect, record: 11,
                data: [("Name", "Disconnect Reason"), ("Value", String(reason)), ("CustomLevel", "Info")], activity: activity),
        ].joined(separator: "\r\n")
    }

    /// A connection reaching the host's RDP stack (RdpCoreTS 131) from `ip`.
    static func stackConnection(computer: String, time: String, ip: String, record: Int) -> String {
        event(provider: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS", id: 131, channel: coreChannel, computer: computer,
            time: time, record: record, data: [("ConnType", "TCP"), ("ClientIP", "\(ip):52144")])
    }

    /// An ordinary System record, to give the host's System log a time range.
    static func systemNoise(computer: String, time: String, record: Int) -> String {
        event(provider: "Microsoft-Windows-Kernel-General", id: 16, channel: "System", computer: computer, time: time, record: record,
            data: [("FinalNameLength", "60")])
    }

    /// Schannel 36874: no cipher suite in common.
    static func noCommonCipher(computer: String, time: String, record: Int) -> String {
        event(provider: "Schannel", id: 36874, channel: "System", computer: computer, time: time, record: record,
            data: [("Protocol", "TLS 1.2")], level: 2)
    }

    // MARK: Host connections (record shapes as Windows writes them; see shared/reference/domain-events.md)

    static let rcmProvider = "Microsoft-Windows-TerminalServices-RemoteConnectionManager"
    static let rcmChannel = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"
    static let lsmProvider = "Microsoft-Windows-TerminalServices-LocalSessionManager"
    static let lsmChannel = "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"
    static let coreProvider = "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS"
    static let securityProvider = "Microsoft-Windows-Security-Auditing"

    /// `base` moved by `seconds`, as a `SystemTime` value.
    static func at(_ base: String, _ seconds: Double) -> String {
        (EventTimestamp(iso8601: base) ?? .epoch).adding(seconds: seconds).iso8601(fractionDigits: 7)
    }

    /// A record number that differs for every call site time (records need not be contiguous).
    static func record(_ time: String, _ salt: Int) -> Int {
        Int(((EventTimestamp(iso8601: time) ?? .epoch).ticks / 10_000) % 1_000_000) * 10 + salt
    }

    /// A connection reaching the host: RCM 261 and RdpCoreTS 131 under the connection's ActivityID.
    static func connectionOpens(host: String, at time: String, ip: String, activity: String, port: Int = 52144) -> [String] {
        [
            event(provider: rcmProvider, id: 261, channel: rcmChannel, computer: host, time: time, record: record(time, 1),
                userData: [("listenerName", "RDP-Tcp")], activity: activity),
            event(provider: coreProvider, id: 131, channel: coreChannel, computer: host, time: at(time, 0.001), record: record(time, 2),
                data: [("ConnType", "TCP"), ("ClientIP", "\(ip):\(port)")], activity: activity),
        ]
    }

    /// A healthy session: the connection, RCM 1149, Security 4624 type 10, LSM 21 and 22; when
    /// `endsAfter` is given, LSM 24 (disconnected) that many seconds after it opened.
    static func healthySession(
        host: String, at time: String, ip: String, user: String, activity: String, endsAfter: Double? = nil
    ) -> [String] {
        let hostName = String(host.prefix { $0 != "." })
        var records = connectionOpens(host: host, at: time, ip: ip, activity: activity)
        records += [
            event(provider: rcmProvider, id: 1149, channel: rcmChannel, computer: host, time: at(time, 1.2), record: record(time, 3),
                userData: [("Param1", user), ("Param2", "CORP"), ("Param3", ip)], activity: activity),
            event(provider: securityProvider, id: 4624, channel: "Security", computer: host, time: at(time, 1.8), record: record(time, 4),
                data: [("SubjectUserSid", "S-1-5-18"), ("TargetUserName", user), ("TargetDomainName", "CORP"), ("LogonType", "10"),
                    ("LogonProcessName", "User32 "), ("AuthenticationPackageName", "Negotiate"), ("WorkstationName", hostName),
                    ("IpAddress", ip), ("IpPort", "0")], activity: "27DE5D04-5C1B-0001-4B5D-DE271B5CDC01", level: 0),
            event(provider: lsmProvider, id: 21, channel: lsmChannel, computer: host, time: at(time, 1.9), record: record(time, 5),
                userData: [("User", "CORP\\\(user)"), ("SessionID", "5"), ("Address", ip)], activity: activity),
            event(provider: lsmProvider, id: 22, channel: lsmChannel, computer: host, time: at(time, 2.5), record: record(time, 6),
                userData: [("User", "CORP\\\(user)"), ("SessionID", "5"), ("Address", ip)], activity: activity),
        ]
        if let endsAfter {
            records.append(
                event(provider: lsmProvider, id: 24, channel: lsmChannel, computer: host, time: at(time, endsAfter), record: record(time, 7),
                    userData: [("User", "CORP\\\(user)"), ("SessionID", "5"), ("Address", ip)], activity: activity))
        }
        return records
    }

    /// Security 4625: a refused network logon (NLA), bad password.
    static func badPassword(host: String, at time: String, user: String, workstation: String, ip: String) -> String {
        event(provider: securityProvider, id: 4625, channel: "Security", computer: host, time: time, record: record(time, 8),
            data: [("SubjectUserSid", "S-1-0-0"), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", user), ("TargetDomainName", "CORP"),
                ("Status", "0xc000006d"), ("FailureReason", "%%2313"), ("SubStatus", "0xc000006a"), ("LogonType", "3"),
                ("LogonProcessName", "NtLmSsp "), ("AuthenticationPackageName", "NTLM"), ("WorkstationName", workstation),
                ("IpAddress", ip), ("IpPort", "0")], activity: "05D46084-9A5B-0000-B660-D4055B9AD801", level: 0)
    }

    /// RdpCoreTS 140: NLA rejected the credentials sent from `ip`.
    static func nlaRejected(host: String, at time: String, ip: String, activity: String) -> String {
        event(provider: coreProvider, id: 140, channel: coreChannel, computer: host, time: time, record: record(time, 9),
            data: [("IPString", ip)], activity: activity, level: 3)
    }

    /// Security 5152: WFP dropped an inbound packet to port 3389 from `ip`.
    static func packetDropped(host: String, at time: String, ip: String, port: Int, hostIP: String = "10.20.4.21") -> String {
        event(provider: securityProvider, id: 5152, channel: "Security", computer: host, time: time, record: record(time, 0),
            data: [("ProcessId", "0"), ("Application", "-"), ("Direction", "%%14592"), ("SourceAddress", ip), ("SourcePort", String(port)),
                ("DestAddress", hostIP), ("DestPort", "3389"), ("Protocol", "6"), ("FilterRTID", "84715"), ("LayerName", "%%14597"),
                ("LayerRTID", "13")], level: 0)
    }

    /// A client attempt with its own ActivityID: 1024, then (when `connected`) 1025 and 1027,
    /// then 1026 with `reason` `lasts` seconds later.
    static func clientAttempt(
        computer: String, target: String, at time: String, lasts: Double, reason: Int = 2308, connected: Bool = false,
        activity: String = "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F"
    ) -> [String] {
        var records = [
            event(provider: clientProvider, id: 1024, channel: clientChannel, computer: computer, time: time, record: 20,
                data: [("Name", "Server Name"), ("Value", target), ("CustomLevel", "Info")], activity: activity)
        ]
        if connected {
            records += [
                event(provider: clientProvider, id: 1025, channel: clientChannel, computer: computer, time: at(time, 1.4), record: 21,
                    activity: activity),
                event(provider: clientProvider, id: 1027, channel: clientChannel, computer: computer, time: at(time, 3.9), record: 22,
                    data: [("DomainName", "CORP"), ("SessionId", "5")], activity: activity),
            ]
        }
        records.append(
            event(provider: clientProvider, id: 1026, channel: clientChannel, computer: computer, time: at(time, lasts), record: 23,
                data: [("Name", "Disconnect Reason"), ("Value", String(reason)), ("CustomLevel", "Info")], activity: activity))
        return records
    }

    /// User Profile Service 1502: the user's registry hive could not be loaded (Application log).
    static func profileError(host: String, at time: String) -> String {
        event(provider: "Microsoft-Windows-User Profiles Service", id: 1502, channel: "Application", computer: host, time: time,
            record: record(time, 3), data: [("Error", "The process cannot access the file because it is being used by another process.")],
            level: 2)
    }

    /// LSM 23: a session logged off.
    static func logoff(host: String, at time: String, user: String, activity: String) -> String {
        event(provider: lsmProvider, id: 23, channel: lsmChannel, computer: host, time: time, record: record(time, 4),
            userData: [("User", "CORP\\\(user)"), ("SessionID", "7")], activity: activity)
    }

    /// SCM 7034: Remote Desktop Services terminated unexpectedly (English display name in param1).
    static func termServiceCrashed(host: String, at time: String) -> String {
        event(provider: "Service Control Manager", id: 7034, channel: "System", computer: host, time: time, record: record(time, 5),
            data: [("param1", "Remote Desktop Services"), ("param2", "1")], qualifiers: "49152", level: 2)
    }
}

