import Foundation
import Yams

/// Reading YAML files that may be hostile (Sigma rules, cause definitions): a size limit checked
/// before anything is read, UTF-8 only, and Yams errors turned into a position and a sentence.
///
/// Nesting needs no check of its own: libyaml (inside Yams) stops at 1,000 levels with a
/// positioned error, so 100,000 nested `[` cost nothing but that error.
public enum YAMLInput {
    /// The largest YAML file or text read: 1 MiB. SigmaHQ's largest rule file is 0.3 MiB; a 50 MB
    /// scalar would otherwise be read, copied and parsed whole before anything could object.
    public static let maxBytes = 1 << 20

    /// Why a YAML input could not be read, with its position when it has one.
    public struct Problem: Error, Sendable, Hashable {
        /// The 1-based line, when known.
        public var line: Int?
        /// The 1-based column, when known.
        public var column: Int?
        /// A sentence saying what is wrong (without the file name).
        public var message: String
    }

    /// Reads a YAML file as UTF-8 text (a byte order mark is dropped); files over ``maxBytes``
    /// are refused from their size alone, without reading them.
    public static func read(path: String) -> Result<String, Problem> {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if let size, size > maxBytes {
            return .failure(Problem(message: tooLarge(size)))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(Problem(message: "cannot read the file"))
        }
        defer { try? handle.close() }
        // Read one byte past the limit, so a file that grew since it was measured is still refused.
        guard let data = try? handle.read(upToCount: maxBytes + 1) ?? Data() else {
            return .failure(Problem(message: "cannot read the file"))
        }
        if data.count > maxBytes { return .failure(Problem(message: tooLarge(data.count))) }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Problem(message: "the file is not UTF-8 text"))
        }
        return .success(text)
    }

    /// A problem when `text` is over ``maxBytes``, for loaders that are handed text directly.
    public static func sizeProblem(_ text: String) -> Problem? {
        let size = text.utf8.count
        return size > maxBytes ? Problem(message: tooLarge(size)) : nil
    }

    private static func tooLarge(_ size: Int) -> String {
        "the file is \(size) bytes, over the limit of \(maxBytes) bytes (1 MiB) for a YAML file"
    }

    /// The position and a readable sentence for an error thrown by Yams while parsing `text`.
    public static func problem(_ error: any Error, text: String) -> Problem {
        guard let yamlError = error as? YamlError else { return Problem(message: "\(error)") }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = problem + (context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? "")
            if problem.hasPrefix("Maximum nesting level reached") {
                message = "the YAML nests deeper than libyaml's limit (1,000 levels)"
            }
            return Problem(line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Problem(
                line: context.mark.line, column: context.mark.column,
                message: "duplicate key(s) \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one map")
        case .reader(let problem, let offset, _, _):
            guard let offset else { return Problem(message: problem) }
            let prefix = text.utf8.prefix(offset)
            let line = prefix.count { $0 == 0x0A } + 1
            let lineStart = prefix.lastIndex(of: 0x0A).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0
            return Problem(line: line, column: prefix.count - lineStart + 1, message: problem)
        default:
            return Problem(message: "\(error)")
        }
    }
}
