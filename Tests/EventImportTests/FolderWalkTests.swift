import EventImport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Case folders (and drop folders) that anyone can write into: only regular files are read,
/// and symbolic links never lead outside the folder given.
@Suite("Folder walk")
struct FolderWalkTests {
    static let log = BadInputTests.join(BadInputTests.lines)

    /// Opens a FIFO for writing and closes it, so that a reader blocked in `open` returns.
    static func release(_ fifo: String) {
        let descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
        if descriptor >= 0 { close(descriptor) }
    }

    @Test func fifoInsideACaseFolderIsReportedWithoutBeingOpened() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.log).write(to: folder.appendingPathComponent("System.xml"))
        let fifo = folder.appendingPathComponent("a-pipe.xml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let path = folder.path
        let finished = withinDeadline(seconds: 30) { importPaths([path]) }
        if finished == nil { Self.release(fifo) }
        let result = try #require(finished, "the import blocked on the FIFO")
        #expect(result.events.count == 6)
        let warning = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(warning.source == fifo)
        #expect(warning.message.contains("FIFO"))
    }

    @Test func symbolicLinkToAFIFOInsideTheFolderIsReportedWithoutOpeningIt() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.log).write(to: folder.appendingPathComponent("System.xml"))
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let link = folder.appendingPathComponent("Security.xml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "pipe")
        let path = folder.path
        let finished = withinDeadline(seconds: 30) { importPaths([path]) }
        if finished == nil { Self.release(fifo) }
        let result = try #require(finished, "the import blocked on the FIFO")
        #expect(result.events.count == 6)
        #expect(Set(result.diagnostics.map(\.source)) == [fifo, link])
        let warning = try #require(result.diagnostics.first { $0.source == link })
        #expect(warning.message.contains("a symbolic link to a named pipe (FIFO), not a regular file"), "\(warning.message)")
    }

    @Test func fifoGivenAsTheInputIsRefusedWithoutBlocking() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let finished = withinDeadline(seconds: 30) { importPaths([fifo]) }
        if finished == nil { Self.release(fifo) }
        let result = try #require(finished, "the import blocked on the FIFO")
        #expect(result.diagnostics.map(\.source) == [fifo])
        #expect(result.diagnostics.first?.message.contains("not a regular file") == true)
    }

    @Test func symbolicLinkLeadingOutsideTheFolderIsNotFollowed() throws {
        let outside = try makeTemporaryFolder()
        let folder = try makeTemporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: outside)
        }
        try Data(Self.log).write(to: outside.appendingPathComponent("secret.xml"))
        try Data(Array(Fixtures.eventViewer.utf8)).write(to: folder.appendingPathComponent("System.xml"))
        let link = folder.appendingPathComponent("linked.xml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside.appendingPathComponent("secret.xml").path)
        let linkedFolder = folder.appendingPathComponent("etc").path
        try FileManager.default.createSymbolicLink(atPath: linkedFolder, withDestinationPath: outside.path)
        let result = importPaths([folder.path])
        #expect(result.events.count == 2, "only the folder's own file")
        #expect(result.events.allSatisfy { $0.origin.source.hasSuffix("/System.xml") })
        #expect(Set(result.errors.map(\.source)) == [link, linkedFolder])
        #expect(result.errors.allSatisfy { $0.message.contains("outside the folder") })
    }

    @Test func symbolicLinksInsideTheFolderReadEachFileOnceAndCannotLoop() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Data(Self.log).write(to: logs.appendingPathComponent("System.xml"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("alias.xml").path, withDestinationPath: "logs/System.xml")
        try FileManager.default.createSymbolicLink(atPath: logs.appendingPathComponent("loop").path, withDestinationPath: "..")
        let finished = withinDeadline(seconds: 30) { [folder] in importPaths([folder.path]) }
        let result = try #require(finished)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.events.count == 6, "the file is read once, under its first name in sorted order")
        #expect(result.events.first?.origin.source == folder.appendingPathComponent("alias.xml").path)
    }

    @Test func brokenSymbolicLinkIsReported() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("gone.xml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "missing.xml")
        let result = importPaths([folder.path])
        #expect(result.errors.map(\.source) == [link])
    }
}
