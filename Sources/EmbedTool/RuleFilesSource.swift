import Foundation

/// The generated source that holds the rule files' texts.
enum RuleFilesSource {
    /// Swift source defining `EmbeddedRulePack.generatedFiles` from `files` (paths below `root`).
    static func generate(root: String, files: [String]) throws -> String {
        let prefix = URL(fileURLWithPath: root).standardizedFileURL.path + "/"
        var entries: [(path: String, text: String)] = []
        for file in files {
            let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
            guard absolute.hasPrefix(prefix) else { throw EmbedError("\(file): not below the rules folder \(root)") }
            guard var bytes = FileManager.default.contents(atPath: absolute).map(Array.init) else {
                throw EmbedError("\(file): cannot be read")
            }
            // As the rule loader reads a file: a UTF-8 byte order mark is not part of the text.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw EmbedError("\(file): not UTF-8 text; a built-in rule file must be")
            }
            entries.append((String(absolute.dropFirst(prefix.count)), text))
        }
        entries.sort { $0.path < $1.path }
        var source = """
            // Generated at build time by EmbedTool from the package's Rules folder. Not committed; do not edit.

            extension EmbeddedRulePack {
                static let generatedFiles: [EmbeddedRuleFile] = [

            """
        for entry in entries {
            source += "        EmbeddedRuleFile(path: \(literal(entry.path)), text: \(literal(entry.text))),\n"
        }
        source += "    ]\n}\n"
        return source
    }

    /// A Swift string literal for `text`, in ASCII: everything outside printable ASCII is escaped, so
    /// the text comes back exactly (line endings included).
    static func literal(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value >= 0x20 && scalar.value < 0x7F {
                    output.unicodeScalars.append(scalar)
                } else {
                    output += "\\u{\(String(scalar.value, radix: 16))}"
                }
            }
        }
        return output + "\""
    }
}
