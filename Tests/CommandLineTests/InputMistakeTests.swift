import Foundation
import TestSupport
import Testing

/// Ordinary mistakes a new user makes: each gets a clear answer and a non-zero exit, never a
/// clean-looking "no failure found".
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct InputMistakeTests {
    let samples = RDPCauseCommand.repository + "/SampleLogs"

    /// The `verdict` of each JSON document on standard output (one per line).
    func verdicts(_ run: RDPCauseCommand.Run) -> [String] {
        run.outputText.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["verdict"] as? String
        }
    }

    @Test func aMissingPathIsAnInputErrorWithExitTwo() throws {
        let text = try RDPCauseCommand.run(["analyze", "/nonexistent/rdpcause-case"])
        #expect(text.status == 2)
        #expect(text.outputText.hasPrefix("Case /nonexistent/rdpcause-case: input error"), "\(text.outputText)")
        #expect(text.outputText.contains("no such file or folder"))
        #expect(text.outputText.contains("collect-script"), "it says what to send: \(text.outputText)")
        let json = try RDPCauseCommand.run(["analyze", "--format", "json", "/nonexistent/rdpcause-case"])
        #expect(json.status == 2)
        #expect(verdicts(json) == ["input-error"], "\(json.outputText)")
    }

    @Test func anEmptyFolderIsAnInputErrorInEveryFormat() throws {
        let work = try temporaryFolder("empty-case")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/case1", withIntermediateDirectories: true)
        let run = try RDPCauseCommand.run(["analyze", "--output", work + "/out", work + "/case1"])
        #expect(run.status == 2)
        let markdown = try String(contentsOfFile: work + "/out/case1/findings.md", encoding: .utf8)
        #expect(markdown.contains("— input error"), "\(markdown)")
        #expect(markdown.contains("the case holds no files"))
        let html = try String(contentsOfFile: work + "/out/case1/findings.html", encoding: .utf8)
        #expect(html.contains("verdict-input-error"), "the verdict badge is marked")
        #expect(html.contains("the case holds no files"))
        let json = try String(contentsOfFile: work + "/out/case1/findings.json", encoding: .utf8)
        #expect(json.contains("\"verdict\":\"input-error\""), "\(json)")
    }

    @Test func eventViewerCSVAndTextExportsAreNamedAndRefused() throws {
        let work = try temporaryFolder("csv-case")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try "Level,Date and Time,Source,Event ID,Task Category\r\nError,6/12/2026 9:41:53 PM,Schannel,36871,None,\"A fatal error occurred.\"\r\n"
            .write(toFile: work + "/System.csv", atomically: true, encoding: .utf8)
        try "Level\tDate and Time\tSource\tEvent ID\tTask Category\r\nError\t6/12/2026 9:41:53 PM\tSchannel\t36871\tNone\r\n"
            .write(toFile: work + "/Application.txt", atomically: true, encoding: .utf16LittleEndian)
        try "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\n\"Message\",\"Id\",\"ProviderName\",\"TimeCreated\"\n"
            .write(toFile: work + "/Security.csv", atomically: true, encoding: .utf8)
        let run = try RDPCauseCommand.run(["analyze", "--format", "json", work])
        #expect(run.status == 2)
        #expect(verdicts(run) == ["input-error"], "\(run.outputText)")
        for (file, kind) in [("System.csv", "an Event Viewer CSV export"), ("Application.txt", "an Event Viewer text (tab-delimited) export"),
            ("Security.csv", "a PowerShell Export-Csv of event records")]
        {
            #expect(
                run.outputText.contains("\(file): error: \(kind) has no event data fields: export as XML or .evtx"),
                "\(file): \(run.outputText)")
        }
    }

    @Test func aTicketNoteAloneIsAnInputError() throws {
        let work = try temporaryFolder("note-case")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try "User cannot connect to RDSH-07, gets 0x904 since this morning.".write(toFile: work + "/ticket.txt", atomically: true, encoding: .utf8)
        let run = try RDPCauseCommand.run(["analyze", work])
        #expect(run.status == 2)
        #expect(run.outputText.contains("the case holds no event records, only text"), "\(run.outputText)")
    }

    @Test func hostLogsWithoutAClientArtefactSayTheFailureIsNotLocated() throws {
        let run = try RDPCauseCommand.run(["analyze", samples + "/client-side/RDSH-07"])
        #expect(run.status == 1, "\(run.outputText)")
        #expect(run.outputText.contains("failure not located"), "\(run.outputText)")
        #expect(!run.outputText.contains("input error"))
    }

    @Test(arguments: [["--time", "yesterday"], ["--time", "2026-13-45T99:00:00"], ["--utc-offset", "CET"], ["--utc-offset", "+15"]])
    func anUnreadableTimeOrOffsetIsAUsageErrorListingTheAcceptedForms(option: [String]) throws {
        let run = try RDPCauseCommand.run(["analyze"] + option + [samples + "/client-side"])
        #expect(run.status == 64, "\(run.errorText)")
        #expect(run.errorText.contains("accepted forms:"), "\(run.errorText)")
        #expect(run.outputText.isEmpty)
    }

    @Test func aReadableTimeIsAccepted() throws {
        let run = try RDPCauseCommand.run(["analyze", "--time", "2026-07-08T03:15:44Z", "--utc-offset", "+02:00", samples + "/client-side"])
        #expect(run.status != 64, "\(run.errorText)")
    }

    /// Writes `data` into a pipe on another thread and returns the pipe's reading end.
    func pipe(_ data: Data) -> FileHandle {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        Thread.detachNewThread {
            try? writer.write(contentsOf: data)
            try? writer.close()
        }
        return pipe.fileHandleForReading
    }

    @Test func aZipStreamOnStandardInputIsACase() throws {
        let zip = try Data(contentsOf: URL(fileURLWithPath: samples + "/tls-mismatch.zip"))
        let run = try RDPCauseCommand.run(["analyze", "--format", "json", "-"], input: pipe(zip))
        #expect(verdicts(run) == ["cause-found"], "\(run.outputText) \(run.errorText)")
    }

    @Test func aTarStreamOnStandardInputIsACase() throws {
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-cf", "-", "-C", samples, "client-side"]
        let stream = Pipe()
        tar.standardOutput = stream
        try tar.run()
        let run = try RDPCauseCommand.run(["analyze", "-"], input: stream.fileHandleForReading)
        tar.waitUntilExit()
        #expect(run.outputText.hasPrefix("Case -: cause found"), "\(run.outputText) \(run.errorText)")
        #expect(run.status == 0)
    }

    @Test func oneLogOnStandardInputIsACase() throws {
        let log = try Data(contentsOf: URL(fileURLWithPath: samples + "/client-side/WKS-099/Microsoft-Windows-TerminalServices-RDPClient-Operational.xml"))
        let run = try RDPCauseCommand.run(["analyze", "-"], input: pipe(log))
        #expect(run.outputText.hasPrefix("Case -: inconclusive"), "\(run.outputText)")
        #expect(run.outputText.contains("Failure 1: WKS-099"))
    }
}
