/// A UTC point in time with 100-nanosecond resolution, the resolution of Windows' `FILETIME`.
///
/// Stored as ticks since 1970-01-01T00:00:00Z so that comparison and arithmetic are integer
/// operations on the hot path. Parsing accepts what real exports write: `Z`-terminated ISO 8601
/// with 0–9 fractional digits, a space instead of `T`, and a `+00:00`-style offset.
public struct EventTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Ticks (100 ns) since the Unix epoch; negative before 1970.
    public var ticks: Int64

    /// Ticks in one second.
    public static let ticksPerSecond: Int64 = 10_000_000

    /// The Unix epoch; also the value of an event whose time could not be read.
    public static let epoch = EventTimestamp(ticks: 0)

    /// Creates a timestamp from ticks since the Unix epoch.
    public init(ticks: Int64) {
        self.ticks = ticks
    }

    /// Creates a timestamp from whole seconds and extra ticks since the Unix epoch.
    ///
    /// Saturating: a value past what 64-bit ticks can hold (about ±29,000 years from 1970) becomes
    /// the nearest representable time instead of trapping.
    public init(secondsSinceEpoch seconds: Int64, ticks fraction: Int64 = 0) {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: Self.ticksPerSecond)
        if overflow {
            self.ticks = seconds < 0 ? .min : .max
        } else {
            self.ticks = scaled.saturatingAdd(fraction)
        }
    }

    /// Creates a timestamp from a UTC calendar date and time of day, or `nil` when any part is out
    /// of range (see ``rangeProblem(year:month:day:hour:minute:second:)``).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard Self.rangeProblem(year: year, month: month, day: day, hour: hour, minute: minute, second: second) == nil
        else { return nil }
        // Every part is now small, so none of this arithmetic can overflow.
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        self.init(secondsSinceEpoch: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// The years a calendar date may have: the four-digit years of ISO 8601.
    public static let years: ClosedRange<Int> = 1...9999

    /// Why a UTC calendar date and time of day is not a timestamp (a sentence fragment such as
    /// `year 99999 is outside 1–9999`), or `nil` when every part is in range. Second 60 (a leap
    /// second, as Windows may write it) is accepted and reads as the next minute's first second.
    public static func rangeProblem(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> String? {
        guard years.contains(year) else { return "year \(year) is outside \(years.lowerBound)–\(years.upperBound)" }
        guard (1...12).contains(month) else { return "month \(month) is outside 1–12" }
        let length = daysInMonth(year: year, month: month)
        guard (1...length).contains(day) else { return "day \(day) is outside 1–\(length) for month \(month) of \(year)" }
        guard (0...23).contains(hour) else { return "hour \(hour) is outside 0–23" }
        guard (0...59).contains(minute) else { return "minute \(minute) is outside 0–59" }
        guard (0...60).contains(second) else { return "second \(second) is outside 0–60" }
        return nil
    }

    /// The number of days in a month of the proleptic Gregorian calendar (`month` in 1…12).
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Seconds since the epoch as a floating-point number (for display and arithmetic in reports).
    public var secondsSinceEpoch: Double { Double(ticks) / Double(Self.ticksPerSecond) }

    /// Returns this time moved by `seconds` (may be negative or fractional).
    ///
    /// Saturating: a move past the representable range stops at its end; a NaN move is no move.
    public func adding(seconds: Double) -> EventTimestamp {
        guard !seconds.isNaN else { return self }
        let move = (seconds * Double(Self.ticksPerSecond)).rounded()
        // Int64's range is not exactly representable as a Double: compare against 2^63.
        guard move < 0x1p63 else { return EventTimestamp(ticks: .max) }
        guard move >= -0x1p63 else { return EventTimestamp(ticks: .min) }
        return adding(ticks: Int64(move))
    }

    /// Returns this time moved by `ticks` (100 ns units), saturating at the representable range.
    public func adding(ticks move: Int64) -> EventTimestamp {
        EventTimestamp(ticks: ticks.saturatingAdd(move))
    }

    public static func < (lhs: EventTimestamp, rhs: EventTimestamp) -> Bool { lhs.ticks < rhs.ticks }

    /// ISO 8601 in UTC with 7 fractional digits, e.g. `2026-06-12T19:41:53.1234567Z`.
    public var description: String { iso8601(fractionDigits: 7) }

    /// ISO 8601 in UTC with the given number of fractional digits (0–7).
    public func iso8601(fractionDigits: Int = 7) -> String {
        let (year, month, day, secondOfDay, fraction) = Self.calendarParts(ticks)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let digits = max(0, min(7, fractionDigits))
        if digits > 0 {
            var divisor: Int64 = 1
            for _ in 0..<(7 - digits) { divisor *= 10 }
            text += "." + pad(fraction / divisor, digits)
        }
        return text + "Z"
    }

    /// Parses an ISO 8601 UTC timestamp as found in `SystemTime` attributes.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS`, optionally followed by `.` and 1–9 fractional digits
    /// (digits past the seventh are truncated), then `Z`, `+HH:MM`/`-HH:MM` (at most 14:00), or
    /// nothing (UTC).
    /// A space may stand for `T`. Returns `nil` for anything else.
    public init?(iso8601 text: String) {
        var copy = text
        let parsed: Int64? = copy.withUTF8 { Self.parseTicks($0) }
        guard let parsed else { return nil }
        self.ticks = parsed
    }

    /// Parses the bytes of an ISO 8601 timestamp; see ``init(iso8601:)``.
    public init?(iso8601Bytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.parseTicks(bytes) else { return nil }
        self.ticks = parsed
    }

    static func parseTicks(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 19 else { return nil }
        // Inlined: as a nested function it was a call per field, half of the parse's instructions.
        @inline(__always)
        func digits(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int64(c - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
            let day = digits(8, 2), b[10] == 0x54 || b[10] == 0x20 || b[10] == 0x74,
            let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var index = 19
        var fraction: Int64 = 0
        if index < b.count && b[index] == 0x2E {
            index += 1
            var count = 0
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                if count < 7 {
                    fraction = fraction * 10 + Int64(b[index] - 0x30)
                }
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            var scale = count
            while scale < 7 {
                fraction *= 10
                scale += 1
            }
        }
        var offsetSeconds: Int64 = 0
        if index < b.count {
            let c = b[index]
            if c == 0x5A || c == 0x7A {
                index += 1
            } else if c == 0x2B || c == 0x2D {
                // No zone is more than 14 hours from UTC.
                guard index + 6 <= b.count, let oh = digits(index + 1, 2), b[index + 3] == 0x3A,
                    let om = digits(index + 4, 2), om < 60, oh * 60 + om <= 14 * 60
                else { return nil }
                offsetSeconds = (oh * 3600 + om * 60) * (c == 0x2D ? -1 : 1)
                index += 6
            }
        }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * ticksPerSecond + fraction
    }
}

extension Int64 {
    /// `self + other`, or the nearest bound when the sum does not fit.
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
extension EventTimestamp {
    /// The UTC calendar parts of a tick count: year, month, day, second of the day and the 100 ns
    /// fraction (proleptic Gregorian; times before 1970 count back correctly).
    static func calendarParts(_ ticks: Int64) -> (year: Int64, month: Int64, day: Int64, secondOfDay: Int64, fraction: Int64) {
        var seconds = ticks / ticksPerSecond
        var fraction = ticks % ticksPerSecond
        if fraction < 0 {
            fraction += ticksPerSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        return (year, month, day, secondOfDay, fraction)
    }
}

func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
