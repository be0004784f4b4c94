import EventImport
import Foundation
import Testing

@testable import SigmaKit

/// One test (or more) per Sigma v2.1 modifier, including the tricky combinations.
struct ModifierTests {
    let event = TestSupport.event([
        ("CommandLine", "powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA"),
        ("Image", #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#),
        ("ParentImage", #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#),
        ("User", #"CORP\alice"#),
        ("SourceIp", "10.1.2.3"),
        ("DestinationIp", "fe80::1c2b:3d4e%12"),
        ("MappedIp", "::ffff:192.168.7.9"),
        ("Size", "4096"),
        ("UtcTime", "2024-03-05 22:17:09.123"),
    ])

    private func matches(_ item: String, _ event: WinEvent? = nil) -> Bool {
        TestSupport.matches("    sel:\n        \(item)\n    condition: sel", event ?? self.event)
    }

    private func diagnostics(_ item: String) -> [SigmaDiagnostic] {
        TestSupport.load(TestSupport.rule("    sel:\n        \(item)\n    condition: sel")).diagnostics
    }

    @Test func containsStartswithAndEndswithPlaceWildcards() {
        #expect(matches("CommandLine|contains: '-noprofile'"))
        #expect(matches("CommandLine|startswith: 'POWERSHELL.EXE '"))
        #expect(!matches("CommandLine|startswith: '-NoProfile'"))
        #expect(matches("Image|endswith: '\\powershell.exe'"))
        #expect(!matches("Image|endswith: '\\pwsh.exe'"))
        // Wildcards inside a contains value keep working.
        #expect(matches("CommandLine|contains: '-No*-Enc'"))
    }

    @Test func allWithContainsRequiresEveryValue() {
        #expect(matches("CommandLine|contains|all: ['-noprofile', '-encodedcommand']"))
        #expect(!matches("CommandLine|contains|all: ['-noprofile', '-windowstyle']"))
        // Without `all` the same list is OR-ed.
        #expect(matches("CommandLine|contains: ['-noprofile', '-windowstyle']"))
    }

    @Test func allOnASingleValueIsAnError() {
        let found = diagnostics("CommandLine|contains|all: 'x'")
        #expect(found.contains { $0.severity == .error && $0.code == .invalidModifierChain })
    }

    @Test func regularExpressionsAreCaseSensitiveUnlessTheIFlagIsGiven() {
        #expect(matches("CommandLine|re: '-Encoded[Cc]ommand\\s+[A-Za-z0-9+/=]{20,}'"))
        #expect(!matches("CommandLine|re: '-encodedcommand'"))
        #expect(matches("CommandLine|re|i: '-encodedcommand'"))
        // `re` searches anywhere; anchors are explicit.
        #expect(!matches("CommandLine|re: '^-NoProfile'"))
    }

    @Test func regularExpressionFlagsMAndS() {
        let multiline = TestSupport.event([("ScriptBlockText", "first line\nsecond line")])
        #expect(!matches("ScriptBlockText|re: '^second'", multiline))
        #expect(matches("ScriptBlockText|re|m: '^second'", multiline))
        #expect(!matches("ScriptBlockText|re: 'first.second'", multiline))
        #expect(matches("ScriptBlockText|re|s: 'first.*second'", multiline))
    }

    @Test func aBadRegularExpressionIsAnErrorWithItsPosition() {
        let found = diagnostics("CommandLine|re: 'a(b'")
        let error = found.first { $0.code == .invalidRegex }
        #expect(error?.severity == .error)
        #expect(error?.line == 9)
        #expect(error?.column == 25)
    }

    @Test func cidrMatchesIPv4Networks() {
        #expect(matches("SourceIp|cidr: '10.0.0.0/8'"))
        #expect(matches("SourceIp|cidr: ['192.168.0.0/16', '10.1.2.0/24']"))
        #expect(!matches("SourceIp|cidr: '10.1.3.0/24'"))
        #expect(matches("SourceIp|cidr: '10.1.2.3'"))
        #expect(matches("MappedIp|cidr: '192.168.0.0/16'"))
    }

    @Test func cidrMatchesIPv6NetworksWithZonesAndCompression() {
        #expect(matches("DestinationIp|cidr: 'fe80::/10'"))
        #expect(!matches("DestinationIp|cidr: 'fc00::/7'"))
        #expect(matches("DestinationIp|cidr: 'FE80::1C2B:0/112'"))
        #expect(!matches("DestinationIp|cidr: 'fe80::1c2c:0/112'"))
        #expect(!matches("SourceIp|cidr: '::/0'"))
        let loopback = TestSupport.event([("DestinationIp", "::1")])
        #expect(matches("DestinationIp|cidr: '::1/128'", loopback))
        #expect(matches("DestinationIp|cidr: '0:0:0:0:0:0:0:1'", loopback))
    }

    @Test func anInvalidCIDRIsAnError() {
        #expect(diagnostics("SourceIp|cidr: '10.0.0.0/33'").contains { $0.code == .invalidValue && $0.severity == .error })
        #expect(diagnostics("SourceIp|cidr: 'fe80:::1/64'").contains { $0.code == .invalidValue })
    }

    @Test func base64EncodesTheWholeValue() {
        #expect(ValueEncoding.base64(Array("whoami".utf8)) == "d2hvYW1p")
        let encoded = TestSupport.event([("CommandLine", "powershell -e d2hvYW1p")])
        #expect(matches("CommandLine|base64|contains: 'whoami'", encoded))
        #expect(!matches("CommandLine|base64|contains: 'whoami2'", encoded))
    }

    @Test func base64OffsetProducesTheThreeShiftedForms() {
        #expect(ValueEncoding.base64Offsets(Array("/bin/bash".utf8)) == ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"])
        for shifted in ["echo L2Jpbi9iYXNo", "xx9iaW4vYmFzaA==", "AvYmluL2Jhc2g="] {
            let sample = TestSupport.event([("CommandLine", shifted)])
            #expect(matches("CommandLine|base64offset|contains: '/bin/bash'", sample))
        }
        #expect(!matches("CommandLine|base64offset|contains: '/bin/bash'"))
    }

    @Test func utf16ModifiersFeedBase64AndBase64Offset() {
        #expect(ValueEncoding.base64(ValueEncoding.utf16("cmd", modifier: .utf16le)) == "YwBtAGQA")
        #expect(ValueEncoding.base64(ValueEncoding.utf16("cmd", modifier: .utf16)) == "//5jAG0AZAA=")
        #expect(ValueEncoding.base64(ValueEncoding.utf16("cmd", modifier: .utf16be)) == "AGMAbQBk")
        #expect(
            ValueEncoding.base64Offsets(ValueEncoding.utf16("Invoke-Mimikatz", modifier: .wide)) == [
                "SQBuAHYAbwBrAGUALQBNAGkAbQBpAGsAYQB0AHoA", "kAbgB2AG8AawBlAC0ATQBpAG0AaQBrAGEAdAB6A",
                "JAG4AdgBvAGsAZQAtAE0AaQBtAGkAawBhAHQAeg",
            ])
        // "IEX (New-Object" in UTF-16LE Base64 appears in the event's -EncodedCommand.
        #expect(matches("CommandLine|wide|base64offset|contains: 'IEX (New-Object'"))
        #expect(matches("CommandLine|utf16le|base64offset|contains: 'IEX (New-Object'"))
        #expect(!matches("CommandLine|utf16be|base64offset|contains: 'IEX (New-Object'"))
    }

    @Test func modifierChainsOutOfOrderAreErrors() {
        // Wildcards cannot be encoded: `contains` must come after `base64`.
        #expect(diagnostics("CommandLine|contains|base64: 'x'").contains { $0.code == .invalidModifierChain })
        // An encoding alone leaves binary values.
        #expect(diagnostics("CommandLine|wide: 'x'").contains { $0.code == .invalidModifierChain })
        #expect(diagnostics("CommandLine|wide|contains: 'x'").contains { $0.code == .invalidModifierChain })
        // Regular-expression flags need `re`.
        #expect(diagnostics("CommandLine|i: 'x'").contains { $0.code == .invalidModifierChain })
        #expect(diagnostics("CommandLine|re|contains: 'x'").contains { $0.code == .invalidModifierChain })
    }

    @Test func unknownModifiersAreErrorsWithAHint() {
        let found = diagnostics("CommandLine|contain: 'x'")
        let error = found.first { $0.code == .unknownModifier }
        #expect(error?.severity == .error)
        #expect(error?.message.contains("did you mean 'contains'") == true)
        #expect(error?.line == 9)
        #expect(error?.column == 9)
    }

    @Test func windashMatchesEveryDashAtTheStartOfAWord() {
        let variants = ValueEncoding.windashVariants(SigmaString(parsing: " -enc "))?.map(\.display)
        #expect(variants == [" -enc ", " /enc ", " \u{2013}enc ", " \u{2014}enc ", " \u{2015}enc "])
        // A dash inside a word is not a switch.
        #expect(ValueEncoding.windashVariants(SigmaString(parsing: "Invoke-Expression"))?.count == 1)
        // Two switches give every combination.
        #expect(ValueEncoding.windashVariants(SigmaString(parsing: "-a -b"))?.count == 25)
        for written in ["-NoProfile", "/NoProfile", "\u{2013}NoProfile", "\u{2014}NoProfile", "\u{2015}NoProfile"] {
            let sample = TestSupport.event([("CommandLine", "powershell.exe \(written) -c x")])
            #expect(matches("CommandLine|windash|contains: ' -noprofile '", sample))
        }
        let slash = TestSupport.event([("CommandLine", "net user /add x")])
        #expect(matches("CommandLine|windash|contains|all: [' -add ', 'user']", slash))
        #expect(!matches("CommandLine|windash|contains: ' -delete '", slash))
    }

    @Test func existsChecksPresenceOnly() {
        #expect(matches("User|exists: true"))
        #expect(matches("Missing|exists: false"))
        #expect(!matches("User|exists: false"))
        let empty = TestSupport.event([("User", "")])
        #expect(matches("User|exists: true", empty))
        #expect(diagnostics("User|exists: 'maybe'").contains { $0.code == .invalidValue })
    }

    @Test func fieldrefComparesTwoFieldsOfTheEvent() {
        #expect(matches("Image|fieldref: ParentImage"))
        #expect(!matches("Image|fieldref: User"))
        #expect(!matches("Image|fieldref|neq: ParentImage"))
        #expect(matches("User|fieldref|neq: Image"))
        let nested = TestSupport.event([("Image", #"C:\Tools\x.exe"#), ("CurrentDirectory", #"C:\Tools\"#)])
        #expect(matches("Image|fieldref|startswith: CurrentDirectory", nested))
        #expect(!matches("Image|fieldref|endswith: CurrentDirectory", nested))
    }

    @Test func numericComparisons() {
        #expect(matches("Size|gt: 4095"))
        #expect(!matches("Size|gt: 4096"))
        #expect(matches("Size|gte: 4096"))
        #expect(matches("Size|lt: 5000"))
        #expect(matches("Size|lte: 4096"))
        #expect(!matches("User|lt: 10"))
        #expect(diagnostics("Size|gt: 'big'").contains { $0.code == .invalidValue })
    }

    @Test func casedMakesMatchingCaseSensitive() {
        #expect(matches("User|cased: 'CORP\\alice'"))
        #expect(!matches("User|cased: 'corp\\alice'"))
        #expect(matches("User|contains|cased: 'alice'"))
        #expect(!matches("User|contains|cased: 'ALICE'"))
    }

    @Test func neqMatchesPresentValuesThatDifferFromEveryValue() {
        #expect(matches("User|neq: 'corp\\bob'"))
        #expect(!matches("User|neq: 'corp\\alice'"))
        #expect(!matches("User|neq: ['corp\\bob', 'CORP\\ALICE']"))
        #expect(!matches("Missing|neq: 'x'"))
        #expect(matches("Size|neq: 1"))
    }

    @Test func timeModifiersExtractPartsOfADate() {
        #expect(matches("UtcTime|hour: 22"))
        #expect(matches("UtcTime|hour|gte: 20"))
        #expect(!matches("UtcTime|hour|lt: 20"))
        #expect(matches("UtcTime|minute: 17"))
        #expect(matches("UtcTime|day: 5"))
        #expect(matches("UtcTime|month: 3"))
        #expect(matches("UtcTime|year: 2024"))
        #expect(matches("UtcTime|week: 10"))
    }

    @Test func expandReplacesPlaceholdersWithProvidedValues() {
        let yaml = TestSupport.rule("    sel:\n        User|expand: '%Administrators%'\n    condition: sel")
        let resolved = TestSupport.engine(yaml, placeholders: ["Administrators": ["CORP\\admin", "CORP\\ali*"]])
        #expect(!resolved.matchingRules(for: event).isEmpty)
        let other = TestSupport.engine(yaml, placeholders: ["Administrators": ["CORP\\admin"]])
        #expect(other.matchingRules(for: event).isEmpty)
    }

    @Test func unresolvedPlaceholdersAreReportedAndTheRuleIsNotEvaluated() {
        let catalog = TestSupport.load(TestSupport.rule("    sel:\n        User|expand: '%Admins%'\n    condition: sel"))
        #expect(catalog.rules.count == 1)
        #expect(catalog.rules.first?.isEvaluated == false)
        let warning = catalog.diagnostics.first { $0.code == .unresolvedPlaceholder }
        #expect(warning?.severity == .warning)
        #expect(warning?.message.contains("%Admins%") == true)
        #expect(SigmaEngine(rules: catalog.rules).evaluatedRuleCount == 0)
        // Without `expand`, percent signs are plain characters.
        let literal = TestSupport.event([("Path", "%TEMP%\\x.exe")])
        #expect(matches("Path: '%TEMP%\\x.exe'", literal))
    }

    @Test func stringPatternsPickTheCheapestShape() {
        #expect(StringPattern(SigmaString(parsing: "abc"), caseSensitive: false).shape == .exact)
        #expect(StringPattern(SigmaString(parsing: "abc*"), caseSensitive: false).shape == .prefix)
        #expect(StringPattern(SigmaString(parsing: "*abc"), caseSensitive: false).shape == .suffix)
        #expect(StringPattern(SigmaString(parsing: "*abc*"), caseSensitive: false).shape == .contains)
        #expect(StringPattern(SigmaString(parsing: "**"), caseSensitive: false).shape == .anything)
        #expect(StringPattern(SigmaString(parsing: "a*b"), caseSensitive: false).shape == .glob)
        #expect(StringPattern(SigmaString(parsing: "a\\*b"), caseSensitive: false).shape == .exact)
    }
}

/// The literal prefilter that spares most regular-expression evaluations.
struct RegexLiteralTests {
    private func literal(_ pattern: String, _ insensitive: Bool = false) -> String? {
        RegexLiteral.required(in: pattern, caseInsensitive: insensitive).map { "\($0.text)\($0.caseInsensitive ? "/i" : "")" }
    }

    @Test func takesTheLongestCertainTopLevelLiteral() {
        #expect(literal(#"-Encoded[Cc]ommand\s+[A-Za-z0-9+/=]{20,}"#) == "-Encoded")
        #expect(literal(#"\\PGMessagePipe[0-9a-f]{2}"#) == #"\PGMessagePipe"#)
        #expect(literal(#"(?i)echo.*clip.*&&.*(?:Clipboard|i`?n`?v)"#) == "echo/i")
        #expect(literal("abcd", true) == "abcd/i")
        #expect(literal(#"(?:set).*&&\s?settings"#) == "settings")
    }

    @Test func dropsCharactersMadeOptionalAndGivesUpWhenUnsure() {
        #expect(literal("ab?cde") == "cde")
        #expect(literal("abcx*yz") == "abc")
        #expect(literal("abc{0,2}de") == nil)
        #expect(literal("abc|def") == nil)
        #expect(literal(#"(?i)\s(-u|--user)\s*:"#) == nil)
        #expect(literal("abc(?i)defgh") == nil)
        #expect(literal(#"\x41BCD"#) == nil)
        #expect(literal("xy+z") == nil)
        #expect(literal("Straße", true) == "Stra/i")
    }

    @Test func thePrefilterNeverChangesTheResult() throws {
        let cases: [(String, NSRegularExpression.Options, String, Bool)] = [
            ("-Encoded[Cc]ommand", [], "powershell -EncodedCommand x", true),
            ("-Encoded[Cc]ommand", [], "powershell -encodedcommand x", false),
            ("(?i)echo.*clip", [], "ECHO x | CLIP", true),
            ("echo.*clip", .caseInsensitive, "Echo x | Clip", true),
            ("echo.*clip", .caseInsensitive, "echo x", false),
            ("(?i)kelvin", [], "\u{212A}ELVIN", true),
        ]
        for (pattern, options, value, expected) in cases {
            let matcher = try RegexMatcher(pattern: pattern, options: options)
            switch matcher.evaluate(value) {
            case .match: #expect(expected, "\(pattern) on \(value)")
            case .noMatch: #expect(!expected, "\(pattern) on \(value)")
            case .gaveUp: Issue.record("\(pattern) on \(value) gave up")
            }
            let plain = try NSRegularExpression(pattern: pattern, options: options)
            #expect((plain.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil) == expected)
        }
    }
}

/// One-pass literal sets give the same answers as testing each literal.
struct LiteralSetTests {
    static let literals = [
        "\\cmd.exe", "\\powershell.exe", "\\pwsh.exe", "\\wscript.exe", "\\cscript.exe", "\\mshta.exe", "-enc",
        "Invoke-Mimikatz", "sekurlsa::", "ab", "\\rundll32.exe",
    ]
    static let values = [
        #"C:\Windows\System32\cmd.exe"#, #"C:\WINDOWS\SYSTEM32\WINDOWSPOWERSHELL\V1.0\POWERSHELL.EXE"#, "pwsh.exe",
        #"\pwsh.exe"#, "powershell -EnC abc", "x", "", "invoke-mimikatz -dumpcreds", "sekurlsa::logonpasswords",
        "AB", "cab", "abc", #"D:\tools\rundll32.exe.bak"#, "\u{0130}nvoke-Mimikatz", "\\RUNDLL32.EXE",
    ]

    @Test(arguments: [StringPattern.Shape.exact, .prefix, .suffix, .contains])
    func aSetMatchesExactlyWhenOneOfItsLiteralsMatches(shape: StringPattern.Shape) {
        let patterns = Self.literals.map { literal -> StringPattern in
            var string = SigmaString(plain: literal)
            if shape == .suffix || shape == .contains { string = string.withLeadingWildcard() }
            if shape == .prefix || shape == .contains { string = string.withTrailingWildcard() }
            return StringPattern(string, caseSensitive: false)
        }
        #expect(patterns.allSatisfy { $0.shape == shape && LiteralSet.isEligible($0) })
        let set = LiteralSet(patterns)
        for value in Self.values {
            let expected = patterns.contains { $0.matches(value) }
            #expect(set.matches(value) == expected, "\(shape) \(value)")
        }
    }

    @Test func longListsAreCombinedAndOthersKept() {
        let matchers: [ValueMatcher] = Self.literals.map {
            .string(StringPattern(SigmaString(plain: $0).withLeadingWildcard(), caseSensitive: false))
        } + [.string(StringPattern(SigmaString(plain: "x"), caseSensitive: true)), .empty]
        let combined = ValueMatcher.combiningLiterals(matchers)
        #expect(combined.count == 3)
        let sets = combined.filter { if case .literalSet = $0 { true } else { false } }
        #expect(sets.count == 1)
        #expect(ValueMatcher.combiningLiterals(Array(matchers.prefix(2))).count == 2)
    }
}
