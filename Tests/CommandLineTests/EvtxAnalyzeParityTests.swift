import Foundation
import TestSupport
import Testing

/// `rdpcause analyze` on a case of binary `.evtx` logs gives the findings it gives on the XML
/// rendering of the same logs (issue 17, "done when").
@Suite(
    .enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"),
    .enabled(if: sharedCorpus != nil, "../shared/corpus/evtx is absent beside the repository"))
struct EvtxAnalyzeParityTests {
    /// A domain controller's logs that exist both as `.evtx` and as XML in the shared corpus.
    private static let machine = "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__"
    /// The logs of the case: the System log and the RDP stack's own log, where the server-side
    /// causes are found, plus the two session logs that place the attempt.
    private static let logs = [
        "System",
        "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational",
        "Microsoft-Windows-TerminalServices-LocalSessionManager-Operational",
        "Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational",
    ]
    /// The client's report: the host these logs come from, at a time inside the RdpCoreTS log's
    /// span (2020-09-19 03:20 to 03:57 UTC).
    private static let errorReport = """
        Remote Desktop Connection

        This computer can't connect to the remote computer.

        Error code: 0x904
        Extended error code: 0x7
        Remote computer: CITADEL-DC01.C137.local

        Timestamp (UTC): 09/19/20 03:40:12 AM

        """

    @Test func analyzeGivesTheSameFindingsForEvtxLogsAsForTheirXML() throws {
        let corpus = try #require(sharedCorpus)
        let scratch = try temporaryFolder("evtx-parity")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let evtxCase = try makeCase(in: scratch + "/evtx", from: corpus + "/evtx", extensions: [".evtx.zst"])
        let xmlCase = try makeCase(in: scratch + "/xml", from: corpus + "/real", extensions: [".xml.zst", ".xml"])

        let evtx = try RDPCauseCommand.run(["analyze", "--format", "json", evtxCase])
        let xml = try RDPCauseCommand.run(["analyze", "--format", "json", xmlCase])
        #expect(!evtx.timedOut && !xml.timedOut)
        #expect(evtx.status == xml.status, "exit \(evtx.status) for .evtx, \(xml.status) for XML: \(evtx.errorText)")
        let mine = try #require(try JSONSerialization.jsonObject(with: evtx.output) as? [String: Any])
        let theirs = try #require(try JSONSerialization.jsonObject(with: xml.output) as? [String: Any])
        // The case found the failure and weighed evidence, so the comparison is not of two empty answers.
        let failures = try #require(theirs["failures"] as? [[String: Any]], "\(xml.outputText)")
        let causes = failures.first?["causes"] as? [[String: Any]] ?? []
        #expect(causes.contains { !($0["evidence"] as? [Any] ?? []).isEmpty }, "\(xml.outputText)")

        let left = comparable(mine, caseFolder: evtxCase, extensions: [".evtx.zst"])
        let right = comparable(theirs, caseFolder: xmlCase, extensions: [".xml.zst", ".xml"])
        #expect(NSDictionary(dictionary: left).isEqual(to: right), "\(differences(left, right, at: "$"))")
    }

    /// A case folder `case` under `folder`: the logs (each in the first of `extensions` the
    /// corpus has) in a folder named after the host, and the client's error report.
    private func makeCase(in folder: String, from source: String, extensions: [String]) throws -> String {
        let root = folder + "/case"
        try FileManager.default.createDirectory(atPath: root + "/CITADEL-DC01", withIntermediateDirectories: true)
        for log in Self.logs {
            let suffix = try #require(
                extensions.first { FileManager.default.fileExists(atPath: "\(source)/\(Self.machine)\(log)\($0)") },
                "\(Self.machine)\(log) is not in \(source)")
            try FileManager.default.copyItem(
                atPath: "\(source)/\(Self.machine)\(log)\(suffix)", toPath: "\(root)/CITADEL-DC01/\(log)\(suffix)")
        }
        try Data(Self.errorReport.utf8).write(to: URL(fileURLWithPath: root + "/error.txt"))
        return root
    }

    /// The findings without what legitimately differs between the two inputs: when the case was
    /// analysed; where each event was read (the `line` of an evidence record read from a log is
    /// the record number in an `.evtx` and the line in an XML file); the input files' paths and
    /// extensions; and the `.evtx` reader's notes on records left in the chunks' free space,
    /// which an XML export does not hold.
    private func comparable(_ findings: [String: Any], caseFolder: String, extensions: [String]) -> [String: Any] {
        func clean(_ value: Any) -> Any {
            switch value {
            case var object as [String: Any]:
                object.removeValue(forKey: "analysedAt")
                if let source = object["source"] as? String, extensions.contains(where: { source.hasSuffix($0) }) {
                    object.removeValue(forKey: "line")
                }
                if let warnings = object["warnings"] as? [String] {
                    object["warnings"] = warnings.filter { !$0.contains("record(s) that are not part of the log") }
                }
                return object.mapValues(clean)
            case let array as [Any]:
                return array.map(clean)
            case let text as String:
                return extensions.reduce(text.replacingOccurrences(of: caseFolder, with: "CASE")) {
                    $0.replacingOccurrences(of: $1, with: ".LOG")
                }
            default:
                return value
            }
        }
        return (clean(findings) as? [String: Any]) ?? [:]
    }

    /// The first few paths where two JSON values differ, for the failure message.
    private func differences(_ left: Any, _ right: Any, at path: String) -> [String] {
        switch (left, right) {
        case let (left as [String: Any], right as [String: Any]):
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
                switch (left[key], right[key]) {
                case let (l?, r?): return differences(l, r, at: "\(path).\(key)")
                case (nil, _): return ["\(path).\(key): only in the XML findings"]
                case (_, nil): return ["\(path).\(key): only in the .evtx findings"]
                }
            }.prefix(20).map { $0 }
        case let (left as [Any], right as [Any]) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { differences($0.element.0, $0.element.1, at: "\(path)[\($0.offset)]") }
        default:
            return NSArray(array: [left]).isEqual(to: [right]) ? [] : ["\(path): \(left) (.evtx) vs \(right) (XML)"]
        }
    }
}
