import Foundation
import Tickets

/// The user name a Remote Desktop client connected with, as its log records it (RDPClient 1029,
/// `Base64(SHA256(UserName)) is = …`): the Base64 of the SHA-256 of the name's UTF-16LE text
/// (SHA-1 on Windows 8.1, Server 2012 R2 and older), the name as typed. A typed domain is hashed
/// on its own: `CORP\alice` is recorded as hash(`CORP`)`-`hash(`alice`), `alice` as hash(`alice`)`-`.
///
/// A hash names no one by itself, but it tells which of the users a ticket names made the attempt.
struct ClientUserHash: Hashable {
    /// The Base64 hashes the record holds (one or two).
    let hashes: Set<String>

    /// The hashes in a 1029's `TraceMessage` (with or without the message's text around them);
    /// nil when it holds none.
    init?(traceMessage: String) {
        // Base64 never holds '-', ' ' or '(': those separate the hashes and the message's words.
        let tokens = traceMessage.split { !($0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0))) }
        let found = tokens.map(String.init).filter { $0.count == 28 || $0.count == 44 }.filter { $0.hasSuffix("=") }
        guard !found.isEmpty else { return nil }
        hashes = Set(found)
    }

    /// True when `mention` (an account as a ticket writes it: `CORP\alice`, `alice@corp.example`,
    /// `alice`) is the user name hashed. The name is compared as written, in lower case and with
    /// a capital first letter, whole and without its domain (the hash keeps the case as typed).
    func names(_ mention: String) -> Bool {
        let written = mention.trimmingCharacters(in: .whitespaces)
        var bare = Substring(written)
        if let slash = bare.lastIndex(of: "\\") { bare = bare[bare.index(after: slash)...] }
        var spellings: Set<String> = []
        for form in [written, String(bare), String(bare.prefix { $0 != "@" })] where !form.isEmpty {
            spellings.formUnion([form, form.lowercased(), form.prefix(1).uppercased() + form.dropFirst().lowercased()])
        }
        return spellings.contains { spelling in
            let text = Array(spelling.utf16).flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
            return hashes.contains(Data(SHA256.digest(of: text)).base64EncodedString())
                || hashes.contains(Data(SHA1.digest(of: text)).base64EncodedString())
        }
    }
}
