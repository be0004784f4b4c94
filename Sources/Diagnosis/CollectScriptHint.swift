import EventImport

/// The `rdpcause collect-script` command line that collects every log a diagnosis asks for at
/// once (the reports print it under "Logs to collect").
public enum CollectScriptHint {
    /// `rdpcause collect-script --host H --client C [--gateway G] --time T` for the primary failure,
    /// with `--gateway` when an RD Gateway's log is among the missing ones; a name that is not safe
    /// to paste into a shell or a script (`ScriptSafeName`) is left out.
    public static func command(for diagnosis: Diagnosis) -> String {
        var words = ["rdpcause", "collect-script"]
        if let failure = diagnosis.failures.first {
            if let host = failure.host, ScriptSafeName.isMachine(host) { words += ["--host", host] }
            if let client = failure.client, ScriptSafeName.isMachine(client) { words += ["--client", client] }
            if let gateway = missingGateway(in: diagnosis), ScriptSafeName.isMachine(gateway) { words += ["--gateway", gateway] }
            words += ["--time", failure.time.iso8601(fractionDigits: 0)]
        }
        return words.joined(separator: " ")
    }

    /// What the reports print before the command: the script runs on the gateway too when its log
    /// is missing.
    public static func lead(for diagnosis: Diagnosis) -> String {
        let machines = missingGateway(in: diagnosis) == nil ? "on the client and on the host" : "on the client, on the host and on the RD Gateway"
        return "To collect them all at once, run this command, then the script it prints \(machines) (add --ticket ID to name the zips after the ticket, or --cmd for a cmd.exe batch):"
    }

    /// The machine of a missing RD Gateway log, as the findings name it.
    private static func missingGateway(in diagnosis: Diagnosis) -> String? {
        diagnosis.missingLogs.first { $0.channel == GatewayPath.logNeed.channel }?.machine
    }
}

/// Names that may be written into a generated PowerShell or cmd.exe script and pasted into a
/// shell unquoted: letters, digits and a few separators, nothing a shell or script interprets.
public enum ScriptSafeName {
    /// A machine name, FQDN or IPv4 address: 1–253 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
    public static func isMachine(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 253, isAlphanumeric(first) else { return false }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// A ticket id: 1–64 of `A-Z a-z 0-9 . _ - #`, starting with a letter, digit or `#`.
    public static func isTicket(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64, isAlphanumeric(first) || first == "#" else {
            return false
        }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" || $0 == "#" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
