#if canImport(Glibc)
    import Glibc
#endif

/// One file of a case that is read on its own: a path given to the importer, or one file of a
/// folder given to it (an archive is one unit: its members come out of one decompression stream,
/// in order).
///
/// Units let a caller spread the files of one case over threads: list them with
/// ``EventImporter/units(of:)``, then read each with ``EventImporter/importUnit(_:)`` of an
/// importer owned by the reading thread. The files of one folder share its decompression
/// allowance (``ImportLimits``), whichever thread reads them.
public struct ImportUnit: Sendable {
    /// Where the bytes come from.
    enum Origin: Sendable {
        /// A file: where to open it, and the identity the folder listing found (nil for a path given directly).
        case file(openPath: String, expected: FileIdentity?)
        /// Standard input (``EventImporter/standardInputPath``).
        case standardInput
    }

    let origin: Origin
    /// The name the unit has in events and diagnostics.
    public let displayName: String
    /// Its size on disk when it was listed, in bytes (0 for standard input): a hint for spreading
    /// units over threads, largest first.
    public let size: Int
    /// The decompression allowance of the path it was listed from.
    let budget: ExpansionBudget
}

extension EventImporter {
    /// The units `path` is read as, in the order ``importPath(_:)`` reads them: the path itself,
    /// or every file of a folder (recursively, sorted by path).
    ///
    /// Problems met while listing (a missing path, a folder that cannot be listed, a special file
    /// or a symbolic link leading outside the folder) are reported to this importer's handlers
    /// and counted in its ``statistics``.
    public func units(of path: String) -> [ImportUnit] {
        if path == Self.standardInputPath {
            let name = Self.standardInputName
            let budget = ExpansionBudget(input: name, limits: context.limits)
            return [ImportUnit(origin: .standardInput, displayName: name, size: 0, budget: budget)]
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let message = errno == ENOENT ? "no such file or folder" : "cannot be examined: \(String(cString: strerror(errno)))"
            context.report(ImportDiagnostic(.error, .unreadable, source: path, message: message))
            return []
        }
        let budget = ExpansionBudget(input: path, limits: context.limits)
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let unit = ImportUnit(origin: .file(openPath: path, expected: nil), displayName: path, size: Int(info.st_size), budget: budget)
            return [unit]
        }
        return FolderWalker(root: path, context: context).files().map { file in
            ImportUnit(
                origin: .file(openPath: file.openPath, expected: file.identity), displayName: file.displayPath, size: file.size,
                budget: budget)
        }
    }

    /// Reads one unit listed by ``units(of:)``, on this importer's thread, delivering to this
    /// importer's handlers (progress included, at the end of the unit) and counting into its
    /// ``statistics``; the importer that listed it may be another.
    public func importUnit(_ unit: ImportUnit) {
        defer { context.reportProgress() }
        switch unit.origin {
        case .standardInput:
            importStandardInput(budget: unit.budget)
        case .file(let openPath, let expected):
            importFile(openPath, displayName: unit.displayName, expected: expected, budget: unit.budget)
        }
    }
}
