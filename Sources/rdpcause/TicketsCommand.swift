import ArgumentParser
import EventImport
import Foundation
import Tickets

/// `rdpcause tickets`: commands about the ticket-system connection.
struct TicketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "Check the ticket-system connection.",
        subcommands: [TicketsCheckCommand.self]
    )
}

/// `rdpcause tickets check`: authenticate, read one ticket and say what a delivery can and cannot do.
struct TicketsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Authenticate, find a ticket and say what a delivery to it can and cannot do.",
        discussion: """
            Read calls only; nothing is posted. One line per capability (yes, no, unknown), with the ticket \
            system's own error text when it refused. RT: GET /REST/2.0/ticket/<id> (and the comment link RT \
            offers this user), its history. Jira: the issue and this user's ADD_COMMENTS / CREATE_ATTACHMENTS \
            permissions. Zendesk: the ticket and its comments. ServiceNow: the record by number. The configuration \
            is the one attach and watch use (environment or --config FILE).

            Exit status: 0 every answer is yes or cannot be asked; 1 a negative answer (the ticket is not found, \
            a right is missing); 69 the ticket system could not be reached or refused the credentials; 78 the \
            configuration is missing or wrong.
            """
    )

    @Option(help: "The ticket: RT-1234, #1234, INC0012345, a Jira key, or a bare id.")
    var ticket: String

    @Option(help: ArgumentHelp("Ticket-system configuration (YAML); the environment overrides it.", valueName: "file"))
    var config: String?

    func run() throws {
        let setup = try TicketSetup(command: "tickets check", config: config, ticket: ticket)
        print(TerminalSafe.line("checking \(setup.configuration.description)"))
        let report = setup.client.check(setup.reference)
        // The report quotes the ticket system (subjects, error pages): shown terminal-safe.
        for line in report.lines { print(TerminalSafe.line(line)) }
        if report.unavailable != nil { throw ExitCode(ExitStatus.ticketSystemUnavailable) }
        if !report.passed { throw ExitCode(ExitStatus.negative) }
    }
}
