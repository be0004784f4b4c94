import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DropFolder
@testable import Tickets

#if canImport(Glibc)
    import Glibc
#endif

private let repository = RDPCauseCommand.repository

private func launch(_ arguments: [String], environment: [String: String]) throws -> Process {
    try RDPCauseCommand.launch(arguments, environment: environment)
}

/// Puts inputs into the drop folder the way producers do: copy under a temporary name, then rename.
func drop(_ source: String, as name: String, into folder: String) throws {
    let temporary = folder + "/" + name + ".part"
    try FileManager.default.copyItem(atPath: source, toPath: temporary)
    guard rename(temporary, folder + "/" + name) == 0 else { throw POSIXError(.EIO) }
}

/// The backends the crash test delivers to: the fake Jira always, the real RT5 when it runs.
enum Backend: String, CaseIterable, Sendable {
    case fakeJira
    case requestTracker
}

struct CrashSafetyTests {
    /// Kills `rdpcause watch` with SIGKILL at random moments over many rounds (new inputs arrive
    /// between rounds), then lets a final `--once` run finish, and checks that every input was
    /// analysed once (one `done` per content hash, exactly three findings files per case), delivered
    /// once (one `delivered` record per hash and exactly one comment with the case's marker on the
    /// ticket, with the attachment bytes equal to the files on disk), duplicates were not analysed,
    /// the garbage input was quarantined with a reason, and the drop folder is empty.
    @Test(arguments: Backend.allCases.filter { $0 == .fakeJira || RTEnvironment.isAvailable })
    func killNineAtRandomMomentsLosesNothingAndPostsNothingTwice(backend: Backend) throws {
        let work = try temporaryFolder("crash")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dropFolder = work + "/drop", output = work + "/out"
        try FileManager.default.createDirectory(atPath: dropFolder, withIntermediateDirectories: true)
        let jira = FakeJira(delay: 0.05)
        let server = try LocalHTTPServer { jira.handle($0) }
        var environment: [String: String]
        var tickets: [String: String] = [:]  // case name → ticket id
        let samples = ["tls-mismatch.zip", "certificate-expired.zip", "distractor.tar.zst", "profile-corrupt.tar.zst"]
        var inputs: [(source: String, name: String)] = []
        switch backend {
        case .fakeJira:
            environment = ["RDPCAUSE_TICKET_SYSTEM": "jira", "RDPCAUSE_JIRA_URL": server.url, "RDPCAUSE_JIRA_TOKEN": "t"]
            for (index, sample) in samples.enumerated() {
                let ext = sample.hasSuffix(".zip") ? ".zip" : ".tar.zst"
                inputs.append((repository + "/SampleLogs/" + sample, "RT-\(100 + index)\(ext)"))
                tickets["RT-\(100 + index)"] = "\(100 + index)"
            }
        case .requestTracker:
            let rt = try #require(RTEnvironment.current)
            environment = ["RDPCAUSE_RT_URL": rt.url, "RDPCAUSE_RT_TOKEN": rt.token]
            for sample in samples {
                let id = try rt.createTicket(subject: "crash test \(sample)")
                let ext = sample.hasSuffix(".zip") ? ".zip" : ".tar.zst"
                inputs.append((repository + "/SampleLogs/" + sample, "RT-\(id)\(ext)"))
                tickets["RT-\(id)"] = id
            }
        }
        // A renamed copy of the first input (must not be analysed or delivered again) and garbage.
        let garbage = work + "/garbage.bin"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: garbage))
        let extras: [(source: String, name: String)] = [(inputs[0].source, "renamed-copy.zip"), (garbage, "garbage.bin")]
        var queue = inputs + extras
        // The test's own SIGKILLs may hit one input's analysis several times: that input is not a
        // poison input, so the quarantine threshold is set above the number of rounds.
        let arguments = [
            "watch", dropFolder, "--output", output, "--rules", repository + "/Rules", "--grace", "0.2", "--workers", "2",
            "--analysis-attempts", "100",
        ]
        // The case is named after the input its content was first seen as. The renamed copy must
        // lose to its original, so it is dropped only once the ledger has seen the original (under
        // load, the early watchers may all be killed before hashing anything; with both names
        // pending at once, either may be hashed first, and the design allows either name).
        let ledgerPath = output + "/.rdpcause-ledger.jsonl"
        func originalSeen() -> Bool {
            let text = (try? String(contentsOfFile: ledgerPath, encoding: .utf8)) ?? ""
            return text.contains("\"input\":\"\(inputs[0].name)\"")
        }
        func nextInput() -> (source: String, name: String)? {
            guard let next = queue.first, next.name != extras[0].name || originalSeen() else { return nil }
            queue.removeFirst()
            return next
        }
        var generator = SystemRandomNumberGenerator()
        let rounds = backend == .fakeJira ? 16 : 8
        for round in 0..<rounds {
            // Feed one or two new inputs per round, so inputs arrive while the watcher runs too.
            for _ in 0..<min(queue.count, round % 2 == 0 ? 2 : 1) {
                guard let next = nextInput() else { break }
                try drop(next.source, as: next.name, into: dropFolder)
            }
            let watcher = try launch(arguments, environment: environment)
            usleep(UInt32.random(in: 30_000...1_500_000, using: &generator))
            if round % 3 == 1, let next = nextInput() {  // arrives through inotify
                try drop(next.source, as: next.name, into: dropFolder)
                usleep(UInt32.random(in: 10_000...400_000, using: &generator))
            }
            kill(watcher.processIdentifier, SIGKILL)
            watcher.waitUntilExit()
            #expect(watcher.terminationReason == .uncaughtSignal)
        }
        if !queue.isEmpty, !originalSeen() {
            let settle = try launch(arguments + ["--once"], environment: environment)
            settle.waitUntilExit()
            #expect(settle.terminationStatus == 0)
        }
        for next in queue { try drop(next.source, as: next.name, into: dropFolder) }
        let final = try launch(arguments + ["--once"], environment: environment)
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)

        // The ledger: one done and one delivered per distinct content, the garbage failed.
        let ledger = try Ledger(path: output + "/.rdpcause-ledger.jsonl")
        let lines = try String(contentsOfFile: ledger.path, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(LedgerRecord.self, from: Data($0.utf8)) }
        let entries = ledger.allEntries
        #expect(entries.count == inputs.count + 1)
        for entry in entries {
            let done = records.filter { $0.hash == entry.hash && $0.state == .done }.count
            let delivered = records.filter { $0.hash == entry.hash && $0.state == .delivered }.count
            if entry.input == "garbage.bin" {
                #expect(entry.state == .failed && done == 0 && delivered == 0)
                continue
            }
            #expect(entry.state == .delivered, "\(entry)")
            #expect(done == 1, "\(entry.caseName ?? "") done \(done) times")
            #expect(delivered == 1, "\(entry.caseName ?? "") delivered \(delivered) times")
        }
        // The outputs: exactly the three findings files per case, valid JSON.
        let cases = try FileManager.default.contentsOfDirectory(atPath: output).filter { !$0.hasPrefix(".") }.sorted()
        #expect(cases == tickets.keys.sorted())
        for name in cases {
            let files = try FileManager.default.contentsOfDirectory(atPath: output + "/" + name).filter { !$0.hasPrefix(".") }
            #expect(files.sorted() == ["findings.html", "findings.json", "findings.md"])
            let json = try Data(contentsOf: URL(fileURLWithPath: output + "/\(name)/findings.json"))
            #expect((try? JSONSerialization.jsonObject(with: json)) != nil)
        }
        // The drop folder holds no input any more; the garbage is quarantined with its reason.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dropFolder).filter { !$0.hasPrefix(".") }.isEmpty)
        #expect(FileManager.default.fileExists(atPath: dropFolder + "/.quarantine/garbage.bin.reason.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dropFolder + "/.processed").count == inputs.count + 1)

        // The tickets: exactly one comment per case, attachments equal to the files on disk.
        for entry in entries where entry.state == .delivered {
            let caseName = try #require(entry.caseName)
            let ticket = try #require(tickets[caseName])
            let marker = "rdpcause:" + entry.hash.prefix(16)
            let json = try Data(contentsOf: URL(fileURLWithPath: output + "/\(caseName)/findings.json"))
            let html = try Data(contentsOf: URL(fileURLWithPath: output + "/\(caseName)/findings.html"))
            switch backend {
            case .fakeJira:
                let issue = try #require(jira.issues.withLock { $0[ticket] })
                #expect(issue.comments.filter { $0.contains(marker) }.count == 1, "\(caseName): \(issue.comments.count) comments")
                #expect(issue.attachments.count == 2)
                #expect(issue.attachments.first { $0.name == "findings.json" }?.data == json)
                #expect(issue.attachments.first { $0.name == "findings.html" }?.data == html)
            case .requestTracker:
                let rt = try #require(RTEnvironment.current)
                let comments = try rt.comments(ticket: ticket, marker: marker)
                #expect(comments.count == 1, "\(caseName): \(comments.count) comments with \(marker)")
                let attachments = try rt.attachments(transaction: try #require(comments.first))
                #expect(attachments.first { $0.name == "findings.json" }?.data == json)
                #expect(attachments.first { $0.name == "findings.html" }?.data == html)
            }
        }
        #expect(jira.violations.withLock { $0 }.isEmpty)
    }
}

struct DuplicateNameTests {
    /// A watcher killed right after recording `seen` for `RT-100.zip` leaves that content pending;
    /// if a renamed copy is what the next run finds, the case (and so the ticket) is still RT-100's.
    @Test func renamedCopyOfAPendingInputKeepsTheOriginalsCase() throws {
        let work = try temporaryFolder("rename")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dropFolder = work + "/drop", output = work + "/out"
        try FileManager.default.createDirectory(atPath: dropFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let source = repository + "/SampleLogs/tls-mismatch.zip"
        let hash = try DropFiles.contentHash(source)
        do {
            let ledger = try Ledger(path: output + "/.rdpcause-ledger.jsonl")
            var seen = LedgerRecord(hash: hash, state: .seen)
            seen.input = "RT-100.zip"
            try ledger.append(seen)
        }
        try drop(source, as: "renamed-copy.zip", into: dropFolder)
        let jira = FakeJira()
        let server = try LocalHTTPServer { jira.handle($0) }
        let environment = ["RDPCAUSE_TICKET_SYSTEM": "jira", "RDPCAUSE_JIRA_URL": server.url, "RDPCAUSE_JIRA_TOKEN": "t"]
        let watcher = try launch(
            ["watch", dropFolder, "--output", output, "--rules", repository + "/Rules", "--grace", "0", "--once"], environment: environment)
        watcher.waitUntilExit()
        #expect(watcher.terminationStatus == 0)

        let entry = try #require(try Ledger(path: output + "/.rdpcause-ledger.jsonl").entry(hash))
        #expect(entry.caseName == "RT-100")
        #expect(entry.state == .delivered)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).filter { !$0.hasPrefix(".") } == ["RT-100"])
        #expect(jira.issues.withLock { $0["100"]?.comments.count } == 1)
    }
}

struct LedgerTests {
    @Test func tornLastLineIsReportedAndCutOff() throws {
        let folder = try temporaryFolder("ledger")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ledger.jsonl"
        do {
            let ledger = try Ledger(path: path)
            try ledger.append(LedgerRecord(hash: "aa", state: .seen))
            try ledger.append(LedgerRecord(hash: "aa", state: .analysing))
            // A second watcher on the same ledger is refused.
            #expect(throws: DropFolderError.self) { try Ledger(path: path) }
        }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"hash":"aa","state":"do"#.utf8))
        handle.closeFile()
        let reopened = try Ledger(path: path)
        #expect(reopened.replayProblems.count == 1)
        #expect(reopened.entry("aa")?.state == .analysing)
        try reopened.append(LedgerRecord(hash: "aa", state: .done))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
        #expect(!text.contains(#""state":"do""#))
    }

    @Test func caseNameOwnedByOtherContentGetsHashSuffix() throws {
        let folder = try temporaryFolder("names")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = try Ledger(path: folder + "/ledger.jsonl")
        #expect(try ledger.startAnalysis(hash: "1111111111", input: "RT-1.zip", preferred: "RT-1") == "RT-1")
        #expect(try ledger.startAnalysis(hash: "2222222222", input: "RT-1.tar.zst", preferred: "RT-1") == "RT-1-22222222")
        #expect(try ledger.startAnalysis(hash: "1111111111", input: "RT-1.zip", preferred: "RT-1") == "RT-1")
    }

    @Test func ignoresTemporaryNames() {
        for name in [".hidden", "case.zip.part", "x.tmp", "y.TMP"] { #expect(DropFiles.isIgnored(name)) }
        for name in ["RT-1.zip", "case.tar.zst", "folder"] { #expect(!DropFiles.isIgnored(name)) }
    }
}

struct DeliveryBacklogTests {
    /// Cases analysed while no ticket system was configured are not all posted the moment
    /// delivery is turned on: only `--deliver-backlog` posts them; new cases are posted at once.
    @Test func earlierCasesArePostedOnlyWithDeliverBacklog() throws {
        let work = try temporaryFolder("backlog")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dropFolder = work + "/drop", output = work + "/out"
        try FileManager.default.createDirectory(atPath: dropFolder, withIntermediateDirectories: true)
        try drop(repository + "/SampleLogs/tls-mismatch.zip", as: "RT-100.zip", into: dropFolder)
        let arguments = ["watch", dropFolder, "--output", output, "--rules", repository + "/Rules", "--grace", "0", "--once"]
        let offline = try launch(arguments, environment: [:])
        offline.waitUntilExit()
        #expect(offline.terminationStatus == 0)

        let jira = FakeJira()
        let server = try LocalHTTPServer { jira.handle($0) }
        let environment = ["RDPCAUSE_TICKET_SYSTEM": "jira", "RDPCAUSE_JIRA_URL": server.url, "RDPCAUSE_JIRA_TOKEN": "t"]
        try drop(repository + "/SampleLogs/certificate-expired.zip", as: "RT-200.zip", into: dropFolder)
        let online = try launch(arguments, environment: environment)
        online.waitUntilExit()
        #expect(online.terminationStatus == 0)
        #expect(jira.issues.withLock { $0["100"]?.comments.count ?? 0 } == 0, "the backlog case was posted without --deliver-backlog")
        #expect(jira.issues.withLock { $0["200"]?.comments.count } == 1, "the new case is posted")

        let backlog = try launch(arguments + ["--deliver-backlog"], environment: environment)
        backlog.waitUntilExit()
        #expect(backlog.terminationStatus == 0)
        #expect(jira.issues.withLock { $0["100"]?.comments.count } == 1)
        #expect(jira.issues.withLock { $0["200"]?.comments.count } == 1, "nothing is posted twice")
    }
}
