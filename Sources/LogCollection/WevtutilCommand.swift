import EventImport

/// The `wevtutil` command lines of a collection script, as documented
/// (`wevtutil {qe | query-events} <Path> [/q:<Query>] [/f:<Format>] [/e:<Element>]`,
/// `wevtutil {epl | export-log} <Path> <Exportfile> [/q:<Query>] [/ow:<Overwrite>]`, `/uni:<Unicode>`).
struct WevtutilCommand {
    /// What an export without a failure time reaches back beyond each log's own reach: a day.
    static let recentReach: Int64 = 86_400

    /// The log.
    let log: CollectionPlan.Log
    /// The failure time, or nil for "the recent past".
    let time: EventTimestamp?

    /// The file the XML goes to: the channel with `/` and spaces as `_`.
    var xmlFile: String { baseName + ".xml" }
    /// The file a whole-log `.evtx` export goes to.
    var evtxFile: String { baseName + ".evtx" }

    private var baseName: String {
        String(log.channel.map { $0 == "/" || $0 == " " ? "_" : $0 })
    }

    /// The XPath filter: the events written between the log's reach before and after the failure,
    /// or (without a time) the last day and the log's reach before it.
    var query: String {
        guard let time else {
            let milliseconds = (Self.recentReach + log.secondsBefore) * 1000
            return "*[System[TimeCreated[timediff(@SystemTime) <= \(milliseconds)]]]"
        }
        let start = EventTimestamp(ticks: time.ticks - log.secondsBefore * EventTimestamp.ticksPerSecond)
        let end = EventTimestamp(ticks: time.ticks + log.secondsAfter * EventTimestamp.ticksPerSecond)
        return "*[System[TimeCreated[@SystemTime>='\(start.iso8601(fractionDigits: 3))' and @SystemTime<='\(end.iso8601(fractionDigits: 3))']]]"
    }

    /// The arguments of `wevtutil` that print the events as XML: one `<Events>` document, in
    /// UTF-16 (`/uni:true`) so that no character is lost to the console code page.
    var queryArguments: String {
        "qe \"\(log.channel)\" \"/q:\(query)\" /f:xml /e:Events /uni:true"
    }

    /// The arguments of `wevtutil` that save the same events as `.evtx` (for when rdpcause reads it).
    func exportArguments(to file: String) -> String {
        "epl \"\(log.channel)\" \"\(file)\" \"/q:\(query)\" /ow:true"
    }
}
