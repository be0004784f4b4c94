import EventImport

extension DetectionProgram {
    /// Whether node `node` holds on `event`, short-circuiting `and` and `or` in the order the rule
    /// writes them. A regular expression that gives up counts as not matching here and is noted in
    /// `gaps`, which then discards the result.
    func holds(_ node: Int32, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        let node = nodes[Int(node)]
        switch node.operation {
        case .not:
            return !holds(children[Int(node.first)], in: event, &gaps)
        case .all:
            for position in node.range where !holds(children[position], in: event, &gaps) { return false }
            return true
        case .any:
            for position in node.range where holds(children[position], in: event, &gaps) { return true }
            return false
        case .items:
            return itemsHold(node, in: event, &gaps)
        case .keywordsAny, .keywordsAll:
            return keywordsHold(node, in: event, &gaps)
        }
    }

    /// Whether every item of an ``Operation/items`` node (from ``compileItems(_:)``) holds.
    @inline(__always)
    func itemsHold(_ node: Node, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        for position in node.range where !itemHolds(items[position], in: event, &gaps) { return false }
        return true
    }

    /// Whether `item` holds. The program is handed to the value predicates, not captured by them
    /// (see ``FieldReference/anyValue(in:passing:_:)``).
    @inline(__always)
    private func itemHolds(_ item: Item, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        let field = Int(item.field)
        let alternatives = item.alternatives
        switch item.test {
        case .exists:
            return (fields[field].anyValue(in: event, passing: ()) { _, _, _ in true } != nil) == item.flag
        case .anyOf:
            let result = fields[field].anyValue(in: event, passing: self) { value, event, program in
                program.matchers.anyMatches(alternatives, value, in: event, &gaps)
            }
            return result ?? item.flag
        case .allOf:
            for position in alternatives.range {
                let result = fields[field].anyValue(in: event, passing: self) { value, event, program in
                    program.matchers.anyMatches(program.groups[position], value, in: event, &gaps)
                }
                if result != true { return false }
            }
            return true
        case .noneOf:
            let result = fields[field].anyValue(in: event, passing: self) { value, event, program in
                program.matchers.anyMatches(alternatives, value, in: event, &gaps)
            }
            guard let result else { return false }
            return !result
        }
    }

    /// Whether the keyword groups of `node` occur in the event's payload values: one group, or
    /// every group for ``Operation/keywordsAll``.
    private func keywordsHold(_ node: Node, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        let requiresAll = node.operation == .keywordsAll
        let eventFields = event.fields
        for position in node.range {
            var found = false
            for index in eventFields.indices
            where matchers.anyMatches(groups[position], eventFields[index].value, in: event, &gaps) {
                found = true
                break
            }
            if found && !requiresAll { return true }
            if !found && requiresAll { return false }
        }
        return requiresAll
    }
}
