import EventImport

extension FailedAttempt {
    /// The records that show the failure itself: the client's disconnect and connect records and
    /// the user's report.
    func anchors(in context: AttemptContext) -> [EvidenceItem] {
        var anchors: [EvidenceItem] = []
        if let disconnect {
            anchors.append(
                EvidenceItem(
                    .failure, rule: Diagnoser.RuleName.clientDisconnect, hit: disconnect,
                    meaning: "the client recorded the disconnect, reason \(code) (\(DisconnectCodes.hex(code)))"))
        }
        if let connectAttempt {
            anchors.append(
                EvidenceItem(
                    .failure, rule: Diagnoser.RuleName.clientConnectAttempt, hit: connectAttempt,
                    meaning: "the client started connecting to \(target ?? "the server")"))
        }
        if let report {
            var parts = ["the user's report: error code \(DisconnectCodes.hex(report.code ?? 0))"]
            if let extended = report.extendedCode { parts.append("extended \(DisconnectCodes.hex(extended))") }
            anchors.append(
                EvidenceItem(
                    role: .failure, rule: "client-report", meaning: parts.joined(separator: ", "), time: context.time,
                    computer: context.clientDisplay ?? "", channel: "", eventID: 0, recordID: nil,
                    origin: EventOrigin(source: report.source, line: report.line)))
        }
        return anchors
    }

    /// What the codes mean, with a note when the code is not 0x904.
    var codeMeaning: String {
        var meaning = DisconnectCodes.meaning(of: code).map { "\(DisconnectCodes.hex(code)): \($0)" }
            ?? "\(DisconnectCodes.hex(code)): an unknown disconnect reason"
        if code != DisconnectCodes.socketClosed {
            meaning += " — note: this is not 0x904; the causes below are weighed for the code the client actually reported"
        }
        if let extendedCode {
            meaning += "; extended \(DisconnectCodes.hex(extendedCode)): \(DisconnectCodes.extendedMeaning(of: extendedCode) ?? "unknown")"
        }
        return meaning
    }
}
