import SigmaKit
import Testing

/// Rules the Sigma specification calls invalid are errors (not loaded), never quietly reinterpreted.
struct SpecificationValidityTests {
    static func load(_ detection: String, level: String = "medium") -> RuleCatalog {
        let yaml = """
            title: t
            level: \(level)
            logsource: {product: windows, service: security}
            detection:
            \(detection)
              condition: selection
            """
        return RuleLoader().load(yaml: yaml, source: "invalid.yml")
    }

    @Test func nullInsideAListOfValuesIsAnError() {
        // The specification's own invalid example.
        let catalog = Self.load("  selection:\n    EventID: 4738\n    PasswordLastSet:\n      - null\n      - '%%1794'")
        #expect(catalog.rules.isEmpty)
        #expect(catalog.errorCount == 1)
        #expect(catalog.diagnostics.contains { $0.message.contains("null cannot be one value of a list") && $0.line == 7 })
    }

    @Test func nullAloneIsStillValid() {
        let catalog = Self.load("  selection:\n    EventID: 4738\n    PasswordLastSet: null")
        #expect(catalog.rules.count == 1)
        #expect(catalog.errorCount == 0)
    }

    @Test func allOnASingleValueIsAnError() {
        let catalog = Self.load("  selection:\n    CommandLine|contains|all: 'x'")
        #expect(catalog.rules.isEmpty)
        #expect(catalog.diagnostics.contains { $0.severity == .error && $0.message.contains("'all' needs a list of values") })
        let list = Self.load("  selection:\n    CommandLine|contains|all: ['x', 'y']")
        #expect(list.rules.count == 1 && list.errorCount == 0)
    }

    @Test func anUnknownLevelIsAnError() {
        let catalog = Self.load("  selection:\n    EventID: 1", level: "severe")
        #expect(catalog.rules.isEmpty)
        #expect(catalog.rejectedRules == 1)
        #expect(catalog.diagnostics.contains { $0.severity == .error && $0.message.contains("'level' 'severe'") && $0.line == 2 })
    }
}
