import Foundation
import TestSupport
import Testing

/// Conventions every command keeps: help that reflows, one exit-status scheme, usage of the
/// command that ran, suggestions for misspelt commands, completions.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct ConventionTests {
    /// A paragraph's first and last words for each command whose discussion used to break into
    /// ragged lines: at a width of 3000 columns, each paragraph must come out as one line.
    @Test(arguments: [
        (["analyze"], "Each argument is one case", "Schemas/diagnosis.schema.json."),
        (["events"], "Reads files, folders and archives", "(\"NDJSON event format\")."),
        (["rules", "test"], "Loads the rules as every command does", "at least one event in it."),
        (["watch"], "Watches DROP-DIR with inotify", "whatever the umask."),
        (["attach"], "Adds one comment", "4xx are not."),
    ])
    func discussionsHaveNoHardLineBreaks(command: [String], first: String, last: String) throws {
        let run = try RDPCauseCommand.run(["help"] + command, environment: ["COLUMNS": "3000"])
        #expect(run.status == 0)
        let lines = run.outputText.split(separator: "\n")
        #expect(lines.contains { $0.contains(first) && $0.hasSuffix(last) }, "\(command): \(run.outputText.prefix(1500))")
    }

    @Test(arguments: [["analyze"], ["rules", "test"], ["watch"], ["hunt"], ["attach"], ["collect-script"]])
    func noDefaultIsStatedTwice(command: [String]) throws {
        let run = try RDPCauseCommand.run(["help"] + command, environment: ["COLUMNS": "3000"])
        for line in run.outputText.split(separator: "\n") {
            #expect(line.components(separatedBy: "default").count <= 2, "\(command): \(line)")
        }
    }

    @Test func theExitStatusSchemeIsInTheRootHelp() throws {
        let run = try RDPCauseCommand.run(["--help"], environment: ["COLUMNS": "3000"])
        #expect(run.outputText.contains("Exit status, the same for every command: 0 done; 1 a negative answer"), "\(run.outputText)")
    }

    @Test func unreadableInputIsTwoForHuntAsForAnalyzeAndEvents() throws {
        for command in ["hunt", "events", "analyze"] {
            let run = try RDPCauseCommand.run([command, "/nonexistent/rdpcause-input"])
            #expect(run.status == 2, "\(command): \(run.status) \(run.errorText)")
        }
    }

    @Test func anErrorWhileRunningPrintsTheUsageOfTheCommandThatRan() throws {
        let explain = try RDPCauseCommand.run(["explain", "no-such-cause"])
        #expect(explain.status == 64)
        #expect(explain.errorText.contains("Usage: rdpcause explain [<cause>]"), "\(explain.errorText)")
        let test = try RDPCauseCommand.run(["rules", "test", "--samples", "/nonexistent/samples"])
        #expect(test.status == 64)
        #expect(test.errorText.contains("Usage: rdpcause rules test"), "\(test.errorText)")
        #expect(test.errorText.contains("See 'rdpcause rules test --help'"), "\(test.errorText)")
    }

    @Test func aMisspeltCommandGetsASuggestionAndAnalyseIsAccepted() throws {
        let typo = try RDPCauseCommand.run(["analze", "case"])
        #expect(typo.status == 64)
        #expect(typo.errorText.hasPrefix("Error: unknown command 'analze'; did you mean 'analyze'?"), "\(typo.errorText)")
        let british = try RDPCauseCommand.run(["analyse", "/nonexistent/rdpcause-case"])
        #expect(british.status == 2)
        #expect(british.outputText.hasPrefix("Case /nonexistent/rdpcause-case: input error"), "\(british.outputText)")
    }

    @Test func completionsOfExplainAreCauseIDs() throws {
        let script = try RDPCauseCommand.run(["--generate-completion-script", "bash"])
        #expect(script.outputText.contains("---completion explain -- positional@0"), "explain's argument completes by calling rdpcause")
        let run = try RDPCauseCommand.run(["---completion", "explain", "--", "positional@0", "2", "2", "rdpcause", "explain", "ho"])
        #expect(run.outputText.split(separator: "\n") == ["host-asleep"], "\(run.outputText) \(run.errorText)")
    }
}

/// Ticket-configuration mistakes end with the configuration status, for `attach` and `watch` alike.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct ConfigurationExitTests {
    @Test func attachWithoutATicketSystemExitsWithTheConfigurationStatus() throws {
        let work = try temporaryFolder("attach-unconfigured")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let run = try RDPCauseCommand.run(["attach", "--ticket", "RT-1", work])
        #expect(run.status == 78, "\(run.errorText)")
        #expect(run.errorText.hasPrefix("rdpcause attach: no ticket system configured"), "\(run.errorText)")
    }

    @Test func watchWithAMisspeltKeyExitsWithTheConfigurationStatusAndTheNearestKey() throws {
        let work = try temporaryFolder("watch-misconfigured")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/drop", withIntermediateDirectories: true)
        try "system: servicenow\nurl: http://127.0.0.1:1\ntoken: t\nservicenow_table: change_request\n"
            .write(toFile: work + "/tickets.yaml", atomically: true, encoding: .utf8)
        let run = try RDPCauseCommand.run(["watch", "--once", "--config", work + "/tickets.yaml", work + "/drop", "--output", work + "/out"])
        #expect(run.status == 78, "\(run.errorText)")
        #expect(run.errorText.contains("did you mean `servicenowTable`?"), "\(run.errorText)")
    }
}
