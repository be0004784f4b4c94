/// One layer of a layered rule load (`RuleLoader.load(layers:)`): rule files and folders on disk,
/// or rule texts held in memory, such as the pack compiled into rdpcause.
public struct RuleLayer: Sendable {
    /// One source of rule documents.
    public enum Entry: Sendable {
        /// A rule file, or a folder read recursively as by `RuleLoader.load(paths:)`.
        case path(String)
        /// The text of one rule file; `source` names it in diagnostics and locators.
        case text(source: String, text: String)
    }

    /// The entries, in load order.
    public var entries: [Entry]

    /// A layer of files and folders.
    public init(paths: [String]) {
        entries = paths.map { .path($0) }
    }

    /// A layer of the given entries.
    public init(entries: [Entry]) {
        self.entries = entries
    }
}

/// A rule that replaced a rule of an earlier layer with the same `id` or `name`.
public struct RuleOverride: Sendable, CustomStringConvertible {
    /// The rule now in the catalog.
    public var rule: SigmaRule
    /// The rule it replaced.
    public var replaced: SigmaRule

    /// `rule 'name' (file:line) overrides the one at file:line`.
    public var description: String {
        "rule \(rule.label) (\(rule.locator)) overrides the one at \(replaced.locator)"
    }
}

extension SigmaRule {
    /// How messages name the rule: its `name`, else its `id`, else its title, quoted.
    var label: String { "'\(name ?? id ?? title)'" }
}

extension RuleCatalog {
    /// Lays `layer` over this catalog: each of its rules replaces, in place, the rules loaded so far
    /// with the same `id` (ignoring case) or `name`, or is appended; the counters, diagnostics and
    /// filters are added.
    mutating func overlay(_ layer: RuleCatalog) {
        diagnostics += layer.diagnostics
        filesRead += layer.filesRead
        files += layer.files
        documentsRead += layer.documentsRead
        rejectedRules += layer.rejectedRules
        filters += layer.filters
        overrides += layer.overrides
        // Only rules of the layers below can be replaced, each at most once.
        var byID: [String: Int] = [:]
        var byName: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            if let id = rule.id?.lowercased(), byID[id] == nil { byID[id] = index }
            if let name = rule.name, byName[name] == nil { byName[name] = index }
        }
        var slots: [SigmaRule?] = rules
        var replaced = Set<Int>()
        var appended: [SigmaRule] = []
        for rule in layer.rules {
            let matches = Set([rule.id.flatMap { byID[$0.lowercased()] }, rule.name.flatMap { byName[$0] }].compactMap { $0 })
                .subtracting(replaced).sorted()
            guard let first = matches.first, let below = slots[first] else {
                appended.append(rule)
                continue
            }
            overrides.append(RuleOverride(rule: rule, replaced: below))
            slots[first] = rule
            for other in matches.dropFirst() {
                if let second = slots[other] { overrides.append(RuleOverride(rule: rule, replaced: second)) }
                slots[other] = nil
            }
            replaced.formUnion(matches)
        }
        rules = slots.compactMap { $0 } + appended
    }
}
