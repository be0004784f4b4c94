import EventImport
import SigmaKit
import Testing

/// Conditions: `and`, `or`, `not`, parentheses, `1 of` / `all of` patterns and `them`, in any case.
struct ConditionTests {
    /// Search identifiers a (true), b (false), c (true), _hidden (false) and filter_1/filter_2.
    private func holds(_ condition: String, filter1: Bool = false, filter2: Bool = false) -> Bool {
        let event = TestSupport.event([("A", "1"), ("C", "1"), ("F1", filter1 ? "1" : "0"), ("F2", filter2 ? "1" : "0")])
        let detection = """
                a:
                    A: 1
                b:
                    B: 1
                c:
                    C: 1
                _hidden:
                    H: 1
                filter_1:
                    F1: 1
                filter_2:
                    F2: 1
                condition: \(condition)
            """
        let catalog = TestSupport.load(TestSupport.rule(detection))
        precondition(catalog.rules.count == 1, "\(catalog.diagnostics)")
        return !SigmaEngine(rules: catalog.rules).matchingRules(for: event).isEmpty
    }

    private func diagnostics(_ condition: String) -> [SigmaDiagnostic] {
        TestSupport.load(TestSupport.rule("    a:\n        A: 1\n    b:\n        B: 1\n    condition: \(condition)"))
            .diagnostics
    }

    @Test func andOrNot() {
        #expect(holds("a and c"))
        #expect(!holds("a and b"))
        #expect(holds("a or b"))
        #expect(!holds("b or _hidden"))
        #expect(holds("a and not b"))
        #expect(!holds("not a"))
        #expect(holds("not not a"))
    }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() {
        // a or (b and b): true; (a or b) and b would be false.
        #expect(holds("a or b and b"))
        // not b and a: (not b) and a.
        #expect(holds("not b and a"))
        // not (b or a) is false; (not b) or a is true.
        #expect(!holds("not (b or a)"))
    }

    @Test func parenthesesGroup() {
        #expect(!holds("(a or b) and b"))
        #expect(holds("(a or b) and (c or b)"))
        #expect(holds("((a))"))
    }

    @Test func oneOfAndAllOfPatterns() {
        #expect(!holds("1 of filter_*"))
        #expect(holds("1 of filter_*", filter2: true))
        #expect(!holds("all of filter_*", filter2: true))
        #expect(holds("all of filter_*", filter1: true, filter2: true))
        #expect(holds("a and not 1 of filter*"))
        #expect(holds("any of filter_*", filter1: true))
    }

    @Test func themLeavesOutUnderscoreIdentifiers() {
        #expect(holds("1 of them"))
        #expect(!holds("all of them"))
        // `all of them` over a, c only would hold; b and the filters make it fail, _hidden is not included.
        let event = TestSupport.event([("A", "1")])
        let catalog = TestSupport.load(
            TestSupport.rule("    a:\n        A: 1\n    _hidden:\n        H: 1\n    condition: all of them"))
        #expect(!SigmaEngine(rules: catalog.rules).matchingRules(for: event).isEmpty)
    }

    @Test func keywordsAreCaseInsensitive() {
        #expect(holds("a AND NOT b"))
        #expect(holds("1 OF filter_* OR a"))
        #expect(holds("ALL Of Them or a"))
        // Identifiers stay case-sensitive (they are YAML keys).
        #expect(diagnostics("A").contains { $0.code == .undefinedIdentifier && $0.message.contains("did you mean 'a'") })
    }

    @Test func aListOfConditionsIsOred() {
        let detection = "    a:\n        A: 1\n    b:\n        B: 1\n    condition:\n        - b\n        - a"
        #expect(TestSupport.matches(detection, TestSupport.event([("A", "1")])))
    }

    @Test func undefinedIdentifiersAreErrorsPointingAtTheName() {
        let found = diagnostics("a and selection")
        let error = found.first { $0.code == .undefinedIdentifier }
        #expect(error?.severity == .error)
        #expect(error?.line == 12)
        #expect(error?.column == 22)
        #expect(error?.message.contains("'selection'") == true)
        #expect(diagnostics("1 of sel*").contains { $0.code == .undefinedIdentifier })
    }

    @Test func syntaxErrorsAreReported() {
        #expect(diagnostics("a and").contains { $0.code == .conditionSyntax })
        #expect(diagnostics("(a or b").contains { $0.code == .conditionSyntax })
        #expect(diagnostics("a b").contains { $0.code == .conditionSyntax })
        #expect(diagnostics("2 of them").contains { $0.code == .conditionSyntax })
        #expect(diagnostics("a | count() > 5").contains { $0.code == .deprecatedSyntax && $0.severity == .error })
    }

    @Test func unusedIdentifiersAreWarnings() {
        let found = diagnostics("a")
        #expect(found.contains { $0.code == .unusedIdentifier && $0.severity == .warning && $0.message.contains("'b'") })
    }
}
