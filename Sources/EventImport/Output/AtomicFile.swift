import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a reader (or a crash) never sees a partial one: the bytes go to a
/// temporary file in the same folder, which is flushed to disk (`fsync`) and renamed over the
/// destination, and the folder itself is synced so the rename survives a power cut.
///
/// What rdpcause writes (findings, quarantine reasons) names users, addresses and hosts, so files
/// are created owner/group-only (0640) whatever the umask; the temporary file has that mode from
/// the start, so the content is never readable by others, not even for a moment.
public enum AtomicFile {
    /// The mode of files written: read-write for the owner, read-only for the group, nothing for others.
    public static let ownerAndGroup: UInt32 = 0o640

    /// A failure to write, with the path and the system's reason.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// The file being written.
        public var path: String
        /// The system call that failed and why.
        public var reason: String

        public var description: String { "\(path): cannot write: \(reason)" }
    }

    /// Replaces `path` with `bytes` atomically, creating the folder when needed. The file gets
    /// exactly `permissions` (default ``ownerAndGroup``), regardless of the process umask.
    public static func write(_ bytes: [UInt8], to path: String, permissions: UInt32 = ownerAndGroup) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let temporary = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode_t(permissions))
        guard descriptor >= 0 else { throw WriteError(path: path, reason: "open: \(String(cString: strerror(errno)))") }
        // The umask may have removed bits (or a left-over temporary file had other ones): set the mode exactly.
        if fchmod(descriptor, mode_t(permissions)) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            throw WriteError(path: path, reason: "fchmod: \(reason)")
        }
        var offset = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                guard let base = raw.baseAddress else { return nil }
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return "write: \(String(cString: strerror(errno)))"
                }
                offset += written
            }
            return nil
        }
        if let failure {
            close(descriptor)
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        if fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            throw WriteError(path: path, reason: "fsync: \(reason)")
        }
        close(descriptor)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: "rename: \(reason)")
        }
        let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
