import EventImport
import Foundation

/// Reads UTC offsets written as text: `+02:00`, `-0530`, `+2`, `5.5`, `UTC+2`.
///
/// The text is untrusted (a ticket note, a command-line option), so every number is checked before
/// any arithmetic: hours and minutes have at most two digits, minutes are below 60, and no offset
/// is more than ``maximumSeconds`` from UTC.
public enum UTCOffsetText {
    /// The forms `--utc-offset` accepts, for a usage message.
    public static let acceptedForms = "+02:00, -05:00, -0530, +2, 5.5 (decimal hours) or UTC+2"

    /// The usage message for an offset that is not one, quoting `text` terminal-safe.
    public static func refusal(_ text: String) -> String {
        TerminalSafe.line("--utc-offset \(text) is not a UTC offset; accepted forms: \(acceptedForms)")
    }

    /// The largest offset in use, UTC+14:00 (Line Islands), in seconds.
    public static let maximumSeconds = 14 * 3600

    /// An offset as `--utc-offset` takes it: an optional `UTC`/`GMT` prefix, an optional sign, then
    /// `HH:MM`, `HHMM`, whole hours or decimal hours (`5.5`). Returns seconds east of UTC, or `nil`.
    public static func seconds(_ text: String) -> Int? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        if let prefix = ["UTC", "GMT"].first(where: { rest.hasPrefix($0) }) { rest = rest.dropFirst(prefix.count) }
        var sign = 1
        if rest.first == "-" {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.first == "+" {
            rest = rest.dropFirst()
        }
        return magnitude(rest, allowDecimalHours: true).map { sign * $0 }
    }

    /// An offset as written after a zone name in free text: a required sign, then `HH:MM`, `HHMM`
    /// or whole hours (`+2`, `-05:00`). Returns seconds east of UTC, or `nil`.
    static func signedSeconds(_ text: Substring) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        return magnitude(text.dropFirst(), allowDecimalHours: false).map { sign == "-" ? -$0 : $0 }
    }

    /// The unsigned offset in seconds, or `nil` when it is not one of the accepted forms or is
    /// more than ``maximumSeconds``.
    private static func magnitude(_ text: Substring, allowDecimalHours: Bool) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var hours: Int
        var minutes = 0
        if pieces.count == 2 {
            guard let h = digits(pieces[0], count: 1...2), let m = digits(pieces[1], count: 2...2) else { return nil }
            (hours, minutes) = (h, m)
        } else if let value = digits(text, count: 4...4) {
            (hours, minutes) = (value / 100, value % 100)
        } else if let h = digits(text, count: 1...2) {
            hours = h
        } else if allowDecimalHours {
            return decimalHours(text)
        } else {
            return nil
        }
        guard minutes < 60 else { return nil }
        let total = hours * 3600 + minutes * 60
        return total <= maximumSeconds ? total : nil
    }

    /// `5.5`, `5.75`: hours with a fraction of at most two digits, in seconds.
    private static func decimalHours(_ text: Substring) -> Int? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, let hours = digits(pieces[0], count: 1...2), let fraction = digits(pieces[1], count: 1...2)
        else { return nil }
        let hundredths = pieces[1].count == 1 ? fraction * 10 : fraction
        let total = hours * 3600 + hundredths * 36
        return total <= maximumSeconds ? total : nil
    }

    /// The value of `text` when it is only ASCII digits, as many as `count` allows; otherwise `nil`.
    private static func digits(_ text: Substring, count: ClosedRange<Int>) -> Int? {
        guard count.contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
