import Foundation
import TestSupport
import Testing

/// The `.evtx` originals and their XML renderings beside the repository, or nil (said once).
let sharedCorpus: String? = {
    let shared = ProcessInfo.processInfo.environment["RDPCAUSE_SHARED"] ?? (RDPCauseCommand.repository + "/../shared")
    guard FileManager.default.fileExists(atPath: shared + "/corpus/evtx/SOURCES.md") else {
        FileHandle.standardError.write(Data("note: ../shared/corpus/evtx is absent beside the repository; the .evtx command tests are skipped\n".utf8))
        return nil
    }
    return shared + "/corpus"
}()

/// `rdpcause events` on a binary `.evtx` prints the NDJSON it prints for the log's XML rendering.
@Suite(
    .enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"),
    .enabled(if: sharedCorpus != nil, "../shared/corpus/evtx is absent beside the repository"))
struct EvtxEventsCommandTests {
    /// Logs whose values hit none of the GUID, empty-Data or FILETIME tolerances of `corpus/evtx/SOURCES.md`.
    @Test(arguments: [
        "EVTX-to-MITRE-Attack__ID7045-7036_PSexec_service_installation",
        "DFIRArtifactMuseum__Win10_RathbunVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational",
    ])
    func eventsPrintsTheSameNDJSONForTheEvtxAsForItsXML(name: String) throws {
        let corpus = try #require(sharedCorpus)
        let evtx = try RDPCauseCommand.run(["events", "\(corpus)/evtx/\(name).evtx.zst"])
        let xml = try RDPCauseCommand.run(["events", "\(corpus)/real/\(name).xml"])
        #expect(evtx.status == 0 && xml.status == 0)
        // Only the note that older records in the chunks' free space were not read.
        let problems = evtx.errorText.split(separator: "\n").filter { !$0.contains("that are not part of the log") }
        #expect(problems.isEmpty, "\(problems)")
        let mine = try objects(evtx.output)
        let theirs = try objects(xml.output)
        #expect(mine.count == theirs.count && !mine.isEmpty)
        for (left, right) in zip(mine, theirs) {
            var left = left
            var right = right
            // The origin names the .evtx record (record number, file offset) or the XML line.
            #expect((left.removeValue(forKey: "origin") as? [String: Any])?["source"] as? String == "\(corpus)/evtx/\(name).evtx.zst")
            right.removeValue(forKey: "origin")
            // SOURCES.md tolerance 1: the XML's SystemTime is cut to whole microseconds.
            let time = try #require(left.removeValue(forKey: "time") as? String)
            let xmlTime = try #require(right.removeValue(forKey: "time") as? String)
            #expect(time.prefix(26) == xmlTime.prefix(26) && time.count == 28)
            #expect(NSDictionary(dictionary: left).isEqual(to: right), "\(left) vs \(right)")
        }
    }

    private func objects(_ output: Data) throws -> [[String: Any]] {
        try output.split(separator: UInt8(ascii: "\n")).map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        }
    }
}
