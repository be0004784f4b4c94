/// The labels of a client error report that are read by name, lower-cased: the English ones of
/// the mstsc dialog and the Windows App, and localized ones only where the authentic Windows
/// string is known, each with its source beside it. No label is translated: a report in any
/// other language is recognised by what every language shares, its `label: 0x…` code lines, the
/// timestamp's shape and the activity id (``ReportReading/byShape(_:)``).
enum ReportLabels {
    /// What a label names.
    enum Field {
        /// `Error code: 0x904`: it opens a report.
        case code
        /// `Extended error code: 0x7`.
        case extendedCode
        /// `Timestamp: …`, the client's local time unless it ends in `Z`.
        case timestamp
        /// `Timestamp (UTC): …`.
        case timestampUTC
        /// `Activity ID: {…}`.
        case activityID
        /// The target, where the text names it.
        case remoteComputer
    }

    /// Every label read, and what it names.
    static let fields: [String: Field] = [
        // English: the mstsc dialog and the Remote Desktop client details, as copied with Ctrl+C, e.g.
        // https://github.com/sebaxakerhtc/rdpwrap.ini/issues/305 (mstsc: Error code, Extended
        // error code, Timestamp (UTC)) and https://github.com/MicrosoftDocs/azure-docs/issues/60645
        // (the same, and Activity ID); `Remote computer`, `Computer`, `Server` and `Remote PC`
        // name the target where a client or a help desk adds it to the text.
        "error code": .code,
        "extended error code": .extendedCode,
        "timestamp": .timestamp,
        "timestamp (utc)": .timestampUTC,
        "activity id": .activityID,
        "remote computer": .remoteComputer,
        "computer": .remoteComputer,
        "server": .remoteComputer,
        "remote pc": .remoteComputer,
        // Simplified Chinese (zh-CN) mstsc dialog, copied with Ctrl+C (full-width colons):
        // https://github.com/anhkgg/SuperRDP/issues/38 (错误代码, 扩展错误代码, 时间戳 (UTC)) and
        // https://github.com/tp4a/teleport/issues/301 (错误代码, 扩展错误代码 with 0x7).
        "错误代码": .code,
        "扩展错误代码": .extendedCode,
        "时间戳 (utc)": .timestampUTC,
    ]

    /// The separators between a label and its value: `:`, `=`, and the full-width colon `：` of
    /// Chinese and Japanese text.
    static func isSeparator(_ character: Character) -> Bool {
        character == ":" || character == "=" || character == "："
    }
}
