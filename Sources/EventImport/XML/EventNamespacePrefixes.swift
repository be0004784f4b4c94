#if canImport(Glibc)
    import Glibc
#endif

/// The namespace prefixes an input binds to the Windows event schema, so that records written
/// with a prefix on every element (`<e:Event xmlns:e="…/win/2004/08/events/event">`) are read
/// like the usual unprefixed ones.
///
/// expat runs without namespace processing, which would cost time on every element of every
/// record; prefixes are matched here instead, and only outside records (a few elements per file).
/// A prefix declared for the event namespace, on a record or on an element around records (an
/// `<e:Events>` wrapper), is remembered for the rest of the input, across restarts after damage.
/// Scopes are not tracked: exports do not re-bind one prefix to another namespace within a file.
struct EventNamespacePrefixes {
    /// The Windows event schema's namespace.
    static let namespace = "http://schemas.microsoft.com/win/2004/08/events/event"
    /// Prefixes remembered per input; further ones are ignored, so memory stays bounded.
    private static let maxRemembered = 16

    /// Each remembered prefix with its colon (`e:`).
    private var known: [[UInt8]] = []

    /// Remembers every prefix that `attributes` (expat's name/value array) declare for the event namespace.
    mutating func learn(from attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        var index = 0
        while let name = attributes[index], let value = attributes[index + 1] {
            index += 2
            guard strncmp(name, "xmlns:", 6) == 0, strcmp(value, Self.namespace) == 0 else { continue }
            let declared = name + 6
            let prefix = UnsafeBufferPointer(start: UnsafeRawPointer(declared).assumingMemoryBound(to: UInt8.self), count: strlen(declared))
            // Most files declare the same prefix on every record: compare before allocating.
            if !prefix.isEmpty && !known.contains(where: { $0.dropLast().elementsEqual(prefix) })
                && known.count < Self.maxRemembered
            {
                known.append(Array(prefix) + [UInt8(ascii: ":")])
            }
        }
    }

    /// The length of `name`'s prefix, colon included, when that prefix is bound to the event
    /// namespace; 0 when `name` has no prefix or another one.
    func boundPrefixLength(of name: UnsafePointer<CChar>) -> Int {
        guard let colon = strchr(name, 0x3A) else { return 0 }
        let length = UnsafePointer(colon) - name + 1
        let prefix = UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: length)
        return known.contains { $0.elementsEqual(prefix) } ? length : 0
    }
}
