import EventImport
import Foundation
import Testing

/// The `.evtx` logs of SampleLogs (written by `scripts/evtx_writer.py` as Windows writes them:
/// chunks, template instances defined once per chunk, typed substitutions) read completely.
@Suite("EVTX logs in SampleLogs")
struct EvtxSampleLogsTests {
    /// Every `.evtx` file under SampleLogs, as paths relative to it.
    static let files: [String] = {
        let root = sampleLogsFolder.path
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".evtx") }.sorted()
    }()

    @Test func atLeastTwoCasesHoldEvtxLogs() {
        let cases = Set(Self.files.compactMap { $0.split(separator: "/").first.map(String.init) })
        #expect(cases.count >= 2, "cases with .evtx logs: \(cases.sorted())")
    }

    @Test(arguments: files)
    func everyRecordIsReadAsAnEventOfItsLog(file: String) throws {
        let result = importPaths([sampleLogsFolder.appendingPathComponent(file).path])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let events = result.events
        #expect(events.count > 10)
        // The records are numbered without a gap: none was skipped.
        let ids = events.compactMap(\.recordID)
        #expect(ids.count == events.count)
        if let first = ids.first, let last = ids.last {
            #expect(ids == Array(first...last))
        }
        // The file name is the channel, with "/" written as "%4" (as in winevt\Logs).
        let name = (file as NSString).lastPathComponent
        let channel = String(name.dropLast(".evtx".count)).replacingOccurrences(of: "%4", with: "/")
        #expect(events.allSatisfy { $0.channel == channel }, "channel \(channel)")
        #expect(Set(events.map(\.computer)).count == 1)
        // Typed System values rendered: a time, a provider, an event id.
        #expect(events.allSatisfy { !$0.provider.isEmpty && $0.eventID > 0 })
    }
}
