import ArgumentParser
import EventImport
import Foundation
import Tickets

/// What `attach` and `tickets check` share: the configured client and the ticket, or the exit.
struct TicketSetup {
    /// The configuration (environment and `--config`).
    var configuration: TicketingConfiguration
    /// The client (recording instead of sending when given a recorder).
    var client: any TicketClient
    /// The ticket the user named.
    var reference: TicketReference

    /// Loads the configuration from `config` and the environment, builds the client and resolves
    /// `ticket`; a missing or wrong configuration ends `command` with ``ExitStatus/configuration``.
    init(command: String, config: String?, ticket: String, recorder: RequestRecorder? = nil) throws {
        do {
            guard let loaded = try TicketingConfiguration.load(file: config) else {
                throw Self.failure(
                    command: command,
                    "no ticket system configured: set RDPCAUSE_TICKET_SYSTEM and RDPCAUSE_<SYSTEM>_URL / _TOKEN, or pass --config FILE",
                    status: ExitStatus.configuration)
            }
            configuration = loaded
            client = try loaded.makeClient(recorder: recorder)
            reference = try loaded.reference(for: ticket)
        } catch let error as TicketError {
            throw Self.failure(command: command, error.description, status: ExitStatus.configuration)
        }
    }

    /// Prints `message` (terminal-safe: it may quote the ticket system) and returns the exit to throw.
    static func failure(command: String, _ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data((TerminalSafe.line("rdpcause \(command): \(message)") + "\n").utf8))
        return ExitCode(status)
    }
}
