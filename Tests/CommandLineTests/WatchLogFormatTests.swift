import Foundation
import TestSupport
import Testing

/// The drop-folder service as a service: a start-up line, and logs of one line per record that
/// journald and grep can take, whatever the input names and quarantine reasons hold.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct WatchLogFormatTests {
    /// A drop folder with a good case and an unreadable file whose name and content hold newlines.
    func dropFolder(in work: String) throws -> String {
        let drop = work + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RDPCauseCommand.repository + "/SampleLogs/tls-mismatch.zip", toPath: drop + "/RT-42.zip")
        try Data([0x78, 0x0A, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08] + Array(repeating: 0x01, count: 64)).write(
            to: URL(fileURLWithPath: drop + "/bad\nlevel=error msg=forged.bin"))
        return drop
    }

    @Test func logfmtRecordsAreOneLineEachWithAStartUpLine() throws {
        let work = try temporaryFolder("watch-logfmt")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let drop = try dropFolder(in: work)
        let run = try RDPCauseCommand.run(["watch", "--once", "--log-format", "logfmt", drop, "--output", work + "/out"])
        #expect(run.status == 0, "\(run.errorText)")
        let lines = run.errorText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.hasPrefix("time=") }, "\(run.errorText)")
        #expect(!lines.contains { $0.contains("level=error msg=forged") && !$0.contains("input=") }, "\(run.errorText)")
        let started = try #require(lines.first { $0.contains("msg=started") }, "\(run.errorText)")
        for field in ["watching=\(drop)", "output=\(work)/out", "workers=", "tickets=\"none configured\"", "quarantine=", "ledger="] {
            #expect(started.contains(field), "\(field): \(started)")
        }
        #expect(lines.contains { $0.contains("msg=\"input quarantined\"") && $0.contains("reason=\"nothing in the input could be read:") })
    }

    @Test func jsonRecordsAreOneObjectPerLine() throws {
        let work = try temporaryFolder("watch-json")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let drop = try dropFolder(in: work)
        let run = try RDPCauseCommand.run(["watch", "--once", "--log-format", "json", drop, "--output", work + "/out"])
        #expect(run.status == 0, "\(run.errorText)")
        let records = run.errorText.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(!records.isEmpty && records.allSatisfy { $0 != nil }, "\(run.errorText)")
        let messages = records.compactMap { $0?["msg"] as? String }
        #expect(messages.contains("started") && messages.contains("input quarantined") && messages.contains("case analysed"), "\(messages)")
        let quarantined = try #require(records.compactMap { $0 }.first { $0["msg"] as? String == "input quarantined" })
        #expect((quarantined["input"] as? String)?.contains("bad\\nlevel=error") == true, "\(quarantined)")
        let findings = try Data(contentsOf: URL(fileURLWithPath: work + "/out/RT-42/findings.json"))
        let object = try JSONSerialization.jsonObject(with: findings) as? [String: Any]
        #expect(object?["case"] as? String == "RT-42.zip")
        #expect(object?["analysedAt"] is String)
    }
}
