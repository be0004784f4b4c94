public import EventImport

/// The JSON contract of `rdpcause analyze --format json` (schema: `Schemas/diagnosis.schema.json`).
///
/// Keys are stable; new keys may be added, none are removed or renamed. Times are UTC ISO 8601.
public enum DiagnosisJSON {
    /// The schema version written as `schemaVersion`.
    public static let schemaVersion = 1

    /// The whole diagnosis as one JSON document (pretty-printed when `pretty`).
    public static func document(_ diagnosis: Diagnosis) -> String {
        var json = JSONWriter()
        write(diagnosis, to: &json)
        json.newline()
        return json.text
    }

    /// Writes the diagnosis object.
    public static func write(_ diagnosis: Diagnosis, to json: inout JSONWriter) {
        json.beginObject()
        json.member("schemaVersion", schemaVersion)
        if let input = diagnosis.caseInput { json.member("case", input) }
        if let time = diagnosis.analysedAt { json.member("analysedAt", time) }
        if let version = diagnosis.rdpcauseVersion { json.member("rdpcauseVersion", version) }
        if let version = diagnosis.rulesVersion { json.member("rulesVersion", version) }
        json.member("verdict", diagnosis.verdict.rawValue)
        if !diagnosis.ticketIDs.isEmpty { stringArray("ticketIds", diagnosis.ticketIDs, &json) }
        json.key("failures")
        json.beginArray()
        for failure in diagnosis.failures {
            json.element()
            write(failure, to: &json)
        }
        json.endArray()
        json.key("missingLogs")
        json.beginArray()
        for log in diagnosis.missingLogs {
            json.element()
            json.beginObject()
            json.member("machine", log.machine)
            json.member("log", log.channel)
            json.member("reason", log.reason)
            json.member("command", log.command)
            json.endObject()
        }
        json.endArray()
        stringArray("warnings", diagnosis.warnings, &json)
        stringArray("inputs", diagnosis.inputs, &json)
        stringArray("notes", diagnosis.notes, &json)
        json.key("candidates")
        evidenceArray(diagnosis.candidates, &json)
        json.key("noFailureEvidence")
        evidenceArray(diagnosis.noFailureEvidence, &json)
        json.endObject()
    }

    private static func write(_ failure: FailureDiagnosis, to json: inout JSONWriter) {
        json.beginObject()
        json.member("host", failure.host)
        json.member("client", failure.client)
        json.member("time", failure.time.iso8601(fractionDigits: 3))
        json.member("hostTime", failure.hostTime?.iso8601(fractionDigits: 3))
        json.member("code", DisconnectCodes.hex(failure.code))
        json.member("extendedCode", failure.extendedCode.map(DisconnectCodes.hex))
        json.member("verdict", failure.verdict.rawValue)
        json.key("clockSkewSeconds")
        if let skew = failure.clockSkewSeconds { json.number(skew) } else { json.null() }
        json.member("codeMeaning", failure.codeMeaning)
        // How far the top cause lies above the runner-up (null with fewer than two causes).
        json.member("runnerUp", failure.runnerUp?.id)
        json.key("margin")
        if let margin = failure.margin { json.number(margin) } else { json.null() }
        stringArray("context", failure.context, &json)
        json.key("anchors")
        evidenceArray(failure.anchors, &json)
        json.key("causes")
        json.beginArray()
        for cause in failure.causes {
            json.element()
            json.beginObject()
            json.member("id", cause.id)
            json.member("title", cause.title)
            json.member("status", cause.status.rawValue)
            json.key("confidence")
            json.number(cause.confidence)
            json.member("summary", cause.summary)
            if !cause.sharedWith.isEmpty { stringArray("sharedWith", cause.sharedWith, &json) }
            json.key("evidence")
            evidenceArray(cause.evidence, &json)
            stringArray("remediation", cause.remediation, &json)
            stringArray("references", cause.references, &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    private static func evidenceArray(_ items: [EvidenceItem], _ json: inout JSONWriter) {
        json.beginArray()
        for item in items {
            json.element()
            json.beginObject()
            json.member("role", item.role.rawValue)
            json.member("rule", item.rule)
            json.member("meaning", item.meaning)
            json.member("time", item.time.iso8601(fractionDigits: 3))
            json.member("computer", item.computer)
            json.member("channel", item.channel)
            json.member("eventId", item.eventID)
            json.member("recordId", item.recordID)
            json.member("source", item.origin.source)
            json.member("line", item.origin.line)
            if item.atAttempt {
                json.key("atAttempt")
                json.bool(true)
            }
            json.endObject()
        }
        json.endArray()
    }

    private static func stringArray(_ key: String, _ values: [String], _ json: inout JSONWriter) {
        json.key(key)
        json.beginArray()
        for value in values {
            json.element()
            json.string(value)
        }
        json.endArray()
    }
}
