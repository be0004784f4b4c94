import EventImport
import TestSupport
import Testing

@testable import SigmaKit

/// The literal-guard prefilter of long candidate lists skips only variants that cannot match: an
/// engine with it reports exactly what an engine that evaluates every candidate reports.
struct GuardPrefilterTests {
    /// Literal pieces for rule values: mostly ASCII (what guards are made of), some not.
    static let rulePieces = ["ab", "ka", "ik", "\\k", ".exe", "ab", "k", "\\", ".exe", "é"]
    /// Pieces for event values: case, the Kelvin sign and dotted capital I (which lower-case into
    /// ASCII `k` and `i`), other non-ASCII text, path separators and spaces.
    static let eventPieces = ["ab", "AB", "k", "K", "\u{212A}", "İ", "i", "é", "É", "\\", ".EXE", " "]
    /// Mostly the literal modifiers guards are made of, as in SigmaHQ.
    static let modifiers = [
        "", "|contains", "|contains", "|contains", "|startswith", "|endswith", "|endswith", "|contains|all", "|cased", "|re",
    ]
    static let ruleFields = ["CommandLine", "Image", "ParentImage", "User"]

    static func text(_ random: inout SplitMix64, _ pieces: [String], count: ClosedRange<Int>) -> String {
        (0..<Int.random(in: count, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }

    /// A YAML single-quoted scalar.
    static func quoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// One field item: `field|modifiers:` and one to three values (regular expressions are plain
    /// literals escaped, so that they compile).
    static func item(_ field: String, _ random: inout SplitMix64) -> String {
        let modifier = modifiers.randomElement(using: &random) ?? ""
        let values = (0..<Int.random(in: 1...3, using: &random)).map { _ -> String in
            let value = text(&random, rulePieces, count: 1...2)
            let escaped = modifier == "|re" ? RegexEscape.escape(value) : value
            return "            - " + quoted(escaped)
        }
        return "        \(field)\(modifier):\n" + values.joined(separator: "\n")
    }

    /// A process-creation rule with two searches and one of several condition shapes.
    static func rule(_ number: Int, _ random: inout SplitMix64) -> String {
        func search(_ name: String) -> String {
            if Bool.random(using: &random) {
                let fields = ruleFields.shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random))
                return "    \(name):\n" + fields.map { item($0, &random) }.joined(separator: "\n")
            }
            // A list of maps: one of them must hold.
            let maps = (0..<2).map { _ in
                item(ruleFields.randomElement(using: &random) ?? "Image", &random).split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
                    index == 0 ? "      - " + line.dropFirst(8) : "  " + line
                }.joined(separator: "\n")
            }
            return "    \(name):\n" + maps.joined(separator: "\n")
        }
        let conditions = ["sel", "sel and not filter", "sel or filter", "1 of sel*", "not sel", "sel and filter"]
        let condition = conditions.randomElement(using: &random) ?? "sel"
        let secondName = condition.contains("sel*") ? "sel_two" : "filter"
        return """
            title: Rule \(number)
            logsource:
                product: windows
                category: process_creation
            detection:
            \(search("sel"))
            \(search(secondName))
                condition: \(condition)
            """
    }

    static func event(_ random: inout SplitMix64) -> WinEvent {
        let sysmon = Bool.random(using: &random)
        let names =
            sysmon
            ? ["CommandLine", "Image", "ParentImage", "User"] : ["CommandLine", "NewProcessName", "ParentProcessName", "SubjectUserName"]
        let fields = names.filter { _ in Int.random(in: 0..<5, using: &random) != 0 }.map {
            ($0, text(&random, eventPieces, count: 0...4))
        }
        return sysmon
            ? TestSupport.event(channel: WindowsLogSources.sysmon, provider: "Microsoft-Windows-Sysmon", eventID: 1, fields)
            : TestSupport.event(channel: "Security", eventID: 4688, fields)
    }

    static func matches(_ engine: SigmaEngine, _ event: WinEvent) -> [Int] {
        var result: [Int] = []
        engine.forEachMatchIndex(in: event) { result.append($0) }
        return result
    }

    @Test func prefilteredEngineReportsWhatEvaluatingEveryCandidateReports() {
        var random = SplitMix64(seed: 0x5167_4D41_3352)
        var compared = 0
        var matched = 0
        for pack in 0..<6 {
            let yaml = (0..<60).map { Self.rule(pack * 100 + $0, &random) }.joined(separator: "\n---\n")
            let catalog = TestSupport.load(yaml)
            #expect(catalog.rules.count == 60, "\(catalog.diagnostics)")
            let plain = SigmaEngine(rules: catalog.rules, prefiltering: false)
            let prefiltered = SigmaEngine(rules: catalog.rules)
            #expect(plain.guardedCandidateCount == 0)
            #expect(prefiltered.guardedCandidateCount >= 16, "the Sysmon 1 and Security 4688 lists are prefiltered")
            for _ in 0..<600 {
                let event = Self.event(&random)
                let expected = Self.matches(plain, event)
                #expect(Self.matches(prefiltered, event) == expected, "\(event.fields)")
                compared += 1
                matched += expected.count
            }
        }
        // The comparison means something only if rules match some of the events and not all.
        #expect(matched > 100)
        #expect(matched < compared * 30)
    }

    @Test func guardsComeFromTheLiteralsEveryMatchNeeds() throws {
        func literalGuard(_ detection: String) throws -> LiteralGuard? {
            let catalog = TestSupport.load(TestSupport.rule(detection))
            let compiled = try #require(catalog.rules.first?.detection)
            return LiteralGuard(searches: compiled.searches.map(\.node), condition: compiled.condition)
        }
        func summary(_ found: LiteralGuard?) -> [String] {
            (found?.alternatives ?? []).flatMap { alternative in
                alternative.literals.map { alternative.field.displayName + ":" + String(decoding: $0.bytes, as: UTF8.self) }
            }
        }
        // The longer literal of two required items.
        #expect(
            summary(try literalGuard("    sel:\n        Image|endswith: '\\x.exe'\n        CommandLine|contains: 'Invoke-Thing'\n    condition: sel"))
                == ["CommandLine:invoke-thing"])
        // `and not`: the filter gives nothing, the selection does.
        #expect(
            summary(try literalGuard("    sel:\n        CommandLine|contains: 'abc'\n    filter:\n        User: 'SYSTEM'\n    condition: sel and not filter"))
                == ["CommandLine:abc"])
        // `or` and a list of maps: one alternative per branch.
        #expect(
            summary(try literalGuard("    sel:\n        - Image|endswith: '\\a.exe'\n        - OriginalFileName: 'a.exe'\n    condition: sel"))
                == ["Image:\\a.exe", "OriginalFileName:a.exe"])
        // No guard: a branch without literals, a negation, a wildcard in the middle, a regular expression.
        #expect(try literalGuard("    sel:\n        CommandLine|contains: 'abc'\n    other:\n        User|exists: true\n    condition: sel or other") == nil)
        #expect(try literalGuard("    sel:\n        CommandLine|contains: 'abc'\n    condition: not sel") == nil)
        #expect(try literalGuard("    sel:\n        CommandLine: 'a*b'\n    condition: sel") == nil)
        #expect(
            try literalGuard("    sel:\n        CommandLine|contains: 'abc'\n        User|re: 'x+'\n    condition: sel") == nil)
    }

    @Test func prefilterPassesOnlyVariantsWithAMatchingLiteral() throws {
        func contains(_ text: String) -> StringPattern {
            StringPattern(SigmaString(plain: text).withLeadingWildcard().withTrailingWildcard(), caseSensitive: false)
        }
        let commandLine = FieldReference.resolve("CommandLine")
        let guards: [LiteralGuard?] = [
            LiteralGuard(alternatives: [.init(field: commandLine, literals: [contains("mimikatz"), contains("procdump")])]),
            nil,
            LiteralGuard(alternatives: [.init(field: commandLine, literals: [contains("whoami")])]),
        ] + [LiteralGuard?](repeating: LiteralGuard(alternatives: [.init(field: commandLine, literals: [contains("zzz")])]), count: 5) + [
            LiteralGuard(alternatives: [.init(field: FieldReference.resolve("Image"), literals: [contains("kelvin")])]),
        ]
        let prefilter = try #require(GuardPrefilter(guards))
        func tested(_ fields: [(String, String)]) -> [Int] {
            prefilter.withPassingGuards(TestSupport.event(fields)) { bits in
                (0..<guards.count).filter { prefilter.mustTest($0, bits) }
            }
        }
        #expect(tested([("CommandLine", "run PROCDUMP -ma lsass")]) == [0, 1])
        #expect(tested([("CommandLine", "whoami /all"), ("Image", "x")]) == [1, 2])
        #expect(tested([]) == [1])
        // The Kelvin sign lower-cases to `k`: a value holding it may match any literal of the field.
        #expect(tested([("Image", "\u{212A}ELVIN")]) == [1, 8])
        #expect(tested([("Image", "\u{212A}")]) == [1, 8])
        #expect(tested([("Image", "KELVIN")]) == [1, 8])
        #expect(tested([("Image", "kelvi")]) == [1])
    }
}

/// Escapes regular expression metacharacters, so that a literal can be written as a `re` value.
enum RegexEscape {
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\.*+?()[]{}|^$".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
