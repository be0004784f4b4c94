import Foundation
import TestSupport
import Testing

/// `rdpcause summary`: what broke most, per period, host, verdict and cause.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct SummaryCommandTests {
    /// A findings folder of four cases over two ISO weeks, and a ledger naming three of them.
    func findings(in work: String) throws -> String {
        let out = work + "/out"
        let cases: [(String, String, String, String?)] = [
            ("RT-1", "2026-11-30T09:00:00Z", "RDSH-01", "host-asleep"), ("RT-2", "2026-12-01T10:00:00Z", "RDSH-01", "host-asleep"),
            ("RT-3", "2026-12-07T11:00:00Z", "RDSH-02", "tls-mismatch"), ("RT-4", "2026-12-07T12:00:00Z", "RDSH-02", nil),
        ]
        var ledger = ""
        for (name, time, host, cause) in cases {
            try FileManager.default.createDirectory(atPath: out + "/" + name, withIntermediateDirectories: true)
            let verdict = cause == nil ? "inconclusive" : "cause-found"
            let causes = cause.map { "[{\"id\":\"\($0)\",\"status\":\"likely\"}]" } ?? "[{\"id\":\"host-asleep\",\"status\":\"possible\"}]"
            let json = "{\"schemaVersion\":1,\"case\":\"\(name).zip\",\"analysedAt\":\"\(time)\",\"verdict\":\"\(verdict)\",\"failures\":[{\"host\":\"\(host)\",\"causes\":\(causes)}]}"
            try json.write(toFile: out + "/" + name + "/findings.json", atomically: true, encoding: .utf8)
            if name != "RT-4" { ledger += "{\"hash\":\"\(name)\",\"state\":\"done\",\"caseName\":\"\(name)\",\"time\":\"\(time)\"}\n" }
        }
        try ledger.write(toFile: out + "/.rdpcause-ledger.jsonl", atomically: true, encoding: .utf8)
        return out
    }

    @Test func textCountsPerVerdictCauseHostAndWeek() throws {
        let work = try temporaryFolder("summary-text")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let run = try RDPCauseCommand.run(["summary", try findings(in: work)])
        #expect(run.status == 0, "\(run.errorText)")
        #expect(
            run.outputText == """
                4 cases
                by verdict: cause-found 3, inconclusive 1
                by cause: host-asleep 2, tls-mismatch 1
                by host: RDSH-01 2, RDSH-02 2
                2026-W49: 2 cases — host-asleep 2
                2026-W50: 2 cases — tls-mismatch 1, no cause 1

                """, "\(run.outputText)")
    }

    @Test func csvAndJSONGiveOneRowPerGroup() throws {
        let work = try temporaryFolder("summary-csv")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let out = try findings(in: work)
        let csv = try RDPCauseCommand.run(["summary", "--format", "csv", "--by", "day", out])
        #expect(
            csv.outputText.split(separator: "\r\n") == [
                "day,host,verdict,cause,count", "2026-11-30,RDSH-01,cause-found,host-asleep,1", "2026-12-01,RDSH-01,cause-found,host-asleep,1",
                "2026-12-07,RDSH-02,cause-found,tls-mismatch,1", "2026-12-07,RDSH-02,inconclusive,-,1",
            ], "\(csv.outputText)")
        let json = try RDPCauseCommand.run(["summary", "--format", "json", out])
        let object = try #require(try JSONSerialization.jsonObject(with: json.output) as? [String: Any])
        #expect(object["cases"] as? Int == 4)
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.count == 3)
        #expect(groups.first?["period"] as? String == "2026-W49" && groups.first?["count"] as? Int == 2, "\(groups)")
    }

    @Test func theLedgerCountsTheCasesItRecordsAsDone() throws {
        let work = try temporaryFolder("summary-ledger")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let out = try findings(in: work)
        let run = try RDPCauseCommand.run(["summary", out + "/.rdpcause-ledger.jsonl"])
        #expect(run.outputText.hasPrefix("3 cases\nby verdict: cause-found 3\n"), "\(run.outputText)")
    }

    @Test func aBrokenFindingsFileIsReportedWithExitTwo() throws {
        let work = try temporaryFolder("summary-broken")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let out = try findings(in: work)
        try "{ not json".write(toFile: out + "/RT-2/findings.json", atomically: true, encoding: .utf8)
        let run = try RDPCauseCommand.run(["summary", out])
        #expect(run.status == 2)
        #expect(run.errorText.contains("RT-2/findings.json: not a findings document"), "\(run.errorText)")
        #expect(run.outputText.hasPrefix("3 cases"))
    }
}
