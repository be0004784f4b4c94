import Yams

/// A YAML map with its keys indexed once, for the many lookups of one rule's top-level keys.
///
/// Yams finds `mapping["title"]` by building a tagged scalar for `"title"` and comparing it with
/// every pair's key, copying each pair out of the map as it goes: about 10,000 instructions a
/// lookup, and a rule's loading asks for some 20 keys (12% of loading SigmaHQ's rules). Here every
/// pair is read once; a lookup is then a dictionary lookup, and the pair it finds is still
/// compared the way Yams compares (tag included), so the answer is Yams's: the last pair with
/// that key, or nil.
struct KeyedMapping {
    /// The map itself.
    let mapping: Node.Mapping
    private let lastIndexOfText: [String: Int]

    init(_ mapping: Node.Mapping) {
        self.mapping = mapping
        var lastIndexOfText: [String: Int] = [:]
        lastIndexOfText.reserveCapacity(mapping.count)
        for index in mapping.indices {
            if let text = mapping[index].key.scalar?.string { lastIndexOfText[text] = index }
        }
        self.lastIndexOfText = lastIndexOfText
    }

    /// The value of the last pair whose key is `key`, as `mapping[key]` answers.
    subscript(key: String) -> Node? {
        guard let index = lastIndexOfText[key] else { return nil }
        let pair = mapping[index]
        // Keys with the same text but another tag (`!!int 1` beside `'1'`) are rare: only
        // then is the map searched the slow way.
        if pair.key == Node(key, mapping.tag.copy(with: .implicit)) { return pair.value }
        return mapping[key]
    }
}
