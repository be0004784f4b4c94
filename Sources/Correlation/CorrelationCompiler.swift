public import EventImport
public import SigmaKit

extension CorrelationSpec {
    /// Checks a loaded Sigma correlation rule and turns it into a spec, or says what is wrong.
    ///
    /// Accepts the Sigma v2.1 types plus `value_median` and the rdpcause extension
    /// `rdpcause_absent` (`rules` = anchors, `absent` = rules that must be missing,
    /// `window: {before: 30s, after: 60s}`; see `Rules/README.md`). `value_percentile` takes the
    /// percentile from `condition.percentile` (default 95).
    public static func compile(_ rule: SigmaRule) -> Result<CorrelationSpec, CorrelationProblem> {
        guard let correlation = rule.correlation else {
            return .failure(CorrelationProblem(location: rule.locator, message: "not a correlation rule"))
        }
        func fail(_ message: String) -> Result<CorrelationSpec, CorrelationProblem> {
            .failure(CorrelationProblem(location: rule.locator, message: message))
        }
        var condition: [Comparison] = []
        var field: String?
        var percentile = 95.0
        for (key, value) in correlation.condition.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "field":
                field = value
            case "percentile":
                guard let number = Double(value), number > 0, number <= 100 else {
                    return fail("condition.percentile must be a number in (0, 100], not '\(value)'")
                }
                percentile = number
            case "expression":
                return fail(
                    "a boolean correlation condition ('\(value)') is Sigma v2.2 draft syntax, which rdpcause does not evaluate yet; use a count condition")
            default:
                guard let op = Comparison.Operator(rawValue: key) else {
                    return fail("unknown condition key '\(key)' (use gt, gte, lt, lte, eq, neq, field)")
                }
                guard let number = Double(value) else { return fail("condition.\(key) must be a number, not '\(value)'") }
                condition.append(Comparison(op, number))
            }
        }
        let kind: Kind
        switch correlation.type ?? "" {
        case "event_count": kind = .eventCount
        case "value_count": kind = .valueCount
        case "temporal": kind = .temporal
        case "temporal_ordered": kind = .temporalOrdered
        case "value_sum": kind = .valueSum
        case "value_avg": kind = .valueAverage
        case "value_percentile": kind = .valuePercentile(percentile)
        case "value_median": kind = .valueMedian
        case "rdpcause_absent":
            guard let before = parseTimespan(correlation.window["before"] ?? "0s"),
                let after = parseTimespan(correlation.window["after"] ?? "0s")
            else { return fail("rdpcause_absent needs window.before and window.after such as 30s or 5m (at most 3650d)") }
            guard !correlation.absent.isEmpty else { return fail("rdpcause_absent needs `absent:` rules") }
            kind = .absent(before: before, after: after)
        case let other:
            return fail("correlation type '\(other)' is not supported")
        }
        var timespan: Int64 = 0
        if case .absent = kind {
            timespan = 0
        } else {
            guard let text = correlation.timespan, let parsed = parseTimespan(text) else {
                return fail("timespan must be a number and a unit (s, m, h, d, w) of at most 3650d (10 years), e.g. 5m")
            }
            timespan = parsed
        }
        switch kind {
        case .eventCount, .valueCount, .valueSum, .valueAverage, .valuePercentile, .valueMedian:
            if condition.isEmpty { return fail("\(kind.name) needs a condition such as gte: 3") }
        default:
            break
        }
        if let field, field.contains(CorrelationRule.fieldListSeparator) {
            let names = field.split(separator: CorrelationRule.fieldListSeparator, omittingEmptySubsequences: false).map(String.init)
            guard kind == .valueCount else {
                return fail("condition.field lists several fields (\(names.joined(separator: ", "))); only value_count counts combinations of fields")
            }
            guard !names.contains(where: \.isEmpty) else { return fail("condition.field lists an empty field name") }
        }
        return .success(
            CorrelationSpec(
                title: rule.title, id: rule.id, name: rule.name, level: rule.level, kind: kind, rules: correlation.rules,
                absentRules: correlation.absent, groupBy: correlation.groupBy, timespan: timespan, condition: condition,
                valueField: field, aliases: correlation.aliases, generate: correlation.generate ?? false, location: rule.locator))
    }
}

/// The correlation rules of a catalog, compiled and checked: those that can run, and one problem
/// for each of the others (what `hunt` runs and `rules lint` reports).
public struct CompiledCorrelations: Sendable {
    /// The rules that can run.
    public let admitted: [CorrelationSpec]
    /// One problem per rule left out (bad attributes, unknown references, cycles), in rule order.
    public let problems: [CorrelationProblem]
    /// Every catalog rule as a correlation may reference it, in catalog order (correlation rules
    /// without id or name, so that a reference to one resolves to the correlation).
    public let identities: [DetectionIdentity]

    /// Compiles and checks the correlation rules of `catalog`.
    public init(catalog: RuleCatalog) {
        var specs: [CorrelationSpec] = []
        var problems: [CorrelationProblem] = []
        var leftOut = Set<String>()
        for rule in catalog.rules where rule.correlation != nil {
            switch CorrelationSpec.compile(rule) {
            case .success(let spec): specs.append(spec)
            case .failure(let problem):
                problems.append(problem)
                leftOut.formUnion([rule.id, rule.name].compactMap { $0 })
            }
        }
        // Correlation rules sit in the detection index space too (the matcher never fires them);
        // without a name there, a reference to one resolves to the correlation (a chain).
        identities = catalog.rules.map { rule in
            rule.correlation == nil
                ? DetectionIdentity(id: rule.id, name: rule.name, title: rule.title)
                : DetectionIdentity(id: nil, name: nil, title: rule.title)
        }
        let admission = CorrelationAdmission(specs: specs, detections: identities, leftOut: leftOut)
        admitted = admission.admitted
        var order: [String: Int] = [:]
        for (index, rule) in catalog.rules.enumerated() where order[rule.locator] == nil { order[rule.locator] = index }
        self.problems = (problems + admission.problems).sorted { (order[$0.location] ?? 0) < (order[$1.location] ?? 0) }
    }
}

/// Runs detection and correlation rules over exported logs: detections as they are read,
/// correlations once every input is read and its hits are in event-time order.
public final class Hunt {
    /// The matcher.
    public let engine: SigmaEngine
    /// The correlation engine (nil when no correlation rule compiled).
    public let correlations: CorrelationEngine?
    /// Problems that kept correlation rules out.
    public let problems: [CorrelationProblem]
    private let suppressed: Set<Int>
    private let suppressedCorrelations: Set<Int>
    private var merger = HitMerger()
    /// The detection rules that could not be evaluated on some of the events fed so far.
    public private(set) var gaps = EvaluationGaps()

    /// Compiles the catalog's detection and correlation rules.
    public init(catalog: RuleCatalog) {
        engine = SigmaEngine(rules: catalog.rules)
        let compiled = CompiledCorrelations(catalog: catalog)
        let identities = compiled.identities
        var problems = compiled.problems
        var engine: CorrelationEngine?
        do {
            engine = compiled.admitted.isEmpty
                ? nil
                : try CorrelationEngine(specs: compiled.admitted, detections: identities) { event, field in
                    SigmaFields.value(field, in: event)
                }
        } catch {
            problems += error.problems
        }
        correlations = engine
        // Rules referenced by a correlation are reported on their own only with `generate: true`.
        var suppressed = Set<Int>()
        if let engine {
            for (index, rule) in catalog.rules.enumerated() where engine.isReferenced(detection: index) {
                let references = [rule.id, rule.name].compactMap { $0 }
                let generated = engine.specs.contains { spec in spec.generate && spec.rules.contains { references.contains($0) } }
                if !generated { suppressed.insert(index) }
            }
        }
        self.suppressed = suppressed
        // A correlation that feeds another is reported on its own only when one that references it
        // has `generate: true` (the specification's rule for referenced rules, applied to chains).
        var suppressedCorrelations = Set<Int>()
        if let engine {
            for (index, spec) in engine.specs.enumerated() {
                let references = [spec.id, spec.name].compactMap { $0 }
                let referencing = engine.specs.filter { other in other.rules.contains { references.contains($0) } }
                if !referencing.isEmpty, !referencing.contains(where: \.generate) { suppressedCorrelations.insert(index) }
            }
        }
        self.suppressedCorrelations = suppressedCorrelations
        self.problems = problems
    }

    /// Feeds one event; calls `detection` with each matching rule that is reported on its own.
    public func process(_ event: WinEvent, detection: (Int) -> Void) {
        merger.observe(event.time)
        var referenced: [Int] = []
        engine.forEachMatchIndex(in: event, gaps: &gaps) { index in
            if let correlations, correlations.isReferenced(detection: index) { referenced.append(index) }
            if !suppressed.contains(index) { detection(index) }
        }
        if !referenced.isEmpty {
            // Hits are held until the end, so they are kept compact.
            merger.add(HitMerger.Hit(event: event.storedWithoutRendering(), detections: referenced))
        }
    }

    /// Evaluates the correlation rules over every hit, in event-time order.
    public func finish() -> [CorrelationAlert] {
        guard let correlations else { return [] }
        var alerts: [CorrelationAlert] = []
        for hit in merger.merged() {
            alerts += correlations.process(hit.event, matching: hit.detections)
        }
        alerts += correlations.finish(latestEventTime: merger.latestEventTime)
        return alerts.filter { !suppressedCorrelations.contains($0.ruleIndex) }
    }
}

/// The NDJSON form of a correlation alert, as `rdpcause hunt --format ndjson` prints it.
public enum CorrelationJSON {
    /// `{"type":"correlation","rule":{id,name,title,level},"group":{…},"time","end","count"|"value",
    /// "events":[{rule,time,computer,recordId,origin:{source,line,offset}}]}` and a newline.
    public static func line(_ alert: CorrelationAlert) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.member("type", "correlation")
        json.key("rule")
        json.beginObject()
        json.member("id", alert.id)
        json.member("name", alert.name)
        json.member("title", alert.title)
        json.member("level", alert.level)
        json.member("correlationType", alert.type)
        json.endObject()
        json.key("group")
        json.beginObject()
        for (key, value) in alert.group { json.member(key, value) }
        json.endObject()
        json.member("time", alert.time.description)
        json.member("end", alert.end.description)
        switch alert.type {
        case "event_count", "value_count", "temporal", "temporal_ordered":
            json.member("count", Int(alert.value))
        case "rdpcause_absent":
            json.key("windowComplete")
            json.bool(alert.windowComplete)
        default:
            json.key("value")
            json.number(alert.value)
        }
        json.key("events")
        json.beginArray()
        for event in alert.events {
            json.element()
            json.beginObject()
            json.member("rule", event.rule)
            json.member("time", event.time.description)
            json.member("computer", event.computer)
            json.member("recordId", event.recordID)
            NDJSON.writeOrigin(event.origin, to: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.newline()
        return json.bytes
    }
}
