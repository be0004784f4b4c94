import Foundation
import Tickets

/// The one rule that names a case's findings folder, shared by `rdpcause analyze --output` and the
/// drop-folder service: the case's name (``CaseRunner/caseName(_:)``) unless another case already
/// has that folder, else the name and the first 8 hex digits of a key that identifies the case
/// (`case1-3fa9c2e1`). The drop folder's key is the input's content hash; a batch's key is the
/// hash of the case's absolute path, so `a/case1` and `b/case1` get two folders.
public enum FindingsFolderName {
    /// `preferred`, or `preferred-<first 8 of key>` when `isTaken(preferred)`.
    public static func choose(preferred: String, key: String, isTaken: (String) -> Bool) -> String {
        isTaken(preferred) ? "\(preferred)-\(key.prefix(8))" : preferred
    }

    /// One folder name per case of a batch, in input order: the first case with a name gets it,
    /// later ones with the same name get the suffix. The same path given twice is the same case
    /// and gets the same folder.
    public static func assign(_ paths: [String]) -> [String] {
        var byPath: [String: String] = [:]
        var taken = Set<String>()
        return paths.map { path in
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            if let known = byPath[absolute] { return known }
            let name = choose(preferred: CaseRunner.caseName(path), key: SHA256.hex(of: Array(absolute.utf8)), isTaken: taken.contains)
            taken.insert(name)
            byPath[absolute] = name
            return name
        }
    }
}
