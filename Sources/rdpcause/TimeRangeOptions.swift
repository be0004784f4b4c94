import ArgumentParser
import EventImport

/// `--since` and `--until`, as `hunt` and `events` take them: checked once, read as event times.
struct TimeRangeOptions: ParsableArguments {
    @Option(help: "Leave out events before this time (YYYY-MM-DD, or ISO 8601; UTC unless it has an offset).")
    var since: String?

    @Option(help: "Leave out events after this time (same forms as --since).")
    var until: String?

    /// The start of the range, when given.
    var start: EventTimestamp? { since.flatMap(EventFilter.time) }

    /// The end of the range, when given.
    var end: EventTimestamp? { until.flatMap(EventFilter.time) }

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, EventFilter.time(value) == nil {
                throw ValidationError(TerminalSafe.line("\(name) '\(value)' is not a time: use \(EventFilter.timeForms)"))
            }
        }
    }
}
