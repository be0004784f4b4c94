import Foundation
import TestSupport
import Testing

/// A batch never loses findings: every case gets its own folder, a folder that cannot be written
/// fails the run, and the closing line counts what happened.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct BatchOutputTests {
    let samples = RDPCauseCommand.repository + "/SampleLogs"

    /// Two cases both named `case1`, in `work/a` and `work/b`.
    func twoCasesNamedAlike(in work: String) throws -> (String, String) {
        let first = work + "/a/case1"
        let second = work + "/b/case1"
        try FileManager.default.createDirectory(atPath: work + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/b", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: samples + "/client-side", toPath: first)
        try FileManager.default.copyItem(atPath: samples + "/host-asleep", toPath: second)
        return (first, second)
    }

    @Test func casesWithTheSameNameGetTwoFindingsFoldersAndTheLinesNameThem() throws {
        let work = try temporaryFolder("batch-names")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let (first, second) = try twoCasesNamedAlike(in: work)
        let run = try RDPCauseCommand.run(["analyze", "--output", work + "/out", first, second])
        #expect(run.status == 0, "\(run.outputText) \(run.errorText)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: work + "/out").sorted()
        #expect(folders.count == 2, "\(folders)")
        #expect(folders.first == "case1")
        let other = try #require(folders.last)
        #expect(other.hasPrefix("case1-") && other.count == "case1-".count + 8, "\(other)")
        let lines = run.outputText.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(first + ": ") && $0.hasSuffix("/out/case1/findings.{md,json,html}") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix(second + ": ") && $0.hasSuffix("/out/\(other)/findings.{md,json,html}") }, "\(lines)")
        for folder in folders {
            let json = try Data(contentsOf: URL(fileURLWithPath: work + "/out/" + folder + "/findings.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            #expect([first, second].contains(object["case"] as? String ?? ""), "\(folder): \(object["case"] ?? "none")")
        }
        #expect(lines.last == "2 cases: 2 cause found", "\(lines)")
    }

    @Test func findingsThatCannotBeWrittenFailTheRunWithoutASuccessLine() throws {
        let work = try temporaryFolder("batch-unwritable")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let (first, second) = try twoCasesNamedAlike(in: work)
        // A file where the first case's findings folder belongs: even root cannot write into it.
        try FileManager.default.createDirectory(atPath: work + "/out", withIntermediateDirectories: true)
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: work + "/out/case1"))
        let run = try RDPCauseCommand.run(["analyze", "--output", work + "/out", first, second])
        #expect(run.status == 73, "\(run.outputText) \(run.errorText)")
        #expect(!run.outputText.contains(first + ":"), "no success line for the unwritten case: \(run.outputText)")
        #expect(run.errorText.contains(first + ": findings not written to " + work + "/out/case1"), "\(run.errorText)")
        #expect(run.outputText.contains(second + ": cause-found"), "the other case is still written: \(run.outputText)")
        #expect(run.outputText.contains("2 cases: 2 cause found; 1 findings folder not written"), "\(run.outputText)")
    }

    @Test func everyJSONDocumentNamesItsCaseVersionAndTime() throws {
        let before = Date().addingTimeInterval(-2)
        let cases = [samples + "/client-side", samples + "/tls-mismatch.zip"]
        let run = try RDPCauseCommand.run(["analyze", "--format", "json"] + cases)
        let documents = run.outputText.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(documents.map { $0["case"] as? String ?? "" } == cases)
        for document in documents {
            #expect((document["rdpcauseVersion"] as? String)?.isEmpty == false)
            let time = try #require(document["analysedAt"] as? String)
            let parsed = try #require(ISO8601DateFormatter().date(from: time), "\(time)")
            #expect(parsed >= before.addingTimeInterval(-1) && parsed <= Date().addingTimeInterval(1))
        }
        #expect(run.errorText.split(separator: "\n").last == "2 cases: 2 cause found", "\(run.errorText)")
    }

    @Test func theBatchLineCountsVerdictsAndUnreadableFilesAndEachProblemIsPrintedOnce() throws {
        let work = try temporaryFolder("batch-line")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let run = try RDPCauseCommand.run(["analyze", "--output", work, samples + "/client-side", samples + "/inconclusive", "/nonexistent/case9"])
        #expect(run.status == 2)
        #expect(run.errorText.components(separatedBy: "/nonexistent/case9: error: no such file or folder").count == 2, "\(run.errorText)")
        #expect(
            run.outputText.split(separator: "\n").last == "3 cases: 1 cause found, 1 inconclusive, 1 input error; 1 unreadable file",
            "\(run.outputText)")
    }
}
