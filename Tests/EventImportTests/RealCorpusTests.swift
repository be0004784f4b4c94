import EventImport
import Foundation
import Testing

/// Real Windows records from `../shared/corpus/real` (read in place, never copied here).
@Suite("Real corpus", .enabled(if: sharedCorpusAvailable, "../shared/corpus/real is absent beside the repository"))
struct RealCorpusTests {
    /// Every corpus file with the event count its SOURCES.md records.
    static let expectedCounts: [(file: String, events: Int)] = {
        guard let shared = sharedFolder,
            let text = try? String(contentsOf: shared.appendingPathComponent("corpus/real/SOURCES.md"), encoding: .utf8)
        else { return [] }
        var result: [(String, Int)] = []
        var files: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("- files: ") {
                files = line.split(separator: "`").enumerated().compactMap { $0.offset % 2 == 1 ? String($0.element) : nil }
            } else if line.hasPrefix("- events: "), let count = Int(line.dropFirst(10).prefix { $0.isNumber }) {
                result += files.map { ($0, count) }
                files = []
            }
        }
        return result
    }()

    static func path(_ file: String) -> String {
        (sharedFolder ?? URL(fileURLWithPath: "/")).appendingPathComponent("corpus/real").appendingPathComponent(file).path
    }

    @Test func sourcesListsEveryFileOfTheCorpus() throws {
        let folder = try #require(sharedFolder).appendingPathComponent("corpus/real")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "SOURCES.md" }
        #expect(Set(onDisk) == Set(Self.expectedCounts.map(\.file)))
        #expect(Self.expectedCounts.count >= 160)
    }

    @Test(arguments: expectedCounts.map(\.file))
    func fileImportsWithTheRecordedEventCount(file: String) throws {
        let expected = try #require(Self.expectedCounts.first { $0.file == file }?.events)
        let result = importPaths([Self.path(file)])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.events.count == expected, "\(file)")
        let unexpectedWarnings = result.warnings.filter { $0.kind != .repairedCharacters }
        #expect(unexpectedWarnings.isEmpty, "\(unexpectedWarnings)")
    }

    @Test(arguments: [
        "DFIRArtifactMuseum__Win11_RathbunVM__Security.xml.zst",
        "DFIRArtifactMuseum__Win11_RathbunVM__Security.events.xml.zst",
        "omerbenamram-evtx__security.xml.zst",
        "omerbenamram-evtx__security.events.xml.zst",
    ])
    func controlCharactersAreRepairedWithAWarningNamingTheRecord(file: String) throws {
        let result = importPaths([Self.path(file)])
        let warning = try #require(result.warnings.first { $0.kind == .repairedCharacters })
        let record = file.hasPrefix("omer") ? 55 : 90
        #expect(warning.message.contains("record \(record)"))
        #expect(warning.line != nil)
        #expect(result.events.count == (file.hasPrefix("omer") ? 2261 : 6740))
        let repaired = try #require(result.events.first { $0.recordID == UInt64(record) })
        #expect(repaired.fields.contains { $0.value.contains("\u{FFFD}") })
    }

    @Test func schannelCipherMismatchRecordReadsExactly() throws {
        let result = importPaths([Self.path("DFIRArtifactMuseum__Win2012R2_StolenSzechuan__System.xml.zst")])
        let event = try #require(result.events.first { $0.recordID == 1730 })
        #expect(event.eventID == 36874)
        #expect(event.provider == "Schannel")
        #expect(event.channel == "System")
        #expect(event.computer == "CITADEL-DC01.C137.local")
        #expect(event.level == 2)
        #expect(event.fields == [EventField("Protocol", "TLS 1.2")])
        let alert = try #require(result.events.first { $0.recordID == 1731 })
        #expect(alert.eventID == 36888)
        #expect(alert.field("AlertDesc") == "40")
        #expect(alert.field("ErrorState") == "1205")
        #expect(alert.time.description == "2020-09-19T03:19:26.2995630Z")
    }

    @Test func termServiceStoppedRecordKeepsBinaryServiceState() throws {
        let result = importPaths([Self.path("DFIRArtifactMuseum__Win2012R2_StolenSzechuan__System.xml.zst")])
        let event = try #require(result.events.first { $0.recordID == 658 })
        #expect(event.eventID == 7036)
        #expect(event.qualifiers == 16384)
        #expect(event.eventSourceName == "Service Control Manager")
        #expect(event.fields == [EventField("param1", "Remote Desktop Services"), EventField("param2", "stopped")])
        #expect(event.binary == "5400650072006D0053006500720076006900630065002F0031000000")
        #expect(event.time.description == "2020-09-17T17:56:34.9793910Z")
    }

    @Test func legacyRemoteConnectionManagerCertificateRecordInSystemLog() throws {
        let result = importPaths([Self.path("DFIRArtifactMuseum__Win2012R2_StolenSzechuan__System.events.xml.zst")])
        let event = try #require(result.events.first { $0.recordID == 561 })
        #expect(event.eventID == 1056)
        #expect(event.qualifiers == 49152)
        #expect(event.level == 4)
        #expect(event.provider == "Microsoft-Windows-TerminalServices-RemoteConnectionManager")
        #expect(event.providerGUID == "C76BAA63-AE81-421C-B425-340B4B24157F")
        #expect(event.eventSourceName == "TermService")
        #expect(event.unnamedData == ["WIN-E0PO207ERMD"])
        #expect(event.binary == "2B54B958F6E4408187437EE647B582B9D82B78BB")
        #expect(event.processID == 0)
        #expect(event.time.description == "2020-09-17T17:15:38.0000000Z")
    }

    @Test func clientDisconnectRecordWithActivityID() throws {
        let result = importPaths([
            Self.path("DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RDPClient-Operational.xml")
        ])
        let event = try #require(result.events.first { $0.recordID == 9 })
        #expect(event.eventID == 1026)
        #expect(event.provider == "Microsoft-Windows-TerminalServices-ClientActiveXCore")
        #expect(event.fields == [EventField("Name", "Disconnect Reason"), EventField("Value", "2"), EventField("CustomLevel", "Info")])
        #expect(event.activityID == "59288327-6042-4B62-907A-3AF47A800000")
    }

    @Test func remoteConnectionManagerUserDataAndLocalSessionManagerEmptyAddress() throws {
        let rcm = importPaths([
            Self.path(
                "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml.zst")
        ])
        let auth = try #require(rcm.events.first { $0.recordID == 29322 })
        #expect(auth.eventID == 1149)
        #expect(auth.fields.map(\.name) == ["Param1", "Param2", "Param3"])
        #expect(auth.field("Param3") == "194.61.24.102")

        let lsm = importPaths([
            Self.path(
                "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml")
        ])
        let reconnect = try #require(lsm.events.first { $0.recordID == 46 })
        #expect(reconnect.eventID == 25)
        #expect(reconnect.field("Address") == "", "an empty Address stays empty, not absent")
        #expect(reconnect.fields.map(\.name) == ["User", "SessionID", "Address"])
    }
}
