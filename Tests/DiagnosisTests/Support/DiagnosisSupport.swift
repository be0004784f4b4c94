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
}
