import Foundation

/// A URL as it may be shown in logs and messages: user information (`user:password@`) is masked.
///
/// `https://alice:secret@rt.example/rt` is shown as `https://***@rt.example/rt`. Text that is not
/// a URL with an authority is shown unchanged.
public struct RedactedURL: CustomStringConvertible, Sendable, Hashable {
    /// The URL as configured (with its credentials).
    private let url: String

    /// Wraps `url`.
    public init(_ url: String) {
        self.url = url
    }

    /// The URL with the user information of its authority replaced by `***`.
    public var description: String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityStart = scheme.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + "***" + String(url[at...])
    }
}
