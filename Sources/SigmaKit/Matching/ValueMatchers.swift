import Foundation

/// A numeric rule value (`EventID: 4624`, `LogonType: 10`): matches a field whose text is the same
/// number, in decimal or `0x` hexadecimal, or whose text equals the rule's text ignoring case.
struct NumberPattern: Sendable, Hashable {
    /// The rule's text, lowered.
    let text: [UInt8]
    let integer: Int64?
    let real: Double?

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        let integer = bytes.withUnsafeBufferPointer { parseInteger($0) }
        let real = integer == nil ? Double(text) : nil
        guard integer != nil || real != nil else { return nil }
        self.text = Array(text.lowercased().utf8)
        self.integer = integer
        self.real = real
    }

    func matches(_ value: String) -> Bool {
        let result = value.utf8.withContiguousStorageIfAvailable { matches(bytes: $0) }
        return result ?? Array(value.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count == text.count, text.withUnsafeBufferPointer({ equalBytes(bytes, 0, $0, true) }) {
            return true
        }
        if let integer, let parsed = parseInteger(bytes) { return parsed == integer }
        if let real, let parsed = parseReal(bytes) { return parsed == real }
        return false
    }
}

/// Parses a decimal (optionally signed) or `0x` hexadecimal integer, allowing surrounding spaces.
func parseInteger(_ input: UnsafeBufferPointer<UInt8>) -> Int64? {
    var start = 0
    var end = input.count
    while start < end && input[start] == 0x20 { start += 1 }
    while end > start && input[end - 1] == 0x20 { end -= 1 }
    guard start < end else { return nil }
    var negative = false
    if input[start] == UInt8(ascii: "-") || input[start] == UInt8(ascii: "+") {
        negative = input[start] == UInt8(ascii: "-")
        start += 1
    }
    guard start < end else { return nil }
    var value: Int64 = 0
    if end - start > 2 && input[start] == UInt8(ascii: "0") && (input[start + 1] | 0x20) == UInt8(ascii: "x") {
        var index = start + 2
        while index < end {
            let byte = input[index] | 0x20
            let digit: Int64
            switch byte {
            case 0x30...0x39: digit = Int64(byte - 0x30)
            case 0x61...0x66: digit = Int64(byte - 0x61 + 10)
            default: return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
            guard !overflow else { return nil }
            value = shifted | digit
            index += 1
        }
    } else {
        var index = start
        while index < end {
            let byte = input[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = added
            index += 1
        }
    }
    return negative ? -value : value
}

/// Parses a decimal number with an optional fraction; integers take the exact path.
func parseReal(_ input: UnsafeBufferPointer<UInt8>) -> Double? {
    if let integer = parseInteger(input) { return Double(integer) }
    // Only digits, sign, '.', exponent: anything else is not a number (avoids `inf`, `nan`, …).
    for byte in input {
        switch byte {
        case 0x30...0x39, UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "e"),
            UInt8(ascii: "E"), 0x20:
            continue
        default:
            return nil
        }
    }
    guard input.count <= 64 else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: input.count + 1) { buffer in
        var count = 0
        for byte in input where byte != 0x20 {
            buffer[count] = CChar(bitPattern: byte)
            count += 1
        }
        guard count > 0, let base = buffer.baseAddress else { return nil }
        buffer[count] = 0
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(base, &end)
        guard let end, end == base + count else { return nil }
        return value
    }
}

/// A numeric comparison from `gt`, `gte`, `lt` or `lte`.
struct NumericComparison: Sendable, Hashable {
    /// The comparison operator.
    enum Operator: String, Sendable, Hashable {
        case greater = "gt"
        case greaterOrEqual = "gte"
        case less = "lt"
        case lessOrEqual = "lte"
        case equal = "eq"
    }

    let op: Operator
    let bound: Double

    func holds(for number: Double) -> Bool {
        switch op {
        case .greater: number > bound
        case .greaterOrEqual: number >= bound
        case .less: number < bound
        case .lessOrEqual: number <= bound
        case .equal: number == bound
        }
    }

    func matches(_ value: String) -> Bool {
        let parsed = value.utf8.withContiguousStorageIfAvailable { parseReal($0) }
            ?? Array(value.utf8).withUnsafeBufferPointer { parseReal($0) }
        guard let parsed else { return false }
        return holds(for: parsed)
    }
}

/// The part of a date that a time modifier (`minute`, `hour`, `day`, `week`, `month`, `year`) extracts.
enum TimeComponent: String, Sendable, Hashable, CaseIterable {
    case minute, hour, day, week, month, year

    /// The component of an ISO 8601 timestamp (`2024-05-01T10:20:30Z`, `2024-05-01 10:20:30.123`), in UTC.
    func value(of text: String) -> Double? {
        guard let parsed = ISOTimeParts(text) else { return nil }
        switch self {
        case .minute: return Double(parsed.minute)
        case .hour: return Double(parsed.hour)
        case .day: return Double(parsed.day)
        case .month: return Double(parsed.month)
        case .year: return Double(parsed.year)
        case .week: return Double(parsed.isoWeek)
        }
    }
}

/// The calendar parts of a `YYYY-MM-DD[T ]HH:MM` timestamp as written (no time zone conversion,
/// as the specification says).
struct ISOTimeParts {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    init?(_ text: String) {
        let bytes = Array(text.utf8.prefix(16))
        guard bytes.count >= 10 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        if bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2)
        {
            self.hour = hour
            self.minute = minute
        } else {
            hour = 0
            minute = 0
        }
    }

    /// The ISO 8601 week number (1–53).
    var isoWeek: Int {
        // Day of the week (Monday = 1) by Zeller-like computation on the proleptic Gregorian calendar.
        func dayOfYear(_ y: Int, _ m: Int, _ d: Int) -> Int {
            let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            return cumulative[m - 1] + d + (leap && m > 2 ? 1 : 0)
        }
        func weekday(_ y: Int, _ m: Int, _ d: Int) -> Int {
            let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
            let yy = m < 3 ? y - 1 : y
            let sunday0 = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7
            return sunday0 == 0 ? 7 : sunday0
        }
        func weeksInYear(_ y: Int) -> Int {
            let jan1 = weekday(y, 1, 1)
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            return jan1 == 4 || (leap && jan1 == 3) ? 53 : 52
        }
        let week = (dayOfYear(year, month, day) - weekday(year, month, day) + 10) / 7
        if week < 1 { return weeksInYear(year - 1) }
        if week > weeksInYear(year) { return 1 }
        return week
    }
}

/// A compiled `re` value. NSRegularExpression (ICU) is thread-safe once built and is about ten times
/// faster here than `Swift.Regex`, and it supports the look-around PCRE rules use.
///
/// Running ICU costs an NSString bridge per call, so a literal that every match must contain (found
/// by ``RegexLiteral``) is searched first, as bytes; the expression runs only when it is present.
///
/// ICU backtracks, so a pattern such as `(a+)+$` can run for seconds on a 41-character value and
/// then report no match. A run therefore either finishes or gives up, and a run that gives up says
/// so (``Outcome/gaveUp(_:)``): patterns whose cost can grow faster than quadratically (see
/// ``RegexBacktracking``), and every pattern on values over ``unguardedLength`` characters, run
/// under a budget of ICU steps counted through its progress callback. So that the callback counts
/// only steps, the budgeted form is anchored and searches with a lazy prefix,
/// `(?s:.*?)(?:pattern)`, which finds the same matches as an unanchored search.
struct RegexMatcher: Sendable, Hashable {
    let pattern: String
    let options: NSRegularExpression.Options
    let regex: NSRegularExpression
    /// `(?s:.*?)(?:pattern)`, run anchored under the step budget; `nil` when the pattern cannot be
    /// wrapped (a `(?x)` comment could swallow the closing parenthesis).
    let guarded: NSRegularExpression?
    /// A substring every match contains, or `nil` when none of three characters or more is certain.
    let requiredLiteral: StringPattern?
    /// How costly the pattern can be.
    let backtracking: RegexBacktracking
    /// Where the pattern is written in its rule file (for diagnostics).
    let position: SourcePosition?
    /// Progress callbacks (each 10,000 ICU backtracking states) a budgeted run may take. ICU ends
    /// long searches on its own after a number of states that falls as capture groups are added,
    /// and then reports no match: the budget shrinks with the groups so that it always ends first.
    let tickBudget: Int

    /// The largest budget, in ticks of 10,000 ICU states: a million states, tens of milliseconds.
    static let maxTicks = 100
    /// Values longer than this (in UTF-16 units) run under the budget whatever the pattern: even a
    /// single `.*` costs the square of the length when the value repeats what follows it.
    static let unguardedLength = 1024

    /// Why a run gave up.
    struct Failure: Sendable, Hashable {
        /// The length of the value, in UTF-16 units.
        var valueLength: Int
        /// True when ICU itself failed (its backtracking stack overflowed); false when the budget ran out.
        var engineError: Bool
    }

    /// The result of one run.
    enum Outcome {
        case match
        case noMatch
        case gaveUp(Failure)
    }

    init(pattern: String, options: NSRegularExpression.Options, position: SourcePosition? = nil) throws {
        self.pattern = pattern
        self.options = options
        self.position = position
        regex = try NSRegularExpression(pattern: pattern, options: options)
        guarded =
            Self.turnsOnComments(pattern) ? nil : try? NSRegularExpression(pattern: "(?s:.*?)(?:" + pattern + ")", options: options)
        backtracking = RegexBacktracking(pattern: pattern)
        tickBudget = max(1, min(Self.maxTicks, 5_000 / (5 + 2 * regex.numberOfCaptureGroups)))
        requiredLiteral = RegexLiteral.required(in: pattern, caseInsensitive: options.contains(.caseInsensitive))
            .map { literal in
                StringPattern(
                    SigmaString(plain: literal.text).withLeadingWildcard().withTrailingWildcard(),
                    caseSensitive: !literal.caseInsensitive)
            }
    }

    /// Whether the pattern has an inline flag group that turns on `x` (comments and free spacing),
    /// such as `(?x)` or `(?ix:`.
    static func turnsOnComments(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index + 2 < scalars.count {
            if scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == "(" && scalars[index + 1] == "?" {
                var cursor = index + 2
                var sawX = false
                while cursor < scalars.count, scalars[cursor].properties.isAlphabetic {
                    if scalars[cursor] == "x" { sawX = true }
                    cursor += 1
                }
                // Flags after `-` turn off; an `x` before it turns comments on.
                if sawX, cursor < scalars.count, [":", ")", "-"].contains(scalars[cursor]) { return true }
            }
            index += 1
        }
        return false
    }

    /// Runs the expression on `value`.
    func evaluate(_ value: String) -> Outcome {
        if let requiredLiteral, !requiredLiteral.matches(value) {
            // Case-sensitive literals are exact. Case-insensitive ones are ASCII, and for ASCII values
            // ASCII folding is exactly ICU's case folding; other values go to ICU.
            if requiredLiteral.caseSensitive { return .noMatch }
            let hasNonASCII = value.utf8.withContiguousStorageIfAvailable { containsNonASCII($0) } ?? true
            if !hasNonASCII { return .noMatch }
        }
        let length = value.utf16.count
        let range = NSRange(location: 0, length: length)
        var found = false
        var failed = false
        guard backtracking.needsStepBudget || length > Self.unguardedLength else {
            regex.enumerateMatches(in: value, options: [.reportCompletion], range: range) { result, flags, stop in
                if result != nil {
                    found = true
                    stop.pointee = true
                } else if flags.contains(.internalError) {
                    failed = true
                }
            }
            return found ? .match : failed ? .gaveUp(Failure(valueLength: length, engineError: true)) : .noMatch
        }
        // Anchored, the wrapped pattern starts one search only, so every progress call is a tick
        // of ICU steps. Unwrapped, the search also reports each start position: those are allowed on top.
        let expression = guarded ?? regex
        let allowance = guarded == nil ? length + 1 : 0
        var calls = 0
        var exhausted = false
        expression.enumerateMatches(
            in: value, options: guarded == nil ? [.reportProgress, .reportCompletion] : [.anchored, .reportProgress, .reportCompletion],
            range: range
        ) { result, flags, stop in
            if result != nil {
                found = true
                stop.pointee = true
            } else if flags.contains(.completed) {
                if flags.contains(.internalError) { failed = true }
            } else {
                calls += 1
                if calls > tickBudget + allowance {
                    exhausted = true
                    stop.pointee = true
                }
            }
        }
        if found { return .match }
        if exhausted || failed { return .gaveUp(Failure(valueLength: length, engineError: failed && !exhausted)) }
        return .noMatch
    }

    static func == (lhs: RegexMatcher, rhs: RegexMatcher) -> Bool {
        lhs.pattern == rhs.pattern && lhs.options == rhs.options
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(options.rawValue)
    }
}

/// Finds a literal that every match of a regular expression contains.
///
/// Only what is certain is used: literal characters at the top level of the pattern (not inside
/// groups or classes), minus any character made optional by `?`, `*` or `{…}`. Anything unusual
/// (top-level alternation, inline flags after the start, `\Q`, escapes with arguments) gives up,
/// which only costs speed, never a match.
enum RegexLiteral {
    /// The longest certain literal of three characters or more, and whether it is case-insensitive.
    static func required(in pattern: String, caseInsensitive: Bool) -> (text: String, caseInsensitive: Bool)? {
        let scalars = Array(pattern.unicodeScalars)
        let count = scalars.count
        var insensitive = caseInsensitive
        var index = 0
        // Leading inline flags such as `(?i)`.
        if count >= 3 && scalars[0] == "(" && scalars[1] == "?", let close = scalars.firstIndex(of: ")") {
            let flags = scalars[2..<close]
            if !flags.isEmpty && flags.allSatisfy({ "imsxwU-".unicodeScalars.contains($0) }) {
                guard flags.allSatisfy({ "imsU".unicodeScalars.contains($0) }) else { return nil }
                if flags.contains("i") { insensitive = true }
                index = close + 1
            }
        }
        // Inline flags later on change matching for the rest of the pattern: give up.
        var probe = index
        while probe + 2 < count {
            if scalars[probe] == "\\" {
                probe += 2
                continue
            }
            if scalars[probe] == "(" && scalars[probe + 1] == "?" && "imsxwU-^".unicodeScalars.contains(scalars[probe + 2]) {
                return nil
            }
            probe += 1
        }
        var runs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var lastAtomIsLiteral = false
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        func appendLiteral(_ scalar: Unicode.Scalar) {
            if insensitive && !scalar.isASCII {
                endRun()
                lastAtomIsLiteral = false
            } else {
                current.append(scalar)
                lastAtomIsLiteral = true
            }
        }
        while index < count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < count else { return nil }
                let next = scalars[index + 1]
                if next.properties.isAlphabetic || next.properties.numericType != nil {
                    guard "dDsSwWbBAzZGhHvVRXtnrfe".unicodeScalars.contains(next) else { return nil }
                    endRun()
                    lastAtomIsLiteral = false
                } else {
                    appendLiteral(next)
                }
                index += 2
            case "[":
                endRun()
                lastAtomIsLiteral = false
                guard let after = skipClass(scalars, from: index) else { return nil }
                index = after
            case "(":
                endRun()
                lastAtomIsLiteral = false
                guard let after = skipGroup(scalars, from: index) else { return nil }
                index = after
            case ")", "|":
                return nil
            case ".", "^", "$":
                endRun()
                lastAtomIsLiteral = false
                index += 1
            case "*", "?", "{", "+":
                if lastAtomIsLiteral && scalar != "+", !current.isEmpty { current.removeLast() }
                endRun()
                lastAtomIsLiteral = false
                if scalar == "{" {
                    guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                    index = close + 1
                } else {
                    index += 1
                }
                if index < count && (scalars[index] == "?" || scalars[index] == "+") { index += 1 }
            default:
                appendLiteral(scalar)
                index += 1
            }
        }
        endRun()
        guard let longest = runs.max(by: { $0.count < $1.count }), longest.count >= 3 else { return nil }
        return (String(String.UnicodeScalarView(longest)), insensitive)
    }

    /// The index after the `]` that closes the character class opened at `start`, or `nil` when
    /// the pattern ends first (shared with ``RegexBacktracking``).
    static func skipClass(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        var depth = 1
        if index < scalars.count && scalars[index] == "^" { index += 1 }
        if index < scalars.count && scalars[index] == "]" { index += 1 }
        while index < scalars.count {
            switch scalars[index] {
            case "\\": index += 2
            case "[":
                depth += 1
                index += 1
            case "]":
                depth -= 1
                index += 1
                if depth == 0 { return index }
            default: index += 1
            }
        }
        return nil
    }

    /// The index after the `)` that closes the group opened at `start`, or `nil`.
    private static func skipGroup(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        var depth = 1
        while index < scalars.count {
            switch scalars[index] {
            case "\\": index += 2
            case "[":
                guard let after = skipClass(scalars, from: index) else { return nil }
                index = after
            case "(":
                depth += 1
                index += 1
            case ")":
                depth -= 1
                index += 1
                if depth == 0 { return index }
            default: index += 1
            }
        }
        return nil
    }
}
