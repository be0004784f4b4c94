import Foundation
import Tickets

#if canImport(Glibc)
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
    /// for a folder the count, total size and newest mtime of everything in it.
    struct Signature: Equatable {
        var isDirectory: Bool
        var size: Int64
        var count: Int
        var newest: Int64
    }

    static func signature(_ path: String) -> Signature? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            var signature = Signature(isDirectory: true, size: 0, count: 0, newest: mtime)
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                var child = stat()
                guard lstat(path + "/" + relative, &child) == 0 else { continue }
                signature.count += 1
                signature.size += Int64(child.st_size)
                signature.newest = max(
                    signature.newest, Int64(child.st_mtim.tv_sec) * 1_000_000_000 + Int64(child.st_mtim.tv_nsec))
            }
            return signature
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Signature(isDirectory: false, size: Int64(info.st_size), count: 1, newest: mtime)
    }

    /// SHA-256 of a file's bytes, or of a folder's tree (sorted relative paths, sizes and contents).
    static func contentHash(_ path: String) throws(DropFolderError) -> String {
        var hash = SHA256()
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .errno("stat", path: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            hash.update(Array("rdpcause-folder\0".utf8))
            var files: [String] = []
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String { files.append(relative) }
            for relative in files.sorted() {
                var child = stat()
                guard lstat(path + "/" + relative, &child) == 0 else { throw .errno("stat", path: path + "/" + relative) }
                switch child.st_mode & S_IFMT {
                case S_IFREG:
                    hash.update(Array("f\0\(relative)\0\(child.st_size)\0".utf8))
                    try feed(path + "/" + relative, into: &hash)
                case S_IFDIR:
                    hash.update(Array("d\0\(relative)\0".utf8))
                default:
                    hash.update(Array("o\0\(relative)\0".utf8))
                }
            }
        } else {
            try feed(path, into: &hash)
        }
        return hash.finalizeHex()
    }

    private static func feed(_ path: String, into hash: inout SHA256) throws(DropFolderError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .errno("open", path: path) }
        defer { close(descriptor) }
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
