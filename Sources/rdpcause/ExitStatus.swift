import ArgumentParser

/// The exit statuses of every rdpcause command: one scheme, documented once (README, "Exit
/// status", and the root command's help). A run that meets several ends with the highest.
enum ExitStatus {
    /// The command's answer is negative: a case is inconclusive (`analyze`), rules have errors
    /// (`rules lint|list`), a sample case failed (`rules test`) or `tickets check` answered no.
    static let negative: Int32 = 1
    /// An input or a rule could not be read; everything readable was still processed
    /// (`analyze` also for a case with the `input-error` verdict).
    static let inputError: Int32 = 2
    /// A usage error: an unknown option, a value that cannot be read (ArgumentParser's own status).
    static let usage: Int32 = 64
    /// The ticket system could not be reached or refused the request.
    static let ticketSystemUnavailable: Int32 = 69
    /// An output could not be written: a findings folder, or the watcher's folders and ledger
    /// (the service could not start or stopped on it).
    static let outputNotWritten: Int32 = 73
    /// The ticket-system configuration is missing or wrong.
    static let configuration: Int32 = 78

    /// The scheme as help text (one paragraph, no hard line breaks).
    static let help =
        "Exit status, the same for every command: 0 done; 1 a negative answer (a case is inconclusive, rules have errors, a rule test failed); 2 an input or a rule could not be read (everything readable was still processed; also a case whose verdict is input-error); 64 usage error; 69 the ticket system could not be reached or refused; 73 an output could not be written (findings, the watcher's folders or ledger); 78 the ticket configuration is missing or wrong."
}
