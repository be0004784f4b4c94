import Foundation
import Tickets

#if canImport(Glibc)
    // `struct stat` and `timespec` reach Swift through CoreFoundation's module map as well as
    // Glibc's; with member import visibility, their fields need both imports.
    import CoreFoundation
    import Glibc
#endif

/// File-system helpers of the drop folder: content hashing, stability signatures, names to skip,
/// and moves that never overwrite.
enum DropFiles {
    /// Temporary or hidden names producers use while writing: never taken.
    static func isIgnored(_ name: String) -> Bool {
        let lower = name.lowercased()
        return name.hasPrefix(".") || lower.hasSuffix(".part") || lower.hasSuffix(".tmp") || lower.hasSuffix(".partial")
            || lower.hasSuffix(".crdownload") || lower.hasSuffix("~")
    }

    /// What is observed to decide that an input stopped changing: for a file its size and mtime,
    /// for a folder the count, total size and newest mtime of everything in it. Special files
    /// (FIFOs, sockets, devices, symbolic links) get a signature too, so that they are taken and
    /// quarantined with a reason instead of lying in the folder unnoticed.
    struct Signature: Equatable {
        var isDirectory: Bool
        var size: Int64
        var count: Int
        var newest: Int64
    }

    /// The signature of `path`, or `nil` when it is gone.
    static func signature(_ path: String) -> Signature? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            return Signature(isDirectory: false, size: Int64(info.st_size), count: 1, newest: nanoseconds(info.st_mtim))
        }
        var signature = Signature(isDirectory: true, size: 0, count: 0, newest: nanoseconds(info.st_mtim))
        for entry in tree(path).entries {
            signature.count += 1
            signature.size += Int64(entry.info.st_size)
            signature.newest = max(signature.newest, nanoseconds(entry.info.st_mtim))
        }
        return signature
    }

    private static func nanoseconds(_ time: timespec) -> Int64 {
        Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// One thing inside a folder input, as `lstat` describes it.
    struct TreeEntry {
        /// The path relative to the input folder.
        var relative: String
        /// Its `lstat` (a symbolic link describes the link, not its target).
        var info: stat
    }

    /// Everything under `folder`, found without following symbolic links (so the walk never leaves
    /// the folder), in no particular order, and the first entry that could not be listed.
    static func tree(_ folder: String) -> (entries: [TreeEntry], unreadable: String?) {
        var entries: [TreeEntry] = []
        var unreadable: String?
        var folders = [""]
        while let relativeFolder = folders.popLast() {
            let absolute = relativeFolder.isEmpty ? folder : folder + "/" + relativeFolder
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: absolute) else {
                unreadable = unreadable ?? absolute
                continue
            }
            for name in names {
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                var info = stat()
                guard lstat(folder + "/" + relative, &info) == 0 else {
                    unreadable = unreadable ?? folder + "/" + relative
                    continue
                }
                entries.append(TreeEntry(relative: relative, info: info))
                if (info.st_mode & S_IFMT) == S_IFDIR { folders.append(relative) }
            }
        }
        return (entries, unreadable)
    }

    /// SHA-256 of a file's bytes, or of a folder's tree: sorted relative paths, and for each
    /// regular file its size and bytes, for each symbolic link its target text (never what it
    /// points to), for anything else its name only. Nothing but regular files is ever opened, so a
    /// FIFO cannot block the caller, and nothing outside the input is read.
    static func contentHash(_ path: String) throws(DropFolderError) -> String {
        var hash = SHA256()
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .errno("stat", path: path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            try feed(path, expected: info, into: &hash)
        case S_IFDIR:
            hash.update(Array("rdpcause-folder\0".utf8))
            let (entries, unreadable) = tree(path)
            if let unreadable { throw DropFolderError("list", path: unreadable, reason: "cannot be read") }
            for entry in entries.sorted(by: { $0.relative < $1.relative }) {
                let relative = entry.relative
                switch entry.info.st_mode & S_IFMT {
                case S_IFREG:
                    hash.update(Array("f\0\(relative)\0\(entry.info.st_size)\0".utf8))
                    try feed(path + "/" + relative, expected: entry.info, into: &hash)
                case S_IFDIR:
                    hash.update(Array("d\0\(relative)\0".utf8))
                case S_IFLNK:
                    hash.update(Array("l\0\(relative)\0".utf8) + (try linkTarget(path + "/" + relative)) + [0])
                default:
                    hash.update(Array("o\0\(relative)\0".utf8))
                }
            }
        default:
            throw DropFolderError("hash", path: path, reason: "not a regular file or folder (\(kind(info.st_mode)))")
        }
        return hash.finalizeHex()
    }

    /// What a non-regular file is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFLNK: "a symbolic link"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        default: "a regular file"
        }
    }

    /// The bytes of a symbolic link's target text (`readlink`), without following it.
    private static func linkTarget(_ path: String) throws(DropFolderError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = buffer.withUnsafeMutableBufferPointer { raw -> Int in
            raw.baseAddress.map { readlink(path, UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self), raw.count) } ?? -1
        }
        guard length >= 0 else { throw .errno("readlink", path: path) }
        return Array(buffer.prefix(length))
    }

    /// Feeds the bytes of the regular file `path` into `hash`. The file is opened without following
    /// a link and without blocking, and must still be the regular file `expected` describes (so a
    /// FIFO or link swapped in after the `lstat` is refused, never read).
    private static func feed(_ path: String, expected: stat, into hash: inout SHA256) throws(DropFolderError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { throw .errno("open", path: path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .errno("stat", path: path) }
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_dev == expected.st_dev, info.st_ino == expected.st_ino else {
            throw DropFolderError("open", path: path, reason: "it was replaced while being read (now \(kind(info.st_mode)))")
        }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        while true {
            let n = read(descriptor, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .errno("read", path: path)
            }
            if n == 0 { return }
            hash.update(UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Whether another process holds `path` open for writing (for a folder: any regular file in it).
    ///
    /// Asked with a Linux read lease (`fcntl F_SETLEASE F_RDLCK`), which the kernel refuses with
    /// `EAGAIN` while any process has the file open for writing; a lease that is granted is
    /// released at once. `nil` when leases cannot tell: the service is neither the file's owner nor
    /// has `CAP_LEASE`, the file system has no leases (NFS, FUSE), or `fs.leases-enable` is 0; the
    /// size-and-time grace period is then all there is. Special files are never opened.
    static func isOpenForWriting(_ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return regularFileIsOpenForWriting(path)
        case S_IFDIR:
            var answer: Bool? = false
            for entry in tree(path).entries where (entry.info.st_mode & S_IFMT) == S_IFREG {
                switch regularFileIsOpenForWriting(path + "/" + entry.relative) {
                case true?: return true
                case nil: answer = nil
                case false?: break
                }
            }
            return answer
        default:
            return false
        }
    }

    /// Linux `fcntl` commands the Glibc module does not export (values from <linux/fcntl.h>).
    private static let setLeaseCommand: Int32 = 1024  // F_SETLEASE
    private static let setSignalCommand: Int32 = 10  // F_SETSIG

    private static func regularFileIsOpenForWriting(_ path: String) -> Bool? {
        // O_NONBLOCK: should another process hold a write lease, open fails with EWOULDBLOCK
        // instead of waiting for it to be released.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return errno == EWOULDBLOCK ? true : nil }
        defer { close(descriptor) }
        // A writer opening the file while the lease is held makes the kernel signal the holder
        // (SIGIO by default, which would end the process): SIGURG is ignored unless handled.
        guard fcntl(descriptor, setSignalCommand, SIGURG) == 0 else { return nil }
        guard fcntl(descriptor, setLeaseCommand, Int32(F_RDLCK)) == 0 else { return errno == EAGAIN ? true : nil }
        _ = fcntl(descriptor, setLeaseCommand, Int32(F_UNLCK))
        return false
    }

    /// Renames `source` into `folder` under its own name, or a free variant (`name.<tag>`,
    /// `name.<tag>.2`, …): never overwrites. Returns the new path.
    @discardableResult
    static func move(_ source: String, into folder: String, tag: String) throws(DropFolderError) -> String {
        try makeFolder(folder)
        let name = (source as NSString).lastPathComponent
        var target = folder + "/" + name
        var attempt = 1
        while access(target, F_OK) == 0 {
            target = folder + "/" + name + "." + tag + (attempt > 1 ? ".\(attempt)" : "")
            attempt += 1
        }
        guard rename(source, target) == 0 else { throw .errno("move to \(folder)", path: source) }
        syncFolder(folder)
        syncFolder((source as NSString).deletingLastPathComponent)
        return target
    }

    static func makeFolder(_ folder: String) throws(DropFolderError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DropFolderError("create folder", path: folder, reason: "\(error.localizedDescription)")
        }
    }

    static func syncFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// A non-blocking inotify descriptor on one folder (close-after-write and moved-in), read from
/// the service's poll loop. Owns the descriptor.
final class FolderWatch {
    /// What one read produced.
    struct Batch {
        /// Names closed after writing.
        var closed: [String] = []
        /// Names renamed into the folder (complete by construction).
        var movedIn: [String] = []
        /// The kernel queue overflowed: events were lost, rescan.
        var overflowed = false
    }

    let descriptor: Int32

    init(folder: String) throws(DropFolderError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .errno("inotify_init1", path: folder) }
        guard inotify_add_watch(descriptor, folder, UInt32(IN_CLOSE_WRITE | IN_MOVED_TO)) >= 0 else {
            let error = DropFolderError.errno("inotify_add_watch", path: folder)
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Reads every queued event (never blocks).
    func drain() -> Batch {
        var batch = Batch()
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        let header = MemoryLayout<inotify_event>.size
        while true {
            let n = read(descriptor, buffer, size)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            var offset = 0
            while offset + header <= n {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let length = Int(event.len)
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { batch.overflowed = true }
                if length > 0 {
                    let name = String(cString: (buffer + offset + header).assumingMemoryBound(to: CChar.self))
                    if event.mask & UInt32(IN_MOVED_TO) != 0 {
                        batch.movedIn.append(name)
                    } else if event.mask & UInt32(IN_CLOSE_WRITE) != 0 {
                        batch.closed.append(name)
                    }
                }
                offset += header + length
            }
        }
        return batch
    }
}
