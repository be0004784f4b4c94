import Dispatch
import Foundation
import Synchronization
import Yams

/// The result of loading rules: the rules that loaded, and a diagnostic for everything else.
public struct RuleCatalog: Sendable {
    /// Loaded rules (detection and correlation), in file and document order.
    public var rules: [SigmaRule] = []
    /// Every problem found, in the order found.
    public var diagnostics: [SigmaDiagnostic] = []
    /// Rule files read.
    public var filesRead = 0
    /// The files (and the sources of in-memory texts) read, in load order.
    public var files: [String] = []
    /// YAML documents read (including those that are not rules).
    public var documentsRead = 0
    /// Documents that looked like rules but were not loaded because of an error.
    public var rejectedRules = 0
    /// Sigma filters (`filter:` documents), already applied to the rules they name.
    public var filters: [SigmaFilter] = []
    /// Rules of a later layer that replaced a rule of an earlier one (see `RuleLoader.load(layers:)`).
    public var overrides: [RuleOverride] = []

    /// Creates an empty catalog.
    public init() {}

    /// Diagnostics of severity `error`.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    /// Diagnostics of severity `warning`.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
    /// Loaded detection rules that the engine evaluates.
    public var evaluatedRules: [SigmaRule] { rules.filter(\.isEvaluated) }

    /// Appends what another load found (before ids are checked and filters applied).
    mutating func merge(_ other: RuleCatalog) {
        rules += other.rules
        diagnostics += other.diagnostics
        filesRead += other.filesRead
        files += other.files
        documentsRead += other.documentsRead
        rejectedRules += other.rejectedRules
        filters += other.filters
    }
}

/// Loads Sigma rules (specification v2.1) from YAML files and folders.
///
/// Every document of a multi-document file (`---`) is read. A document with `detection:` is a
/// detection rule, one with `correlation:` a correlation rule (kept, with a note, for a later stage),
/// one with `filter:` a Sigma filter, ANDed into the rules it names once everything is loaded.
/// Other YAML documents get a `not-sigma` warning, except below a folder named `causes`, which holds
/// the project's own cause definitions and is skipped. A rule with an error (unknown modifier, bad
/// regular expression, undefined identifier in the condition, duplicate id, …) is not loaded; a rule
/// that loads but cannot be evaluated (unmapped log source, unresolved placeholder) is kept with a
/// warning. Nothing is skipped without a diagnostic. Rule files are untrusted: a file over
/// ``YAMLInput/maxBytes`` is refused unread, and conditions, values per rule and regular
/// expressions are bounded (see `Rules/README.md`, "Limits on hostile rules").
///
/// ```swift
/// let catalog = RuleLoader().load(paths: ["Rules"])
/// for diagnostic in catalog.diagnostics { print(diagnostic) }
/// ```
public struct RuleLoader: Sendable {
    /// Values for `expand` placeholders: `name` (without `%`) → values.
    public var placeholders: [String: [String]]

    /// The folder name below which files are not Sigma rules (the project's cause definitions).
    public static let causesFolderName = "causes"

    /// The folder name of the pySigma processing pipelines shipped with the rules (not rules either).
    public static let pipelinesFolderName = "pysigma"

    /// Creates a loader.
    public init(placeholders: [String: [String]] = [:]) {
        self.placeholders = placeholders
    }

    /// Loads rule files and folders (recursively, `.yml` and `.yaml`, in sorted order, skipping hidden
    /// entries and `causes` folders), then checks ids across everything loaded.
    ///
    /// Files are parsed in parallel across the cores; the catalog is the same as a serial load
    /// (rules and diagnostics in path, file and document order).
    public func load(paths: [String]) -> RuleCatalog {
        load(layers: [RuleLayer(paths: paths)])
    }

    /// Loads layers of rules, the first at the bottom: a rule of a later layer with the same `id`
    /// (ignoring case) or `name` as a rule of an earlier layer replaces it in place, and the
    /// replacement is listed in `overrides`. Within a layer, a duplicate `id` is an error as in
    /// `load(paths:)`. Filters of every layer apply once all layers are loaded.
    ///
    /// Every file and text of every layer is parsed in parallel across the cores; a file named in
    /// several layers is read once, in the first. A file whose text is that of an in-memory text of
    /// a lower layer adds nothing and is not loaded again (so a copy of the built-in pack laid over
    /// it changes nothing); it is counted in `filesRead`, not listed in `files`.
    public func load(layers: [RuleLayer]) -> RuleCatalog {
        var units: [RuleLayer.Entry] = []
        // For each unit, the in-memory texts of the layers below it.
        var textsBelow: [Set<String>] = []
        var texts = Set<String>()
        // Per layer, what to merge in order: a diagnostic about a path, or the index of a unit.
        var layerSteps: [[Result<Int, SigmaDiagnostic>]] = []
        var loaded = Set<String>()  // a file named twice (a folder and its subfolder) is read once
        for layer in layers {
            var steps: [Result<Int, SigmaDiagnostic>] = []
            let below = texts
            for entry in layer.entries {
                guard case .path(let path) = entry else {
                    if case .text(_, let text) = entry { texts.insert(text) }
                    steps.append(.success(units.count))
                    units.append(entry)
                    textsBelow.append(below)
                    continue
                }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    steps.append(.failure(SigmaDiagnostic(.error, .unreadable, source: path, message: "no such rule file or folder")))
                    continue
                }
                var listing = RuleCatalog()
                let files = isDirectory.boolValue ? ruleFiles(in: path, catalog: &listing) : [path]
                steps += listing.diagnostics.map { .failure($0) }
                for file in files where loaded.insert(URL(fileURLWithPath: file).standardizedFileURL.path).inserted {
                    steps.append(.success(units.count))
                    units.append(.path(file))
                    textsBelow.append(below)
                }
            }
            layerSteps.append(steps)
        }
        let parsed = Mutex(Array(repeating: RuleCatalog(), count: units.count))
        DispatchQueue.concurrentPerform(iterations: units.count) { [units, textsBelow] position in
            var catalog = RuleCatalog()
            switch units[position] {
            case .path(let file):
                loadFile(file, into: &catalog, unlessIn: textsBelow[position])
            case .text(let source, let text):
                catalog.filesRead = 1
                catalog.files = [source]
                loadDocuments(text, source: source, into: &catalog)
            }
            parsed.withLock { $0[position] = catalog }
        }
        let catalogs = parsed.withLock { $0 }
        var catalog = RuleCatalog()
        for (number, steps) in layerSteps.enumerated() {
            var layer = RuleCatalog()
            for step in steps {
                switch step {
                case .failure(let diagnostic): layer.diagnostics.append(diagnostic)
                case .success(let unit): layer.merge(catalogs[unit])
                }
            }
            checkDuplicateIDs(&layer)
            if number == 0 {
                catalog = layer
            } else {
                catalog.overlay(layer)
            }
        }
        applyFilters(&catalog)
        return catalog
    }

    /// Loads the rules in one YAML text (all its documents); `source` names it in diagnostics.
    public func load(yaml: String, source: String) -> RuleCatalog {
        var catalog = RuleCatalog()
        catalog.filesRead = 1
        catalog.files = [source]
        loadDocuments(yaml, source: source, into: &catalog)
        checkDuplicateIDs(&catalog)
        applyFilters(&catalog)
        return catalog
    }

    // MARK: - Files

    private func ruleFiles(in directory: String, catalog: inout RuleCatalog) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            catalog.diagnostics.append(
                SigmaDiagnostic(.error, .unreadable, source: directory, message: "the folder cannot be listed"))
            return []
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            if components.dropLast().contains(where: { $0 == Substring(Self.causesFolderName) || $0 == Substring(Self.pipelinesFolderName) }) {
                continue
            }
            let lowered = relative.lowercased()
            guard lowered.hasSuffix(".yml") || lowered.hasSuffix(".yaml") else { continue }
            let full = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(full)
            }
        }
        return files.sorted()
    }

    /// Loads a file, unless its text is one of `loadedTexts` (already loaded from a lower layer).
    private func loadFile(_ path: String, into catalog: inout RuleCatalog, unlessIn loadedTexts: Set<String> = []) {
        switch YAMLInput.read(path: path) {
        case .success(let text):
            catalog.filesRead += 1
            if loadedTexts.contains(text) { return }
            catalog.files.append(path)
            loadDocuments(text, source: path, into: &catalog)
        case .failure(let problem):
            catalog.files.append(path)
            catalog.diagnostics.append(
                SigmaDiagnostic(.error, .unreadable, source: path, message: problem.message + "; it is not loaded"))
        }
    }

    // MARK: - Documents

    /// How plain scalars get their YAML tags: never by content, so every untagged scalar is a string.
    ///
    /// Nothing here reads a resolved tag: values are classified from their text and style by
    /// ``DetectionParser`` (numbers, booleans, `null`), keys are compared as strings. Yams's default
    /// resolver runs seven regular expressions on a scalar every time its tag is asked for, which
    /// happens in every key comparison (its duplicate-key check hashes every key; every `map["title"]`
    /// lookup compares keys); with it, loading SigmaHQ took 9.4 G instructions, most of them there.
    /// One consequence: a map with both a plain `1:` and a quoted `'1':` key has a duplicate key now
    /// (the default resolver made them an integer and a string).
    static let tagResolver = Resolver.basic

    private func loadDocuments(_ text: String, source: String, into catalog: inout RuleCatalog) {
        if let problem = YAMLInput.sizeProblem(text) {
            catalog.diagnostics.append(
                SigmaDiagnostic(.error, .unreadable, source: source, message: problem.message + "; it is not loaded"))
            return
        }
        var documents: YamlSequence<Node>
        do {
            // The encoding is named: Yams's `Encoding.default` reads the process environment on
            // every call (a third of a million instructions per file).
            documents = try Yams.compose_all(yaml: text, Self.tagResolver, .default, .utf8)
        } catch {
            catalog.diagnostics.append(yamlDiagnostic(error, text: text, source: source))
            return
        }
        var index = 0
        while let document = documents.next() {
            catalog.documentsRead += 1
            loadDocument(document, index: index, source: source, into: &catalog)
            index += 1
        }
        if let error = documents.error {
            var diagnostic = yamlDiagnostic(error, text: text, source: source)
            diagnostic.message += index > 0 ? " (documents before it were read)" : ""
            catalog.diagnostics.append(diagnostic)
        }
    }

    private func yamlDiagnostic(_ error: any Error, text: String, source: String) -> SigmaDiagnostic {
        let problem = YAMLInput.problem(error, text: text)
        return SigmaDiagnostic(
            .error, .yamlSyntax, source: source, line: problem.line, column: problem.column,
            message: "invalid YAML: \(problem.message); the file is not loaded from here on")
    }

    private func loadDocument(_ document: Node, index: Int, source: String, into catalog: inout RuleCatalog) {
        var collector = DiagnosticCollector(source: source)
        defer { catalog.diagnostics += collector.diagnostics }
        guard let rootMapping = document.mapping else {
            if let scalar = document.scalar, scalar.string.isEmpty, scalar.style == .plain || scalar.style == .any {
                return  // An empty document (e.g. after a trailing `---`): nothing to load.
            }
            if !isInCausesFolder(source) {
                collector.report(
                    .warning, .notSigma, at: document,
                    "YAML document \(index + 1) is not a map, so it is not a Sigma rule; it is ignored")
            }
            return
        }
        let root = KeyedMapping(rootMapping)
        let detectionNode = root["detection"]
        let correlationNode = root["correlation"]
        if detectionNode == nil && correlationNode == nil {
            if isInCausesFolder(source) { return }
            if let filterNode = root["filter"] {
                if let filter = parseFilter(filterNode, root: root, document: document, source: source, collector: &collector) {
                    catalog.filters.append(filter)
                } else {
                    catalog.rejectedRules += 1
                }
            } else if let action = root["action"]?.string {
                collector.report(
                    .error, .deprecatedSyntax, at: document,
                    "'action: \(action)' rule collections are Sigma v1 syntax that v2 removed; the document is not loaded")
                catalog.rejectedRules += 1
            } else {
                collector.report(
                    .warning, .notSigma, at: document,
                    "YAML document \(index + 1) has neither 'detection' nor 'correlation', so it is not a Sigma rule; it is ignored")
            }
            return
        }
        if detectionNode != nil && correlationNode != nil {
            collector.report(
                .error, .invalidAttribute, at: document,
                "a document cannot have both 'detection' and 'correlation'; it is not loaded")
            catalog.rejectedRules += 1
            return
        }

        // Metadata.
        func string(_ key: String) -> String? {
            guard let node = root[key] else { return nil }
            guard let scalar = node.scalar else {
                collector.report(.warning, .invalidAttribute, at: node, "'\(key)' should be a string; it is ignored")
                return nil
            }
            return scalar.string
        }
        func list(_ key: String) -> [String] {
            guard let node = root[key] else { return [] }
            if let scalar = node.scalar { return scalar.string.isEmpty ? [] : [scalar.string] }
            guard let sequence = node.sequence else {
                collector.report(.warning, .invalidAttribute, at: node, "'\(key)' should be a list of strings; it is ignored")
                return []
            }
            return sequence.compactMap { element in
                guard let scalar = element.scalar else {
                    collector.report(.warning, .invalidAttribute, at: element, "an entry of '\(key)' is not a string; it is ignored")
                    return nil
                }
                return scalar.string
            }
        }
        let title = string("title")
        let id = string("id")
        let status = string("status")
        let level = string("level")
        if let id, !isUUID(id) {
            collector.report(.warning, .invalidAttribute, at: root["id"], "'id' \(id) is not a UUID")
        }
        if let status, !["stable", "test", "experimental", "deprecated", "unsupported"].contains(status) {
            collector.report(
                .warning, .invalidAttribute, at: root["status"],
                "'status' '\(status)' is not one of stable, test, experimental, deprecated, unsupported")
        }
        if let level, !["informational", "low", "medium", "high", "critical"].contains(level) {
            collector.report(
                .error, .invalidAttribute, at: root["level"],
                "'level' '\(level)' is not one of informational, low, medium, high, critical; the rule is not loaded")
            catalog.rejectedRules += 1
            return
        }
        guard let title, !title.isEmpty else {
            collector.report(.error, .missingAttribute, at: document, "the rule has no 'title'; it is not loaded")
            catalog.rejectedRules += 1
            return
        }

        var logSource = LogSource()
        if let logSourceNode = root["logsource"] {
            if let mapping = logSourceNode.mapping {
                func field(_ key: String) -> String? { mapping[key]?.scalar.map(\.string).flatMap { $0.isEmpty ? nil : $0 } }
                logSource = LogSource(
                    product: field("product"), category: field("category"), service: field("service"),
                    definition: field("definition"))
            } else {
                collector.report(.error, .invalidAttribute, at: logSourceNode, "'logsource' must be a map; the rule is not loaded")
            }
        } else if detectionNode != nil {
            collector.report(.error, .missingAttribute, at: document, "the rule has no 'logsource'; it is not loaded")
        }

        var rule = SigmaRule(
            title: title, id: id, name: string("name"), status: status, level: level,
            description: string("description"), author: string("author"), date: string("date"),
            modified: string("modified"), tags: list("tags"), references: list("references"),
            falsePositives: list("falsepositives"), fields: list("fields"), logSource: logSource,
            kind: .correlation(CorrelationRule(rules: [], groupBy: [], condition: [:], aliases: [:])),
            evaluation: .evaluated, source: source,
            position: SourcePosition(line: document.mark?.line ?? 1, column: document.mark?.column ?? 1),
            documentIndex: index)

        if let correlationNode {
            rule.kind = .correlation(parseCorrelation(correlationNode, root: document, collector: &collector))
            rule.evaluation = .notEvaluated(reason: "correlation rule, not evaluated by the detection engine")
            if collector.hasErrors {
                catalog.rejectedRules += 1
                return
            }
            let label = rule.name.map { "'\($0)'" } ?? rule.id ?? "'\(title)'"
            collector.report(
                .note, .correlationRule, at: correlationNode,
                "correlation rule \(label) loaded; correlation rule, not evaluated by the detection engine")
            catalog.rules.append(rule)
            return
        }
        guard let detectionNode else { return }
        var parser = DetectionParser(placeholders: placeholders, collector: collector)
        let detection = parser.parse(detectionNode)
        collector = parser.collector
        guard let detection, !collector.hasErrors else {
            catalog.rejectedRules += 1
            return
        }
        rule.kind = .detection(detection)
        if case .unmapped(let reason) = WindowsLogSources.resolve(logSource) {
            rule.evaluation = .notEvaluated(reason: "log source \(logSource): \(reason)")
            collector.report(
                .warning, .unmappedLogSource, at: root["logsource"],
                "log source \(logSource): \(reason); the rule is loaded but not evaluated")
        }
        if !parser.unresolvedPlaceholders.isEmpty {
            let names = parser.unresolvedPlaceholders.map { "%\($0)%" }.joined(separator: ", ")
            rule.evaluation = .notEvaluated(reason: "unresolved placeholder \(names)")
            collector.report(
                .warning, .unresolvedPlaceholder, at: detectionNode,
                "placeholder \(names) has no value (pass --placeholder NAME=VALUE); the rule is loaded but not evaluated")
        }
        catalog.rules.append(rule)
    }

    private func isInCausesFolder(_ source: String) -> Bool {
        source.split(separator: "/").dropLast().contains { $0 == Substring(Self.causesFolderName) }
    }

    private func parseCorrelation(_ node: Node, root: Node, collector: inout DiagnosticCollector) -> CorrelationRule {
        var correlation = CorrelationRule(rules: [], groupBy: [], condition: [:], aliases: [:])
        guard let mapping = node.mapping else {
            collector.report(.error, .invalidAttribute, at: node, "'correlation' must be a map; the rule is not loaded")
            return correlation
        }
        func strings(_ node: Node?) -> [String] {
            guard let node else { return [] }
            if let scalar = node.scalar { return [scalar.string] }
            return node.sequence?.compactMap { $0.scalar?.string } ?? []
        }
        correlation.type = mapping["type"]?.scalar?.string
        correlation.rules = strings(mapping["rules"])
        correlation.groupBy = strings(mapping["group-by"])
        correlation.timespan = mapping["timespan"]?.scalar?.string
        if let condition = mapping["condition"] {
            if let scalar = condition.scalar {
                correlation.condition["expression"] = scalar.string
            } else if let pairs = condition.mapping {
                for (key, value) in pairs {
                    guard let key = key.scalar?.string else { continue }
                    if let value = value.scalar?.string {
                        correlation.condition[key] = value
                    } else if key == "field", let list = value.sequence?.compactMap({ $0.scalar?.string }), !list.isEmpty {
                        // A list of fields (value_count over their combinations), kept as one text.
                        correlation.condition[key] = list.joined(separator: CorrelationRule.fieldListSeparator)
                    } else {
                        collector.report(
                            .error, .invalidAttribute, at: value, "condition.\(key) must be a single value; the rule is not loaded")
                    }
                }
            }
        }
        if let aliases = mapping["aliases"]?.mapping {
            for (alias, fields) in aliases {
                guard let alias = alias.scalar?.string, let fields = fields.mapping else { continue }
                var byRule: [String: String] = [:]
                for (rule, field) in fields {
                    if let rule = rule.scalar?.string, let field = field.scalar?.string { byRule[rule] = field }
                }
                correlation.aliases[alias] = byRule
            }
        }
        correlation.absent = strings(mapping["absent"])
        if let window = mapping["window"]?.mapping {
            for (key, value) in window {
                if let key = key.scalar?.string, let value = value.scalar?.string { correlation.window[key] = value }
            }
        }
        let generate = mapping["generate"] ?? root["generate"]
        correlation.generate = generate?.scalar.flatMap { Bool($0.string.lowercased()) }
        let types = [
            "event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile",
            "value_median", "rdpcause_absent",
        ]
        if correlation.type == nil {
            collector.report(.warning, .missingAttribute, at: node, "the correlation has no 'type'")
        } else if let type = correlation.type, !types.contains(type) {
            collector.report(
                .warning, .invalidAttribute, at: mapping["type"], "correlation type '\(type)' is not one of \(types.joined(separator: ", "))")
        }
        if correlation.rules.isEmpty {
            collector.report(.warning, .missingAttribute, at: node, "the correlation names no 'rules'")
        }
        if correlation.timespan == nil && correlation.type != "rdpcause_absent" {
            collector.report(.warning, .missingAttribute, at: node, "the correlation has no 'timespan'")
        }
        return correlation
    }

    // MARK: - Filters

    private func parseFilter(
        _ node: Node, root: KeyedMapping, document: Node, source: String, collector: inout DiagnosticCollector
    ) -> SigmaFilter? {
        guard let title = root["title"]?.scalar?.string, !title.isEmpty else {
            collector.report(.error, .missingAttribute, at: document, "the filter has no 'title'; it is not loaded")
            return nil
        }
        guard let mapping = node.mapping else {
            collector.report(.error, .invalidAttribute, at: node, "'filter' must be a map; the filter is not loaded")
            return nil
        }
        var rules: [String] = []
        if let rulesNode = mapping["rules"] {
            if let scalar = rulesNode.scalar {
                rules = [scalar.string]
            } else {
                rules = rulesNode.sequence?.compactMap { $0.scalar?.string } ?? []
            }
        }
        if rules.isEmpty {
            collector.report(.error, .missingAttribute, at: node, "the filter names no 'rules'; it is not loaded")
            return nil
        }
        var logSource = LogSource()
        if let logSourceMapping = root["logsource"]?.mapping {
            func field(_ key: String) -> String? {
                logSourceMapping[key]?.scalar.map(\.string).flatMap { $0.isEmpty ? nil : $0 }
            }
            logSource = LogSource(
                product: field("product"), category: field("category"), service: field("service"),
                definition: field("definition"))
        } else {
            collector.report(.error, .missingAttribute, at: document, "the filter has no 'logsource'; it is not loaded")
            return nil
        }
        // The rest of the `filter` map is a detection: search identifiers and a condition.
        let detectionPairs = mapping.filter { $0.key.scalar?.string != "rules" }
        let detectionNode = Node.mapping(Node.Mapping(detectionPairs.map { ($0.key, $0.value) }, mapping.tag, .block, node.mark))
        var parser = DetectionParser(placeholders: placeholders, collector: collector)
        let detection = parser.parse(detectionNode)
        collector = parser.collector
        guard let detection, !collector.hasErrors else { return nil }
        if !parser.unresolvedPlaceholders.isEmpty {
            let names = parser.unresolvedPlaceholders.map { "%\($0)%" }.joined(separator: ", ")
            collector.report(
                .warning, .unresolvedPlaceholder, at: node,
                "placeholder \(names) has no value (pass --placeholder NAME=VALUE); the filter is not applied")
            return nil
        }
        return SigmaFilter(
            title: title, id: root["id"]?.scalar?.string, description: root["description"]?.scalar?.string,
            logSource: logSource, rules: rules, detection: detection, source: source,
            position: SourcePosition(line: document.mark?.line ?? 1, column: document.mark?.column ?? 1))
    }

    /// ANDs each filter's condition into the detection rules it names (by `id` or `name`), as pySigma
    /// applies filters, when the filter's log source fields agree with the rule's.
    private func applyFilters(_ catalog: inout RuleCatalog) {
        for filter in catalog.filters {
            for reference in filter.rules {
                let targets = catalog.rules.indices.filter { index in
                    let rule = catalog.rules[index]
                    return rule.id?.lowercased() == reference.lowercased() || rule.name == reference
                }
                guard !targets.isEmpty else {
                    catalog.diagnostics.append(
                        SigmaDiagnostic(
                            .warning, .invalidAttribute, source: filter.source, line: filter.position.line,
                            column: filter.position.column,
                            message: "filter '\(filter.title)' names rule '\(reference)', which is not loaded; nothing to filter"))
                    continue
                }
                for index in targets {
                    let rule = catalog.rules[index]
                    guard var detection = rule.detection else {
                        catalog.diagnostics.append(
                            SigmaDiagnostic(
                                .warning, .invalidAttribute, source: filter.source, line: filter.position.line,
                                column: filter.position.column,
                                message: "filter '\(filter.title)' names correlation rule '\(reference)'; filters apply to detection rules"))
                        continue
                    }
                    guard filter.logSource.admits(rule.logSource) else {
                        catalog.diagnostics.append(
                            SigmaDiagnostic(
                                .warning, .invalidAttribute, source: filter.source, line: filter.position.line,
                                column: filter.position.column,
                                message:
                                    "filter '\(filter.title)' has log source \(filter.logSource) but rule '\(rule.title)' "
                                    + "(\(rule.locator)) has \(rule.logSource); the filter is not applied to it"))
                        continue
                    }
                    let offset = detection.searches.count
                    detection.searches += filter.detection.searches.map {
                        NamedSearch(name: "filter(\(filter.id ?? filter.title)).\($0.name)", node: $0.node)
                    }
                    detection.condition = .and([detection.condition, filter.detection.condition.shifted(by: offset)])
                    detection.conditionText = detection.conditionText.map { "(\($0)) and filter(\(filter.id ?? filter.title))" }
                    catalog.rules[index].kind = .detection(detection)
                    catalog.rules[index].appliedFilters.append(filter.id ?? filter.title)
                    catalog.diagnostics.append(
                        SigmaDiagnostic(
                            .note, .filterApplied, source: filter.source, line: filter.position.line,
                            column: filter.position.column,
                            message: "filter '\(filter.title)' applied to rule '\(rule.title)' (\(rule.locator))"))
                }
            }
        }
    }

    private func checkDuplicateIDs(_ catalog: inout RuleCatalog) {
        var firstByID: [String: SigmaRule] = [:]
        var kept: [SigmaRule] = []
        for rule in catalog.rules {
            guard let id = rule.id else {
                kept.append(rule)
                continue
            }
            let key = id.lowercased()
            if let first = firstByID[key] {
                catalog.diagnostics.append(
                    SigmaDiagnostic(
                        .error, .duplicateID, source: rule.source, line: rule.position.line, column: rule.position.column,
                        message: "duplicate id \(id): '\(first.title)' at \(first.locator) already uses it; this rule is not loaded"))
                catalog.rejectedRules += 1
                continue
            }
            firstByID[key] = rule
            kept.append(rule)
        }
        catalog.rules = kept
    }
}

/// Whether `text` has the 8-4-4-4-12 hexadecimal form of a UUID.
func isUUID(_ text: String) -> Bool {
    // ASCII text (every rule id in practice) is checked byte by byte; the split below, by
    // characters, also takes the full-width hexadecimal digits `Character.isHexDigit` accepts.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
        guard text.utf8.count == 36 else { return false }
        for (offset, byte) in text.utf8.enumerated() {
            let lowered = byte | 0x20
            let valid: Bool
            switch offset {
            case 8, 13, 18, 23: valid = byte == UInt8(ascii: "-")
            default: valid = (0x30...0x39).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(lowered)
            }
            if !valid { return false }
        }
        return true
    }
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
    return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
}
