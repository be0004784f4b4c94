import Diagnosis
import EventImport
import Foundation
import SigmaKit
import Testing

/// A rule whose regular expression gives up on a case's events is reported in the diagnosis,
/// never counted silently as "no match" (issue 12).
@Suite("Rules not evaluated on a case")
struct RuleGapTests {
    /// A rule whose regular expression backtracks catastrophically on a long run of `a`.
    static let catastrophicRule = """
        title: Catastrophic pattern
        name: slow_rule
        logsource:
            product: windows
            service: system
        detection:
            selection:
                Param1|re: '^(a+)+$'
            condition: selection
        """

    @Test func aRegexThatGivesUpIsAWarningOfTheCase() throws {
        let catalog = RuleLoader().load(yaml: Self.catastrophicRule, source: "rules/slow.yml")
        let engine = SigmaEngine(rules: catalog.rules)
        let hostile = String(repeating: "a", count: 40) + "!"
        let xml = (1...3).map { Make.event(provider: "Service Control Manager", id: 7036, channel: "System", computer: "RDSH-01",
            time: "2026-06-12T19:4\($0):00.0000000Z", record: $0, data: [("param1", hostile)]) }.joined(separator: "\n")
        let index = CaseIndex.build(events: events(xml, source: "host/System.xml"), engine: engine)
        let warning = try #require(index.ruleDiagnostics.first)
        #expect(index.ruleDiagnostics.count == 1)
        #expect(warning.description.hasPrefix("rules/slow.yml:8:20: warning: rule 'Catastrophic pattern' was not evaluated on 3 event(s)"))
        #expect(warning.message.contains("first at host/System.xml:1"))
        let diagnosis = rulePack.diagnoser.diagnose(index)
        #expect(diagnosis.warnings.contains(warning.description))
    }
}
