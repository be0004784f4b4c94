import EventImport
import Foundation
import SigmaKit
import Testing

/// Rule loading: documents, metadata, correlation rules, non-Sigma files and diagnostics.
struct RuleLoaderTests {
    static let twoDocuments = """
        title: First
        id: 11111111-1111-4111-8111-111111111111
        name: first_rule
        status: stable
        level: medium
        description: The first rule.
        author: Test
        tags:
            - attack.t1078
        references:
            - https://example.invalid/1
        falsepositives:
            - Admins
        fields:
            - TargetUserName
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID: 4625
            condition: selection
        ---
        title: Second
        id: 22222222-2222-4222-8222-222222222222
        logsource:
            product: windows
            service: terminalservices-rdpclient
        detection:
            selection:
                EventID: 1026
            condition: selection
        """

    @Test func everyDocumentOfAMultiDocumentFileIsLoadedWithItsMetadata() {
        let catalog = TestSupport.load(Self.twoDocuments)
        #expect(catalog.diagnostics.isEmpty)
        #expect(catalog.rules.map(\.title) == ["First", "Second"])
        let first = catalog.rules[0]
        #expect(first.name == "first_rule")
        #expect(first.status == "stable")
        #expect(first.level == "medium")
        #expect(first.description == "The first rule.")
        #expect(first.tags == ["attack.t1078"])
        #expect(first.references == ["https://example.invalid/1"])
        #expect(first.falsePositives == ["Admins"])
        #expect(first.fields == ["TargetUserName"])
        #expect(first.logSource == LogSource(product: "windows", service: "security"))
        #expect(first.detection?.searchIdentifiers == ["selection"])
        #expect(catalog.rules[1].position.line == 24)
        #expect(catalog.rules[1].documentIndex == 1)
    }

    @Test func correlationRulesAreKeptWithANoteAndNotEvaluated() {
        let yaml = Self.twoDocuments + """

            ---
            title: Many failures then RDP
            id: 33333333-3333-4333-8333-333333333333
            name: failures_then_rdp
            correlation:
                type: temporal_ordered
                rules:
                    - first_rule
                    - 22222222-2222-4222-8222-222222222222
                group-by:
                    - Computer
                timespan: 5m
            level: high
            """
        let catalog = TestSupport.load(yaml)
        #expect(catalog.rules.count == 3)
        let correlation = catalog.rules[2]
        #expect(correlation.name == "failures_then_rdp")
        #expect(correlation.id == "33333333-3333-4333-8333-333333333333")
        #expect(correlation.correlation?.type == "temporal_ordered")
        #expect(correlation.correlation?.rules == ["first_rule", "22222222-2222-4222-8222-222222222222"])
        #expect(correlation.correlation?.groupBy == ["Computer"])
        #expect(correlation.correlation?.timespan == "5m")
        #expect(correlation.isEvaluated == false)
        let note = catalog.diagnostics.first { $0.code == .correlationRule }
        #expect(note?.severity == .note)
        #expect(note?.message.contains("not evaluated by the detection engine") == true)
        #expect(SigmaEngine(rules: catalog.rules).evaluatedRuleCount == 2)
    }

    @Test func yamlDocumentsWithoutDetectionOrCorrelationGetADiagnostic() {
        let catalog = TestSupport.load("title: Not a rule\nsomething: else\n")
        #expect(catalog.rules.isEmpty)
        #expect(catalog.diagnostics.map(\.code) == [.notSigma])
        #expect(catalog.diagnostics.first?.line == 1)
    }

    @Test func theCausesFolderIsSkippedAndOtherFilesAreReported() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sigmakit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("causes/tls"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sigma"), withIntermediateDirectories: true)
        try Self.twoDocuments.write(to: root.appendingPathComponent("sigma/rules.yml"), atomically: true, encoding: .utf8)
        try "cause: certificate\nevidence: []\n".write(
            to: root.appendingPathComponent("causes/tls/cert.yml"), atomically: true, encoding: .utf8)
        try "just: data\n".write(to: root.appendingPathComponent("other.yaml"), atomically: true, encoding: .utf8)
        try "# notes".write(to: root.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let catalog = RuleLoader().load(paths: [root.path])
        #expect(catalog.rules.count == 2)
        #expect(catalog.filesRead == 2)
        #expect(catalog.diagnostics.count == 1)
        #expect(catalog.diagnostics.first?.code == .notSigma)
        #expect(catalog.diagnostics.first?.source.hasSuffix("other.yaml") == true)
    }

    @Test func duplicateIDsAreErrorsAndTheSecondRuleIsNotLoaded() {
        let yaml = Self.twoDocuments.replacingOccurrences(of: "22222222-2222-4222-8222-222222222222", with: "11111111-1111-4111-8111-111111111111")
        let catalog = TestSupport.load(yaml)
        #expect(catalog.rules.map(\.title) == ["First"])
        let error = catalog.diagnostics.first { $0.code == .duplicateID }
        #expect(error?.severity == .error)
        #expect(error?.line == 24)
        #expect(error?.message.contains("test.yml:1") == true)
    }

    @Test func yamlSyntaxErrorsNameTheLineAndColumn() {
        let catalog = TestSupport.load("title: x\ndetection:\n    sel: [a, b\n    condition: sel\n")
        let error = catalog.diagnostics.first
        #expect(error?.code == .yamlSyntax)
        #expect(error?.severity == .error)
        #expect(error?.line != nil && error?.column != nil)
        #expect(error?.description.hasPrefix("test.yml:") == true)
    }

    @Test func duplicateKeysAreYAMLErrors() {
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        A: 1\n    sel:\n        A: 2\n    condition: sel"))
        #expect(catalog.diagnostics.contains { $0.code == .yamlSyntax && $0.message.contains("'sel'") })
        #expect(catalog.rules.isEmpty)
    }

    @Test func missingMandatoryPartsAreErrors() {
        let noTitle = TestSupport.load("logsource:\n    product: windows\ndetection:\n    a:\n        A: 1\n    condition: a\n")
        #expect(noTitle.rules.isEmpty)
        #expect(noTitle.diagnostics.contains { $0.code == .missingAttribute && $0.severity == .error })
        let noCondition = TestSupport.load(TestSupport.rule("    a:\n        A: 1"))
        #expect(noCondition.rules.isEmpty)
        #expect(noCondition.diagnostics.contains { $0.code == .missingAttribute && $0.message.contains("condition") })
        #expect(noCondition.rejectedRules == 1)
    }

    @Test func questionableMetadataIsAWarningAndTheRuleStillLoads() {
        // An unknown `level` is an error (SpecificationValidityTests); an id that is not a UUID is not.
        let yaml = TestSupport.rule("    a:\n        A: 1\n    condition: a")
            .replacingOccurrences(of: "id: 00000000-0000-4000-8000-000000000001", with: "id: not-a-uuid")
        let catalog = TestSupport.load(yaml)
        #expect(catalog.rules.count == 1)
        #expect(catalog.diagnostics.filter { $0.code == .invalidAttribute }.count == 1)
        #expect(catalog.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func unmappedLogSourcesLoadButAreNotEvaluated() {
        let catalog = TestSupport.load(
            TestSupport.rule("    a:\n        A: 1\n    condition: a", logsource: "    product: linux\n    service: auth"))
        #expect(catalog.rules.count == 1)
        #expect(catalog.rules[0].isEvaluated == false)
        let warning = catalog.diagnostics.first { $0.code == .unmappedLogSource }
        #expect(warning?.severity == .warning)
        #expect(warning?.line == 6)
    }

    @Test func invalidDetectionShapesAreErrors() {
        #expect(TestSupport.load(TestSupport.rule("    a:\n        A:\n            B: 1\n    condition: a")).diagnostics.contains { $0.code == .invalidDetection })
        #expect(TestSupport.load(TestSupport.rule("    a: []\n    condition: a")).diagnostics.contains { $0.code == .invalidDetection })
        #expect(TestSupport.load(TestSupport.rule("    a:\n        A: []\n    condition: a")).diagnostics.contains { $0.code == .invalidDetection })
    }

    @Test func sigmaFiltersAreAndedIntoTheRulesTheyName() {
        let yaml = Self.twoDocuments + """

            ---
            title: Ignore the jump host
            id: 44444444-4444-4444-8444-444444444444
            logsource:
                product: windows
                service: security
            filter:
                rules:
                    - first_rule
                    - 22222222-2222-4222-8222-222222222222
                    - 99999999-9999-4999-8999-999999999999
                jump:
                    Computer|startswith: 'JUMP-'
                condition: not jump
            """
        let catalog = TestSupport.load(yaml)
        #expect(catalog.filters.count == 1)
        #expect(catalog.rules[0].appliedFilters == ["44444444-4444-4444-8444-444444444444"])
        // The second rule's log source (terminalservices-rdpclient) is not the filter's.
        #expect(catalog.rules[1].appliedFilters.isEmpty)
        #expect(catalog.diagnostics.contains { $0.code == .filterApplied && $0.severity == .note })
        #expect(catalog.diagnostics.contains { $0.severity == .warning && $0.message.contains("the filter is not applied") })
        #expect(catalog.diagnostics.contains { $0.severity == .warning && $0.message.contains("99999999") })
        let engine = SigmaEngine(rules: catalog.rules)
        var failed = TestSupport.event(channel: "Security", eventID: 4625)
        #expect(engine.matchingRules(for: failed).map(\.title) == ["First"])
        failed.computer = "JUMP-01"
        #expect(engine.matchingRules(for: failed).isEmpty)
    }

    @Test func diagnosticsPrintLikeCompilerMessages() {
        let diagnostic = SigmaDiagnostic(.error, .unknownModifier, source: "r.yml", line: 3, column: 9, message: "unknown modifier 'x'")
        #expect(diagnostic.description == "r.yml:3:9: error: unknown modifier 'x' [unknown-modifier]")
    }
}
