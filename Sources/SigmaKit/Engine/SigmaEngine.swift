public import EventImport

/// Matches events against compiled Sigma detection rules.
///
/// Rules are compiled once into one variant per log-source target (a `process_creation` rule gets a
/// Sysmon 1 variant and a Security 4688 variant with its field mapping) and indexed by channel and
/// event ID. The event IDs come from the category and from the detection itself (a `service:
/// security` rule whose condition requires `EventID: 4625` is filed under 4625), so an event is tested
/// only against the rules that can match it. A variant may also carry a provider filter, from the log
/// source or from a required `Provider_Name`. Long lists (the ~1,240 process-creation rules under
/// Security 4688 and Sysmon 1) are prefiltered per event: a variant whose necessary literals (its
/// `LiteralGuard`) match no value of their field is skipped without being evaluated, and the
/// literals of all of a list's guards on one field are looked for in one pass (`GuardPrefilter`).
///
/// ```swift
/// let catalog = RuleLoader().load(paths: ["Rules"])
/// let engine = SigmaEngine(rules: catalog.rules)
/// engine.forEachMatch(in: event) { rule in print(rule.title) }
/// ```
///
/// The engine is an immutable value, safe to share between threads. Matching an event allocates
/// nothing on the common path: channel lookup hashes the event's channel, strings are compared as
/// UTF-8 bytes against pre-lowered patterns (non-ASCII values are lowered into a stack buffer only
/// when that can change the result), and the detections are compiled into one ``DetectionProgram``
/// of flat arrays (nodes, items, field slots, matchers stored by kind), so that the walk copies and
/// retains nothing and dispatches through no existential. A `re` value is
/// tested first for a literal every match must contain; only then does ICU run, which bridges the
/// value to an `NSString` (measured over SigmaHQ's samples: about 4 allocations per event for all
/// 2841 rules, all from the few expressions without such a literal). Expressions that can backtrack
/// heavily run under a step budget; a rule whose expression runs out is recorded in
/// ``EvaluationGaps`` and not evaluated again on the same input.
public struct SigmaEngine: Sendable {
    /// Every rule given to the engine, evaluated or not, in load order.
    public let rules: [SigmaRule]
    private let variants: [Variant]
    /// The variants' preconditions and detections, compiled to flat arrays.
    private let program: DetectionProgram
    private let channelBuckets: [String: Bucket]
    /// The channel names of ``channelBuckets``, for a case-insensitive lookup when the exact one misses.
    private let channelNames: [String]
    private let anyChannel: Bucket

    /// One rule compiled for one log-source target.
    struct Variant: Sendable {
        var ruleIndex: Int
        var providers: [String]
        /// The log source's field conditions, as items of ``SigmaEngine/program`` (all must hold).
        var preconditions: DetectionProgram.Node
        /// The root of the detection's condition in ``SigmaEngine/program``.
        var condition: Int32
    }

    /// The variants of one channel: by event ID, and those that accept any event ID.
    struct Bucket: Sendable {
        var byEventID: [UInt32: CandidateList] = [:]
        var anyEventID = CandidateList()

        var isEmpty: Bool { byEventID.isEmpty && anyEventID.isEmpty }
    }

    /// Compiles the evaluated detection rules among `rules`; others are kept in ``rules`` only.
    public init(rules: [SigmaRule]) {
        self.init(rules: rules, prefiltering: true)
    }

    /// Compiles the rules; without `prefiltering`, every candidate variant is evaluated (tests
    /// compare both).
    init(rules: [SigmaRule], prefiltering: Bool) {
        self.rules = rules
        var variants: [Variant] = []
        var program = DetectionProgram()
        var guards: [LiteralGuard?] = []
        var buckets: [String: Bucket] = [:]
        var anyChannel = Bucket()
        for (ruleIndex, rule) in rules.enumerated() {
            guard rule.isEvaluated, let detection = rule.detection,
                case .targets(let targets) = WindowsLogSources.resolve(rule.logSource)
            else { continue }
            for target in targets {
                let searches = detection.searches.map { $0.node.mapped(target.fieldMapping) }
                let condition = detection.condition
                var eventIDs: Set<UInt32>? = target.eventIDs.isEmpty ? nil : Set(target.eventIDs)
                if let required = condition.requiredValues(of: .eventID, searches) {
                    let ids = Set(required.compactMap { UInt32($0) })
                    eventIDs = eventIDs.map { $0.intersection(ids) } ?? ids
                }
                if let eventIDs, eventIDs.isEmpty { continue }  // This target can never match.
                var providers = target.providers.map { $0.lowercased() }
                if let required = condition.requiredValues(of: .providerName, searches) {
                    let requiredProviders = required.map { $0.lowercased() }
                    providers =
                        providers.isEmpty ? requiredProviders : providers.filter { requiredProviders.contains($0) }
                    if providers.isEmpty { continue }
                }
                let preconditions = target.conditions.sorted { $0.key < $1.key }.map { field, values in
                    FieldItem(
                        fieldName: field, field: FieldReference.resolve(field),
                        test: .anyOf(
                            values.map { .string(StringPattern(SigmaString(plain: $0), caseSensitive: false)) },
                            matchesAbsent: false))
                }
                let variantIndex = variants.count
                variants.append(
                    Variant(
                        ruleIndex: ruleIndex, providers: providers.sorted(), preconditions: program.compileItems(preconditions),
                        condition: program.compile(condition, searches)))
                guards.append(LiteralGuard(searches: searches, condition: condition))
                func file(_ bucket: inout Bucket) {
                    if let eventIDs {
                        for id in eventIDs.sorted() { bucket.byEventID[id, default: CandidateList()].append(variantIndex) }
                    } else {
                        bucket.anyEventID.append(variantIndex)
                    }
                }
                if target.channels.isEmpty {
                    file(&anyChannel)
                } else {
                    for channel in Set(target.channels) { file(&buckets[channel, default: Bucket()]) }
                }
            }
        }
        // Long lists (the process-creation rules under Security 4688 and Sysmon 1) skip, per event,
        // the variants whose guard fails, found for all of them in one pass over each guard field.
        func buildPrefilters(_ bucket: inout Bucket) {
            for id in bucket.byEventID.keys { bucket.byEventID[id]?.buildPrefilter { guards[$0] } }
            bucket.anyEventID.buildPrefilter { guards[$0] }
        }
        if prefiltering {
            for channel in buckets.keys { buildPrefilters(&buckets[channel, default: Bucket()]) }
            buildPrefilters(&anyChannel)
        }
        self.variants = variants
        self.program = program
        self.channelBuckets = buckets
        self.channelNames = buckets.keys.sorted()
        self.anyChannel = anyChannel
    }

    /// The number of rules the engine evaluates.
    public var evaluatedRuleCount: Int {
        var seen = Set<Int>()
        for variant in variants { seen.insert(variant.ruleIndex) }
        return seen.count
    }

    /// Calls `body` with each rule that matches `event`, in rule order within each index bucket.
    ///
    /// A rule whose regular expression gives up counts as not matching and is not reported
    /// anywhere: use ``forEachMatchIndex(in:gaps:_:)`` over an input to learn about such rules.
    ///
    /// - Complexity: Proportional to the rules indexed under the event's channel and event ID.
    public func forEachMatch(in event: WinEvent, _ body: (SigmaRule) throws -> Void) rethrows {
        var gaps = EvaluationGaps()
        try forEachMatchIndex(in: event, gaps: &gaps) { try body(rules[$0]) }
    }

    /// Calls `body` with the index (in ``rules``) of each rule that matches `event`; see
    /// ``forEachMatch(in:_:)`` for rules that cannot be evaluated.
    ///
    /// - Complexity: Proportional to the rules indexed under the event's channel and event ID.
    public func forEachMatchIndex(in event: WinEvent, _ body: (Int) throws -> Void) rethrows {
        var gaps = EvaluationGaps()
        try forEachMatchIndex(in: event, gaps: &gaps, body)
    }

    /// Calls `body` with the index (in ``rules``) of each rule that matches `event`, and records in
    /// `gaps` the rules that could not be evaluated on it. Pass the same `gaps` for every event of
    /// one input: a rule that gave up is not evaluated again on that input, only counted.
    ///
    /// - Complexity: Proportional to the rules indexed under the event's channel and event ID.
    public func forEachMatchIndex(in event: WinEvent, gaps: inout EvaluationGaps, _ body: (Int) throws -> Void) rethrows {
        var lastRule = -1
        if let bucket = bucket(for: event.channel) {
            try run(bucket, event, &lastRule, &gaps, body)
        }
        if !anyChannel.isEmpty {
            try run(anyChannel, event, &lastRule, &gaps, body)
        }
    }

    /// The number of candidates (over all index keys) that a guard can skip (for tests).
    var guardedCandidateCount: Int {
        func count(_ list: CandidateList) -> Int { list.prefilter?.guardCount ?? 0 }
        func count(_ bucket: Bucket) -> Int { bucket.byEventID.values.reduce(count(bucket.anyEventID)) { $0 + count($1) } }
        return channelBuckets.values.reduce(count(anyChannel)) { $0 + count($1) }
    }

    /// The rules that match `event`.
    public func matchingRules(for event: WinEvent) -> [SigmaRule] {
        var result: [SigmaRule] = []
        forEachMatch(in: event) { result.append($0) }
        return result
    }

    /// The number of compiled variants an event of this channel and event ID is tested against.
    public func candidateCount(channel: String, eventID: UInt32) -> Int {
        var count = anyChannel.anyEventID.count + (anyChannel.byEventID[eventID]?.count ?? 0)
        if let bucket = bucket(for: channel) {
            count += bucket.anyEventID.count + (bucket.byEventID[eventID]?.count ?? 0)
        }
        return count
    }

    private func bucket(for channel: String) -> Bucket? {
        if let bucket = channelBuckets[channel] { return bucket }
        let length = channel.utf8.count
        for name in channelNames where name.utf8.count == length && asciiCaseInsensitiveEquals(name, channel) {
            return channelBuckets[name]
        }
        return nil
    }

    @inline(__always)
    private func run(
        _ bucket: Bucket, _ event: WinEvent, _ lastRule: inout Int, _ gaps: inout EvaluationGaps, _ body: (Int) throws -> Void
    ) rethrows {
        if let list = bucket.byEventID[event.eventID] {
            try run(list, event, &lastRule, &gaps, body)
        }
        try run(bucket.anyEventID, event, &lastRule, &gaps, body)
    }

    @inline(__always)
    private func run(
        _ list: CandidateList, _ event: WinEvent, _ lastRule: inout Int, _ gaps: inout EvaluationGaps,
        _ body: (Int) throws -> Void
    ) rethrows {
        guard let prefilter = list.prefilter else {
            for index in list.variants { try test(index, event, &lastRule, &gaps, body) }
            return
        }
        try prefilter.withPassingGuards(event) { passing in
            for position in list.variants.indices where prefilter.mustTest(position, passing) {
                try test(list.variants[position], event, &lastRule, &gaps, body)
            }
        }
    }

    @inline(__always)
    private func test(
        _ variantIndex: Int, _ event: WinEvent, _ lastRule: inout Int, _ gaps: inout EvaluationGaps, _ body: (Int) throws -> Void
    ) rethrows {
        // The variant's parts are read in place: a copy of the whole variant would retain and
        // release its five arrays and its condition for every candidate of every event.
        let ruleIndex = variants[variantIndex].ruleIndex
        if ruleIndex == lastRule { return }
        if !variants[variantIndex].providers.isEmpty {
            let provider = event.provider
            var accepted = false
            for name in variants[variantIndex].providers where asciiCaseInsensitiveEquals(name, provider) {
                accepted = true
                break
            }
            if !accepted && !provider.utf8.contains(where: { $0 >= 0x80 }) { return }
        }
        if !program.itemsHold(variants[variantIndex].preconditions, in: event, &gaps) { return }
        if gaps.hasGivenUp(ruleIndex) {
            gaps.countSkipped(ruleIndex)
            lastRule = ruleIndex
            return
        }
        let holds = program.holds(variants[variantIndex].condition, in: event, &gaps)
        guard gaps.finishEvaluation(of: ruleIndex, on: event) else {
            lastRule = ruleIndex
            return
        }
        guard holds else { return }
        lastRule = ruleIndex
        try body(ruleIndex)
    }
}
