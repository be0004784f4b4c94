import EventImport

/// What a case says when it cannot be analysed at all: it holds no event records and no failure
/// to diagnose (no client error report, no `--time`) — nothing in it was readable (a missing
/// path, an empty folder, only files of types rdpcause does not read, Event Viewer CSV exports)
/// or it holds only text such as a ticket note. A case with an error report and no logs is
/// still diagnosed: its failure and the export commands for its machines say more.
/// Its verdict is `input-error`, and its notes say what was wrong and what to send instead.
struct InputErrorFinding {
    /// How to export a log in a form rdpcause reads, for the notes.
    static let exportAdvice =
        "export each log as XML (`wevtutil qe System /f:xml /e:Events > System.xml`) or as .evtx (`wevtutil epl System C:\\case\\System.evtx`)"

    let index: CaseIndex

    /// The diagnosis of a case with no failure found, when it holds no event records; else `nil`.
    func diagnose(warnings: [String]) -> Diagnosis? {
        guard index.coverage.isEmpty else { return nil }
        var notes: [String] = []
        let documents = index.documents.map(\.source).filter { !Diagnoser.isAnswerKey($0) }
        if documents.isEmpty {
            notes.append(
                index.importDiagnostics.isEmpty
                    ? "input error: the case holds no files" : "input error: nothing in the case could be read (the warnings say why)")
        } else {
            let listed = documents.prefix(3).joined(separator: ", ") + (documents.count > 3 ? " and \(documents.count - 3) more" : "")
            notes.append("input error: the case holds no event records, only text (\(listed)); causes are found in the event logs of the client and the host")
        }
        notes.append(
            "send the Remote Desktop client's and the host's event logs with the user's error text (the dialog's details, with its time stamp): "
                + "`rdpcause collect-script` prints a script that collects them all, or \(Self.exportAdvice)")
        return Diagnosis(verdict: .inputError, failures: [], missingLogs: [], warnings: warnings, inputs: index.inputs.sorted(), notes: notes)
    }
}
