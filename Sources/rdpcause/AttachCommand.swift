import ArgumentParser
import EventImport
import Foundation
import Tickets

/// `rdpcause attach`: post one findings folder to a ticket by hand.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Post a findings folder (findings.md, .json, .html) to a ticket.",
        discussion: """
            Adds one comment (or note) to the ticket: findings.md as the text, findings.json and findings.html \
            attached. The ticket system and credentials come from the environment (RDPCAUSE_TICKET_SYSTEM, \
            RDPCAUSE_RT_URL, RDPCAUSE_RT_TOKEN, …) or --config FILE, never from the command line. The comment \
            carries a marker derived from the findings' content; if the ticket already has it, nothing is posted \
            again. Transient failures (timeouts, 5xx) are retried with backoff; 4xx are not.

            --dry-run prints the requests that would be sent (method, URL, headers and a summary of the body \
            with the attachments' names and sizes; credentials masked) and sends nothing: the searches for the \
            marker are assumed to find nothing.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Option(help: "The ticket: RT-1234, #1234, INC0012345, a Jira key, or a bare id.")
    var ticket: String

    @Argument(help: "The findings folder (as written by analyze --output or watch).")
    var findingsDir: String

    @Option(help: ArgumentHelp("Ticket-system configuration (YAML); the environment overrides it.", valueName: "file"))
    var config: String?

    @Flag(help: "Print the requests that would be sent (credentials masked); send nothing.")
    var dryRun = false

    func run() throws {
        let recorder = dryRun ? RequestRecorder() : nil
        let setup = try TicketSetup(command: "attach", config: config, ticket: ticket, recorder: recorder)
        let findings: Findings
        do {
            findings = try Findings.load(directory: findingsDir)
        } catch {
            throw Self.failure(error.description, status: ExitStatus.inputError)
        }
        do {
            let receipt = try setup.client.deliver(findings, to: setup.reference)
            if let recorder {
                // The plan quotes the findings and the configuration: shown terminal-safe.
                for line in recorder.requests.flatMap(\.lines) { print(TerminalSafe.line(line)) }
                print("dry run: \(recorder.requests.count) requests to \(receipt.system) ticket \(TerminalSafe.line(receipt.ticket)) not sent")
                return
            }
            // The receipt holds what the ticket system answered: shown terminal-safe.
            print(
                TerminalSafe.line(
                    receipt.alreadyPresent
                    ? "\(findingsDir): already on \(receipt.system) ticket \(receipt.ticket) (\(findings.marker)); nothing posted"
                    : "\(findingsDir): posted to \(receipt.system) ticket \(receipt.ticket)"
                        + (receipt.reference.isEmpty ? "" : " (\(receipt.reference))")))
        } catch {
            throw Self.failure(error.description, status: ExitStatus.ticketSystemUnavailable)
        }
    }

    /// Prints `message` and returns the exit to throw (see ``TicketSetup/failure(command:_:status:)``).
    static func failure(_ message: String, status: Int32) -> ExitCode {
        TicketSetup.failure(command: "attach", message, status: status)
    }
}
