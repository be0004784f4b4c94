import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DropFolder

#if canImport(Glibc)
    import Glibc
#endif

/// A drop folder and an output folder in a fresh work folder.
private struct Service {
    let work: String
    var drop: String { work + "/drop" }
    var output: String { work + "/out" }
    var ledger: String { output + "/.rdpcause-ledger.jsonl" }

    init(_ label: String) throws {
        work = try temporaryFolder(label)
        try FileManager.default.createDirectory(atPath: work + "/drop", withIntermediateDirectories: true)
    }

    func arguments(grace: String = "0") -> [String] {
        ["watch", drop, "--output", output, "--rules", RDPCauseCommand.repository + "/Rules", "--grace", grace, "--once"]
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }
}

private func sample(_ name: String) -> String { RDPCauseCommand.repository + "/SampleLogs/" + name }

private func mode(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

struct ContentHashTests {
    /// A FIFO is never opened: opening one for reading blocks until a writer comes, which would
    /// stop a worker for good. (Should it block, the test opens the writing end to free it.)
    @Test func aFIFOIsRefusedWithoutBeingOpened() throws {
        let work = try temporaryFolder("fifo")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let fifo = work + "/RT-5.zip"
        #expect(mkfifo(fifo, 0o600) == 0)
        let outcome = Mutex<Result<String, DropFolderError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            let result: Result<String, DropFolderError>
            do throws(DropFolderError) { result = .success(try DropFiles.contentHash(fifo)) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            finished.signal()
        }.start()
        if finished.wait(timeout: .now() + 5) == .timedOut {
            Issue.record("hashing blocked on a FIFO")
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            finished.wait()
        }
        let result = try #require(outcome.withLock { $0 })
        guard case .failure(let error) = result else {
            Issue.record("a FIFO was hashed as content")
            return
        }
        #expect(error.reason.contains("FIFO"), "\(error)")

        // Inside a case folder a FIFO counts by name only.
        try FileManager.default.createDirectory(atPath: work + "/case", withIntermediateDirectories: true)
        #expect(mkfifo(work + "/case/pipe", 0o600) == 0)
        _ = try DropFiles.contentHash(work + "/case")
    }

    /// Symbolic links inside a case folder are hashed as their target text and never followed:
    /// what they point to outside the drop folder is not read, and retargeting one changes the hash.
    @Test func symlinksAreHashedAsLinksAndNeverFollowed() throws {
        let work = try temporaryFolder("symlink")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let folder = work + "/case"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/outside-folder", withIntermediateDirectories: true)
        try "secret 1".write(toFile: work + "/outside.txt", atomically: true, encoding: .utf8)
        try "log".write(toFile: folder + "/log.xml", atomically: true, encoding: .utf8)
        #expect(symlink(work + "/outside.txt", folder + "/file-link") == 0)
        #expect(symlink(work + "/outside-folder", folder + "/folder-link") == 0)
        let before = try DropFiles.contentHash(folder)
        let signature = DropFiles.signature(folder)

        try "secret 2, longer".write(toFile: work + "/outside.txt", atomically: true, encoding: .utf8)
        try "more".write(toFile: work + "/outside-folder/new.txt", atomically: true, encoding: .utf8)
        #expect(try DropFiles.contentHash(folder) == before, "content outside the case folder was read")
        #expect(DropFiles.signature(folder)?.count == signature?.count, "the signature walked outside the case folder")

        #expect(unlink(folder + "/file-link") == 0)
        #expect(symlink(work + "/elsewhere.txt", folder + "/file-link") == 0)
        #expect(try DropFiles.contentHash(folder) != before, "the link's target is not part of the hash")
    }
}

struct ServiceHardeningTests {
    /// `--once` must not take a file another process still holds open for writing, however long
    /// the writer pauses: the service asks for a read lease, which Linux refuses while a writer
    /// exists. The file is left for the next run, which takes it once the writer has closed it.
    @Test func aFileStillOpenForWritingIsNotTaken() throws {
        let service = try Service("lease")
        defer { service.remove() }
        let content = try Data(contentsOf: URL(fileURLWithPath: sample("tls-mismatch.zip")))
        let path = service.drop + "/RT-100.zip"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let writer = try #require(FileHandle(forWritingAtPath: path))
        try writer.write(contentsOf: content.prefix(content.count / 2))
        // The writer pauses far longer than the grace period while this run looks at the file.
        let first = try RDPCauseCommand.run(service.arguments(grace: "0.2"), timeout: 120)
        #expect(first.status == 0, "\(first.errorText)")
        #expect(first.errorText.contains("still open for writing"), "\(first.errorText)")
        #expect(FileManager.default.fileExists(atPath: path), "the file being written was moved away")
        #expect(try Ledger(path: service.ledger).allEntries.isEmpty, "the half-written file was taken")

        try writer.write(contentsOf: content.suffix(from: content.count / 2))
        try writer.close()
        let second = try RDPCauseCommand.run(service.arguments(grace: "0.2"), timeout: 120)
        #expect(second.status == 0, "\(second.errorText)")
        let entries = try Ledger(path: service.ledger).allEntries
        let hash = try DropFiles.contentHash(sample("tls-mismatch.zip"))
        #expect(entries.map(\.hash) == [hash], "\(entries)")
        #expect(entries.first?.state == .done)
    }

    /// An input during whose analysis the service died twice (two `analysing` records, no outcome)
    /// is quarantined with the reason instead of being analysed a third time; one that died once
    /// is simply analysed again.
    @Test func anInputThatKilledTheServiceTwiceIsQuarantined() throws {
        let service = try Service("poison")
        defer { service.remove() }
        try FileManager.default.createDirectory(atPath: service.output, withIntermediateDirectories: true)
        let poison = try DropFiles.contentHash(sample("tls-mismatch.zip"))
        let survivor = try DropFiles.contentHash(sample("certificate-expired.zip"))
        do {
            let ledger = try Ledger(path: service.ledger)
            for (hash, input, starts) in [(poison, "RT-100.zip", 2), (survivor, "RT-101.zip", 1)] {
                var seen = LedgerRecord(hash: hash, state: .seen)
                seen.input = input
                try ledger.append(seen)
                for _ in 0..<starts {
                    _ = try ledger.startAnalysis(hash: hash, input: input, preferred: String(input.dropLast(4)))
                }
            }
        }
        try drop(sample("tls-mismatch.zip"), as: "RT-100.zip", into: service.drop)
        try drop(sample("certificate-expired.zip"), as: "RT-101.zip", into: service.drop)
        let run = try RDPCauseCommand.run(service.arguments())
        #expect(run.status == 0, "\(run.errorText)")

        let ledger = try Ledger(path: service.ledger)
        let entry = try #require(ledger.entry(poison))
        #expect(entry.state == .failed)
        #expect(entry.reason?.contains("started 2 times") == true, "\(entry.reason ?? "")")
        #expect(entry.analysisStarts == 2)
        let reason = try String(contentsOfFile: service.drop + "/.quarantine/RT-100.zip.reason.txt", encoding: .utf8)
        #expect(reason.contains("started 2 times"))
        #expect(!FileManager.default.fileExists(atPath: service.output + "/RT-100/findings.json"))
        #expect(ledger.entry(survivor)?.state == .done)
        #expect(FileManager.default.fileExists(atPath: service.output + "/RT-101/findings.json"))
    }

    /// A FIFO (or any other special file) dropped into the folder is quarantined with the reason,
    /// never opened and never left behind silently.
    @Test func aSpecialFileInTheDropFolderIsQuarantined() throws {
        let service = try Service("special")
        defer { service.remove() }
        #expect(mkfifo(service.drop + "/RT-5.zip", 0o600) == 0)
        let run = try RDPCauseCommand.run(service.arguments(), timeout: 60)
        #expect(!run.timedOut && run.status == 0, "\(run.errorText)")
        let reason = try String(contentsOfFile: service.drop + "/.quarantine/RT-5.zip.reason.txt", encoding: .utf8)
        #expect(reason.contains("FIFO"), "\(reason)")
    }

    /// Log lines and quarantine reason files show hostile input names with visible escapes: no
    /// terminal control reaches standard error, and a newline in a name cannot forge a log line.
    @Test func logLinesAndReasonFilesEscapeHostileNames() throws {
        let service = try Service("hostile-watch")
        defer { service.remove() }
        let garbage = "garbage\u{1B}]8;;http:evil.example\u{07}x\u{1B}]8;;\u{07}\u{202E}\u{9B}2J.bin\nforged: error: injected"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: service.work + "/g"))
        try drop(service.work + "/g", as: garbage, into: service.drop)
        try drop(sample("tls-mismatch.zip"), as: "RT-100\u{1B}[2J\u{2066}.zip", into: service.drop)
        let run = try RDPCauseCommand.run(service.arguments())
        #expect(run.status == 0)
        let unsafe = TerminalBytes.unsafeCharacters(in: run.errors)
        #expect(unsafe.isEmpty, "standard error holds \(unsafe.prefix(5))")
        #expect(!run.errorText.split(separator: "\n").contains { $0.hasPrefix("forged") })
        #expect(run.errorText.contains("input quarantined") && run.errorText.contains("case analysed"), "\(run.errorText)")
        let reason = try Data(contentsOf: URL(fileURLWithPath: service.drop + "/.quarantine/" + garbage + ".reason.txt"))
        let unsafeReason = TerminalBytes.unsafeCharacters(in: reason)
        #expect(unsafeReason.isEmpty, "the reason file holds \(unsafeReason.prefix(5))")
        #expect(!String(decoding: reason, as: UTF8.self).split(separator: "\n").contains { $0.hasPrefix("forged") })
    }

    /// Findings, reason files and the ledger hold user names, addresses and host names: under the
    /// usual umask 022 they are still created owner/group-only (ledger owner-only).
    @Test func outputsAreNotWorldReadable() throws {
        let service = try Service("modes")
        defer { service.remove() }
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: service.work + "/g"))
        try drop(service.work + "/g", as: "garbage.bin", into: service.drop)
        try drop(sample("tls-mismatch.zip"), as: "RT-100.zip", into: service.drop)
        let run = try RDPCauseCommand.run(service.arguments(), umask: 0o022)
        #expect(run.status == 0, "\(run.errorText)")
        for name in ["findings.md", "findings.json", "findings.html"] {
            #expect(mode(service.output + "/RT-100/" + name) == 0o640, "\(name)")
        }
        #expect(mode(service.drop + "/.quarantine/garbage.bin.reason.txt") == 0o640)
        #expect(mode(service.ledger) == 0o600)
    }

    /// A URL with `user:password@` is shown with the user information masked.
    @Test func startupLogMasksCredentialsInTheURL() throws {
        let service = try Service("userinfo")
        defer { service.remove() }
        let run = try RDPCauseCommand.run(
            service.arguments(),
            environment: [
                "RDPCAUSE_TICKET_SYSTEM": "jira", "RDPCAUSE_JIRA_URL": "http://alice:hunter2@127.0.0.1:9/jira",
                "RDPCAUSE_JIRA_TOKEN": "t0ken-value",
            ])
        #expect(run.status == 0, "\(run.errorText)")
        #expect(run.errorText.contains("127.0.0.1:9/jira"), "\(run.errorText)")
        for secret in ["hunter2", "alice", "t0ken-value"] { #expect(!run.errorText.contains(secret), "\(run.errorText)") }
    }

    /// An archive nested deeper than the importer opens (a tar bomb's shape: the README promises
    /// far fewer levels than an attacker can stack) makes the input hostile, like a decompression
    /// bomb: it is quarantined, not analysed without what it hides, even next to a readable member.
    @Test func anArchiveNestedTooDeepIsQuarantinedAsHostile() throws {
        let service = try Service("nested")
        defer { service.remove() }
        try FileManager.default.copyItem(atPath: sample("tls-mismatch.zip"), toPath: service.work + "/readable.zip")
        func tar(_ archive: String, _ members: [String]) throws {
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/bin/tar")
            tar.currentDirectoryURL = URL(fileURLWithPath: service.work)
            tar.arguments = ["-cf", archive] + members
            try tar.run()
            tar.waitUntilExit()
            try #require(tar.terminationStatus == 0, "tar -cf \(archive) failed")
        }
        try tar("level1.tar", ["readable.zip"])
        for level in 2...7 { try tar("level\(level).tar", ["level\(level - 1).tar"]) }
        try tar("RT-7.tar", ["readable.zip", "level7.tar"])
        try drop(service.work + "/RT-7.tar", as: "RT-7.tar", into: service.drop)
        let run = try RDPCauseCommand.run(service.arguments())
        #expect(run.status == 0, "\(run.errorText)")
        let reason = try String(contentsOfFile: service.drop + "/.quarantine/RT-7.tar.reason.txt", encoding: .utf8)
        #expect(reason.contains("looks hostile") && reason.contains("levels deep"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: service.output + "/RT-7/findings.json"))
    }
}

struct LedgerPermissionTests {
    /// The ledger is owner-only, also when an older version created it world-readable.
    @Test func ledgerIsOwnerOnly() throws {
        let folder = try temporaryFolder("ledger-mode")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fresh = folder + "/fresh.jsonl"
        let previous = umask(0o022)
        defer { umask(previous) }
        _ = try Ledger(path: fresh)
        #expect(mode(fresh) == 0o600)
        let old = folder + "/old.jsonl"
        #expect(FileManager.default.createFile(atPath: old, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try Ledger(path: old)
        #expect(mode(old) == 0o600)
    }
}
