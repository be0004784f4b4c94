/// A System log in the `wevtutil qe /f:xml` shape (one event per line), large on purpose: for
/// tests of how reading a long input behaves (progress, memory), not of what it says.
public enum SyntheticSystemLog {
    /// `records` Service Control Manager 7036 events numbered from 1, each with `binaryUnits`
    /// UTF-16 units of Binary data (4 hex digits each) to make it as large as wanted.
    public static func text(records: Int, binaryUnits: Int) -> String {
        var text = ""
        let binary = String(repeating: "7700", count: binaryUnits)
        for id in 1...max(1, records) {
            text += "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager'/>"
            text += "<EventID Qualifiers='16384'>7036</EventID><TimeCreated SystemTime='2026-05-19T13:07:08.330Z'/><EventRecordID>\(id)</EventRecordID>"
            text += "<Channel>System</Channel><Computer>APPSRV-07</Computer></System><EventData><Data Name='param1'>Windows Update</Data>"
            text += "<Data Name='param2'>running</Data><Binary>\(binary)</Binary></EventData></Event>\r\n"
        }
        return text
    }
}
