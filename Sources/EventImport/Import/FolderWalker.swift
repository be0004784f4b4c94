#if canImport(Glibc)
    import Glibc
#endif

/// A file's identity on disk: device and inode.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// What a file that is not a regular file or folder is, for messages.
    static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}

/// A regular file found in a folder.
struct FolderFile {
    /// The name shown in events and diagnostics: the folder given, then the path inside it.
    let displayPath: String
    /// Where to open it: a path without symbolic links.
    let openPath: String
    /// What must be found when it is opened.
    let identity: FileIdentity
    /// Its size when listed, in bytes.
    let size: Int
}

/// Lists the regular files of a case folder, recursively, in sorted order, without opening
/// anything else.
///
/// Dot-files and `__MACOSX` are skipped silently. Named pipes, sockets and devices are reported
/// and never opened (opening a FIFO would wait for a writer forever). Symbolic links are
/// followed only when they lead to a place inside the folder given; others are reported.
/// Every file and folder is read once, whatever the links pointing to it, so links cannot loop.
struct FolderWalker {
    let root: String
    let context: ImportContext

    /// The files to read, sorted by displayed path.
    func files() -> [FolderFile] {
        guard let rootReal = resolvedPath(root) else {
            let reason = String(cString: strerror(errno))
            context.report(
                ImportDiagnostic(.error, .unreadable, source: root, message: "the folder cannot be opened: \(reason)"))
            return []
        }
        var folders: Set<FileIdentity> = []
        var info = stat()
        if stat(rootReal, &info) == 0 { folders.insert(FileIdentity(info)) }
        var found: [FolderFile] = []
        walk(display: root, real: rootReal, rootReal: rootReal, folders: &folders, found: &found)
        var seen: Set<FileIdentity> = []
        return found.sorted { $0.displayPath < $1.displayPath }.filter { seen.insert($0.identity).inserted }
    }

    private func walk(
        display: String, real: String, rootReal: String, folders: inout Set<FileIdentity>, found: inout [FolderFile]
    ) {
        guard let names = listFolder(real) else {
            let reason = String(cString: strerror(errno))
            context.report(
                ImportDiagnostic(.error, .unreadable, source: display, message: "the folder cannot be listed: \(reason)"))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") && name != "__MACOSX" {
            let shown = joined(display, name)
            let path = joined(real, name)
            var info = stat()
            guard lstat(path, &info) == 0 else {
                report(.error, .unreadable, shown, "cannot be examined: \(String(cString: strerror(errno)))")
                continue
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                followLink(shown, path: path, rootReal: rootReal, folders: &folders, found: &found)
            } else {
                visit(shown, path: path, info, rootReal: rootReal, folders: &folders, found: &found) {
                    "skipped without opening it: \($0) is not a regular file"
                }
            }
        }
    }

    /// Keeps a regular file, walks a folder not walked yet, and warns about anything else
    /// (`skipped` words the warning for the type's name).
    private func visit(
        _ shown: String, path: String, _ info: stat, rootReal: String, folders: inout Set<FileIdentity>,
        found: inout [FolderFile], skipped: (String) -> String
    ) {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            found.append(FolderFile(displayPath: shown, openPath: path, identity: FileIdentity(info), size: Int(info.st_size)))
        case S_IFDIR:
            if folders.insert(FileIdentity(info)).inserted {
                walk(display: shown, real: path, rootReal: rootReal, folders: &folders, found: &found)
            }
        default:
            report(.warning, .unsupportedType, shown, skipped(FileIdentity.typeName(info.st_mode)))
        }
    }

    private func followLink(
        _ shown: String, path: String, rootReal: String, folders: inout Set<FileIdentity>, found: inout [FolderFile]
    ) {
        guard let target = resolvedPath(path) else {
            report(.error, .unreadable, shown, "skipped: a symbolic link to nothing (\(String(cString: strerror(errno))))")
            return
        }
        let inside = target == rootReal || target.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/")
        guard inside else {
            report(
                .error, .unreadable, shown,
                "skipped: a symbolic link to \(target), outside the folder given; links are followed only inside it")
            return
        }
        var info = stat()
        guard stat(target, &info) == 0 else {
            report(.error, .unreadable, shown, "cannot be examined: \(String(cString: strerror(errno)))")
            return
        }
        visit(shown, path: target, info, rootReal: rootReal, folders: &folders, found: &found) {
            "skipped without opening it: a symbolic link to \($0), not a regular file"
        }
    }

    private func report(_ severity: ImportDiagnostic.Severity, _ kind: ImportDiagnostic.Kind, _ source: String, _ message: String) {
        context.report(ImportDiagnostic(severity, kind, source: source, message: message))
    }

    private func joined(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The path with every symbolic link, `.` and `..` resolved; nil (errno set) when it does not resolve.
    private func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The names in a folder, without `.` and `..`; nil (errno set) when it cannot be listed.
    private func listFolder(_ path: String) -> [String]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
