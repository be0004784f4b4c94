import EventImport
import Foundation
@testable import SigmaKit
import Testing

/// Hostile rule files end as positioned errors, never as a stack overflow, gigabytes of patterns,
/// or a regular expression that silently counts as "no match" (issue 12).
@Suite("Hostile rules")
struct HostileRuleTests {
    // MARK: - Condition depth

    /// 100,000 nested `(` or `not` overflowed the recursive-descent parser's stack (SIGSEGV).
    @Test(arguments: [
        String(repeating: "(", count: 100_000) + "sel" + String(repeating: ")", count: 100_000),
        String(repeating: "not ", count: 100_000) + "sel",
        String(repeating: "(not ", count: 50_000) + "sel" + String(repeating: ")", count: 50_000),
    ])
    func deeplyNestedConditionsAreErrors(condition: String) throws {
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        A: 1\n    condition: \(condition)"))
        #expect(catalog.rules.isEmpty)
        let error = try #require(catalog.diagnostics.first { $0.severity == .error })
        #expect(error.code == .conditionSyntax)
        #expect(error.message.contains("more than 64 levels deep"))
        #expect(error.source == "test.yml")
        #expect(error.line == 10)
        // The position is the token that went one level too deep.
        #expect(error.column.map { $0 > 16 } == true)
    }

    @Test func conditionsNestedToTheLimitStillLoad() {
        let condition = String(repeating: "(", count: 32) + String(repeating: "not ", count: 32) + "sel" + String(repeating: ")", count: 32)
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        A: 1\n    condition: \(condition)"))
        #expect(catalog.errorCount == 0, "\(catalog.diagnostics)")
        #expect(catalog.rules.count == 1)
    }

    // MARK: - Values per rule

    static func windashRule(values: Int) -> String {
        let list = (0..<values).map { "            - ' -a\($0) -b -c /d -e'" }.joined(separator: "\n")
        return TestSupport.rule("    sel:\n        CommandLine|windash|contains:\n\(list)\n    condition: sel")
    }

    /// `windash` on 2,000 values of five dashes each (a 60 KB file) made 6,250,000 patterns and
    /// aborted at 4 GB; 20 such values (62,500 patterns) show the per-rule cap without the memory.
    @Test(arguments: [20, 2_000])
    func windashExpansionIsCappedPerRule(values: Int) throws {
        let catalog = TestSupport.load(Self.windashRule(values: values))
        #expect(catalog.rules.isEmpty)
        let error = try #require(catalog.diagnostics.first { $0.severity == .error })
        #expect(error.code == .invalidValue)
        #expect(error.message.contains("more than 50000 values"))
        #expect(error.source == "test.yml" && error.line != nil && error.column != nil)
    }

    @Test func windashBelowTheCapStillLoads() {
        let catalog = TestSupport.load(Self.windashRule(values: 10))
        #expect(catalog.errorCount == 0, "\(catalog.diagnostics)")
        #expect(catalog.rules.count == 1)
    }

    @Test func base64offsetExpansionIsCappedPerRule() throws {
        let list = (0..<20_000).map { "            - v\($0)" }.joined(separator: "\n")
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        CommandLine|base64offset|contains:\n\(list)\n    condition: sel"))
        #expect(catalog.rules.isEmpty)
        #expect(catalog.diagnostics.contains { $0.severity == .error && $0.message.contains("more than 50000 values") })
    }

    @Test func placeholderExpansionIsCappedPerRule() throws {
        let values = (0..<50).map { "v\($0)" }
        let rule = TestSupport.rule("    sel:\n        CommandLine|expand: '%a%%b%%c%'\n    condition: sel")
        let catalog = TestSupport.load(rule, placeholders: ["a": values, "b": values, "c": values])
        #expect(catalog.rules.isEmpty)
        let error = try #require(catalog.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("more than 50000 values"))
        #expect(error.line == 9)
    }

    // MARK: - File size and nesting

    @Test func aRuleFileOverTheSizeLimitIsRefusedBeforeItIsParsed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // One 50 MB scalar used to be read, copied and handed to Yams whole.
        let big = "title: '" + String(repeating: "x", count: 50_000_000) + "'\n"
        try Data(big.utf8).write(to: folder.appendingPathComponent("big.yml"))
        try Data(TestSupport.rule("    sel:\n        A: 1\n    condition: sel").utf8).write(to: folder.appendingPathComponent("ok.yml"))
        let catalog = RuleLoader().load(paths: [folder.path])
        #expect(catalog.rules.count == 1)
        let error = try #require(catalog.diagnostics.first { $0.severity == .error })
        #expect(error.source.hasSuffix("big.yml"))
        #expect(error.code == .unreadable)
        #expect(error.message.contains("over the limit of 1048576 bytes"))
        #expect(RuleLoader().load(yaml: big, source: "big.yml").diagnostics.first?.message.contains("over the limit") == true)
    }

    @Test(arguments: [2_000, 100_000])
    func deeplyNestedYAMLIsAPositionedError(depth: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = TestSupport.rule("    sel:\n        A: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n    condition: sel")
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("deep.yml"))
        // Through the parallel file loader too: its worker threads have smaller stacks.
        let catalog = RuleLoader().load(paths: [folder.path])
        let error = try #require(catalog.diagnostics.first)
        #expect(error.code == .yamlSyntax)
        #expect(error.message.contains("nests deeper than libyaml's limit"))
        #expect(error.line == 9)
    }

    // MARK: - Regular expressions

    @Test(arguments: ["(a+)+", "^(a+)+$", "(.*)*", "(\\w+\\s?)*", "(?:x|(ab)+)*c", "((a)*b)+"])
    func nestedQuantifiersGetALintWarning(pattern: String) throws {
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        Value|re: '\(pattern)'\n    condition: sel"))
        #expect(catalog.rules.count == 1)
        let warning = try #require(catalog.diagnostics.first { $0.code == .regexBacktracking })
        #expect(warning.severity == .warning)
        #expect(warning.line == 9 && warning.column == 19)
        #expect(warning.message.contains("nested quantifiers"))
    }

    @Test(arguments: ["\\\\[a-z]+\\.exe$", "(?:0[0-9]{1,11}\\.){3}", "(-|/)e", "(?>a+)+", "(ab)+c", "a{2,}b+"])
    func otherPatternsGetNoWarning(pattern: String) {
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        Value|re: '\(pattern)'\n    condition: sel"))
        #expect(catalog.rules.count == 1)
        #expect(!catalog.diagnostics.contains { $0.code == .regexBacktracking })
    }

    @Test(arguments: [
        ("(a+)+", true, false, false), ("(a|aa)+", false, true, false), ("(a{1,20}){1,20}", false, false, true),
        ("(?>a+)+", false, false, false), ("a++b", false, false, false), ("[(a+)+]x", false, false, false),
        ("\\(a+\\)+", false, false, false),
    ])
    func backtrackingShapes(pattern: String, nested: Bool, alternation: Bool, bounded: Bool) {
        let shape = RegexBacktracking(pattern: pattern)
        #expect(shape.nestedQuantifier == nested)
        #expect(shape.repeatedAlternation == alternation)
        #expect(shape.boundedNesting == bounded)
    }

    static let catastrophicRule = TestSupport.rule("    sel:\n        Value|re: '^(a+)+$'\n    condition: sel")

    /// The pattern used to run about half a second per event and count as "no match", silently.
    @Test func aRegexThatGivesUpIsReportedAndNotRetriedOnTheInput() throws {
        let catalog = TestSupport.load(Self.catastrophicRule)
        let engine = SigmaEngine(rules: catalog.rules)
        let hostile = String(repeating: "a", count: 40) + "!"
        var gaps = EvaluationGaps()
        var matches = 0
        for value in [hostile, hostile, hostile, "aaaa"] {
            engine.forEachMatchIndex(in: TestSupport.event([("Value", value)]), gaps: &gaps) { _ in matches += 1 }
        }
        #expect(matches == 0)
        let gap = try #require(gaps.gaps.first)
        #expect(gaps.gaps.count == 1)
        // Evaluated once, then only counted: one budget for the whole input.
        #expect(gap.events == 4)
        #expect(gap.reason.contains("did not finish within 1000000 backtracking steps on a 41-character value"))
        let diagnostic = try #require(gaps.diagnostics(rules: engine.rules).first)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.code == .regexNotEvaluated)
        #expect(diagnostic.line == 9 && diagnostic.column == 19)
        #expect(diagnostic.message.contains("rule 'Test rule' was not evaluated on 4 event(s)"))
    }

    @Test func eachInputStartsWithTheRuleEvaluatedAgain() {
        let engine = SigmaEngine(rules: TestSupport.load(Self.catastrophicRule).rules)
        var first = EvaluationGaps()
        engine.forEachMatchIndex(in: TestSupport.event([("Value", String(repeating: "a", count: 40) + "!")]), gaps: &first) { _ in }
        var second = EvaluationGaps()
        var matched = false
        engine.forEachMatchIndex(in: TestSupport.event([("Value", "aaaa")]), gaps: &second) { _ in matched = true }
        #expect(!first.isEmpty)
        #expect(second.isEmpty)
        #expect(matched)
    }

    @Test(arguments: [
        ("(a|aa)+$", String(repeating: "a", count: 60) + "!"),
        ("^\\w*\\w*\\w*\\w*\\w*x", String(repeating: "a", count: 200)),
        ("^(?:a{1,20}){1,20}$", String(repeating: "a", count: 200) + "!"),
        (".*.*.*=.*", String(repeating: "a", count: 3_000)),
        ("a.*a.*b", String(repeating: "a", count: 20_000)),
    ])
    func everyCostlyShapeGivesUpWithinItsBudget(pattern: String, value: String) throws {
        let matcher = try RegexMatcher(pattern: pattern, options: [])
        guard case .gaveUp(let failure) = matcher.evaluate(value) else {
            Issue.record("\(pattern) did not give up")
            return
        }
        #expect(!failure.engineError)
        #expect(failure.valueLength == value.utf16.count)
    }

    @Test(arguments: [
        ("(a+)+$", "xaaab", false), ("(a+)+$", "xaaa", true), ("(?m)^foo", "x\nfoo", true), ("^foo", "xfoo", false),
        ("(?<=x)foo", "axfoo", true), ("(\\w+)-\\1", "ab-ab", true), ("(\\w+)-\\1", "ab-cd", false),
        ("\\\\[a-z]+\\.exe$", String(repeating: "z", count: 5_000) + "\\cmd.exe", true),
        ("(?x) a b # comment", String(repeating: "z", count: 2_000) + "ab", true),
        ("(?x) a b # comment", String(repeating: "z", count: 2_000) + "a b", false),
    ])
    func budgetedRunsFindTheSameMatches(pattern: String, value: String, expected: Bool) throws {
        let matcher = try RegexMatcher(pattern: pattern, options: [])
        let plain = try NSRegularExpression(pattern: pattern)
        #expect((plain.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil) == expected)
        switch matcher.evaluate(value) {
        case .match: #expect(expected, "\(pattern) on \(value.prefix(20))")
        case .noMatch: #expect(!expected, "\(pattern) on \(value.prefix(20))")
        case .gaveUp: Issue.record("\(pattern) gave up")
        }
    }

    @Test func theEngineErrorOfICUIsAGapToo() throws {
        // A repetition over 400,000 characters overflows ICU's backtracking stack: ICU reports an
        // error, which used to read as "no match".
        let matcher = try RegexMatcher(pattern: "(a|b)*c", options: [])
        guard case .gaveUp(let failure) = matcher.evaluate(String(repeating: "ab", count: 200_000)) else {
            Issue.record("(a|b)*c did not give up")
            return
        }
        #expect(failure.valueLength == 400_000)
        #expect(failure.engineError)
    }
}
