import EventImport

extension ConditionNode {
    /// The condition with every search index moved by `offset` (for appending a filter's searches).
    func shifted(by offset: Int) -> ConditionNode {
        switch self {
        case .search(let index): .search(index + offset)
        case .not(let inner): .not(inner.shifted(by: offset))
        case .and(let children): .and(children.map { $0.shifted(by: offset) })
        case .or(let children): .or(children.map { $0.shifted(by: offset) })
        }
    }
}

// MARK: - Field mapping

extension FieldReference {
    /// The reference after a log source's field mapping (rule name → event name).
    func mapped(_ mapping: [String: String]) -> FieldReference {
        guard !mapping.isEmpty, let target = mapping[displayName] else { return self }
        return FieldReference.resolve(target)
    }
}

extension ValueMatcher {
    func mapped(_ mapping: [String: String]) -> ValueMatcher {
        if case .fieldReference(let reference, let comparison) = self {
            return .fieldReference(reference.mapped(mapping), comparison)
        }
        return self
    }
}

extension FieldItem {
    func mapped(_ mapping: [String: String]) -> FieldItem {
        guard !mapping.isEmpty else { return self }
        var copy = self
        copy.field = field.mapped(mapping)
        switch test {
        case .exists: break
        case .anyOf(let matchers, let absent): copy.test = .anyOf(matchers.map { $0.mapped(mapping) }, matchesAbsent: absent)
        case .allOf(let groups): copy.test = .allOf(groups.map { $0.map { $0.mapped(mapping) } })
        case .noneOf(let matchers): copy.test = .noneOf(matchers.map { $0.mapped(mapping) })
        }
        return copy
    }
}

extension SearchNode {
    func mapped(_ mapping: [String: String]) -> SearchNode {
        guard !mapping.isEmpty else { return self }
        switch self {
        case .fields(let items): return .fields(items.map { $0.mapped(mapping) })
        case .keywords: return self
        case .anyOf(let nodes): return .anyOf(nodes.map { $0.mapped(mapping) })
        case .allOf(let nodes): return .allOf(nodes.map { $0.mapped(mapping) })
        }
    }
}

// MARK: - Index keys

extension SearchNode {
    /// The event IDs this search can match, when it requires `EventID` to be one of a known set.
    func requiredValues(of system: SystemField) -> Set<String>? {
        switch self {
        case .fields(let items):
            var result: Set<String>?
            for item in items {
                guard case .system(let field) = item.field, field == system,
                    case .anyOf(let matchers, false) = item.test
                else { continue }
                var values: Set<String> = []
                var qualifies = true
                for matcher in matchers {
                    guard let matcherValues = Self.indexValues(of: matcher, for: system) else {
                        qualifies = false
                        break
                    }
                    values.formUnion(matcherValues)
                }
                if !qualifies { continue }
                if values.isEmpty { continue }
                result = result.map { $0.intersection(values) } ?? values
            }
            return result
        case .keywords:
            return nil
        case .anyOf(let nodes):
            var union: Set<String> = []
            for node in nodes {
                guard let values = node.requiredValues(of: system) else { return nil }
                union.formUnion(values)
            }
            return union
        case .allOf(let nodes):
            var result: Set<String>?
            for node in nodes {
                if let values = node.requiredValues(of: system) {
                    result = result.map { $0.intersection(values) } ?? values
                }
            }
            return result
        }
    }
}

extension SearchNode {
    /// The canonical texts of exact, case-insensitive values (event IDs in decimal), or `nil`.
    fileprivate static func indexValues(of matcher: ValueMatcher, for system: SystemField) -> [String]? {
        func canonical(_ bytes: [UInt8]) -> String? {
            let text = String(decoding: bytes, as: UTF8.self)
            if system == .eventID { return UInt32(text).map { String($0) } }
            return text
        }
        switch matcher {
        case .number(let number):
            guard system == .eventID, let integer = number.integer, let id = UInt32(exactly: integer) else { return nil }
            return [String(id)]
        case .string(let pattern):
            guard pattern.shape == .exact, !pattern.caseSensitive, let text = canonical(pattern.bytes) else { return nil }
            return [text]
        case .literalSet(let set):
            guard set.shape == .exact else { return nil }
            var texts: [String] = []
            for pattern in set.patterns {
                guard let text = canonical(pattern.bytes) else { return nil }
                texts.append(text)
            }
            return texts
        default:
            return nil
        }
    }
}

extension ConditionNode {
    /// The values a `System` field must have for the condition to hold, or `nil` when any value can.
    func requiredValues(of system: SystemField, _ searches: [SearchNode]) -> Set<String>? {
        switch self {
        case .search(let index):
            return searches[index].requiredValues(of: system)
        case .not:
            return nil
        case .and(let children):
            var result: Set<String>?
            for child in children {
                if let values = child.requiredValues(of: system, searches) {
                    result = result.map { $0.intersection(values) } ?? values
                }
            }
            return result
        case .or(let children):
            var union: Set<String> = []
            for child in children {
                guard let values = child.requiredValues(of: system, searches) else { return nil }
                union.formUnion(values)
            }
            return union
        }
    }
}
