/// The detections of an engine's variants compiled into flat arrays of plain values, evaluated by
/// index (see `DetectionProgram+Evaluation.swift`).
///
/// The parsed detection (``ConditionNode``, ``SearchNode``, ``FieldItem``) is a tree of enums
/// holding arrays: walking it retains and releases every array it steps into. Here a condition and
/// its searches are ``Node``s that name their children by position, a map's field items are
/// consecutive ``Item``s, fields are small integer slots into ``fields`` and matchers live in one
/// ``MatcherTable``, so an evaluation reads plain values and touches no reference count. A search
/// named several times by one condition is compiled once.
struct DetectionProgram: Sendable {
    /// What a node does with its children.
    enum Operation: UInt8, Sendable {
        /// `not`: the one child (in ``children``) does not hold.
        case not
        /// A condition's `and` or a mixed map's parts: every child holds.
        case all
        /// A condition's `or` or a list of maps: one child holds.
        case any
        /// A map: every ``Item`` of the run holds.
        case items
        /// A keyword search: one group of the run holds (in ``groups``).
        case keywordsAny
        /// A keyword search with `|all`: every group of the run holds.
        case keywordsAll
    }

    /// One node: an operation over a run of children, items or keyword groups.
    struct Node: Sendable {
        var operation: Operation
        var first: Int32
        var count: Int32

        var range: Range<Int> { Int(first)..<(Int(first) + Int(count)) }
    }

    /// What an item tests.
    enum Test: UInt8, Sendable {
        /// `exists`: the field is present exactly when ``Item/flag`` is set.
        case exists
        /// One of the alternatives matches a value; ``Item/flag``: an absent field holds (`null`).
        case anyOf
        /// Every group of the run (in ``groups``) matches a value.
        case allOf
        /// `neq`: the field is present and none of the alternatives matches.
        case noneOf
    }

    /// One `field|modifiers: values` entry.
    struct Item: Sendable {
        var field: Int32
        var test: Test
        var flag: Bool
        /// The alternatives (``Test/anyOf``, ``Test/noneOf``) or the run of groups (``Test/allOf``).
        var alternatives: MatcherTable.Alternatives
    }

    private(set) var nodes: [Node] = []
    /// The children of the `not`, `all` and `any` nodes, by node index.
    private(set) var children: [Int32] = []
    private(set) var items: [Item] = []
    /// Groups of alternatives, for `|all` items and keyword searches.
    private(set) var groups: [MatcherTable.Alternatives] = []
    /// The fields the items test, each once.
    private(set) var fields: [FieldReference] = []
    private(set) var matchers = MatcherTable()
    private var slotOfField: [FieldReference: Int32] = [:]

    /// Compiles `condition` over `searches` and returns its root node.
    mutating func compile(_ condition: ConditionNode, _ searches: [SearchNode]) -> Int32 {
        var compiledSearches = [Int32?](repeating: nil, count: searches.count)
        return compile(condition, searches, &compiledSearches)
    }

    /// Compiles `items` (all must hold) and returns where they are.
    mutating func compileItems(_ items: [FieldItem]) -> Node {
        let first = Int32(self.items.count)
        for item in items { self.items.append(compile(item)) }
        return Node(operation: .items, first: first, count: Int32(items.count))
    }

    private mutating func compile(
        _ condition: ConditionNode, _ searches: [SearchNode], _ compiledSearches: inout [Int32?]
    ) -> Int32 {
        switch condition {
        case .search(let index):
            if let compiled = compiledSearches[index] { return compiled }
            let compiled = compile(searches[index])
            compiledSearches[index] = compiled
            return compiled
        case .not(let inner):
            let child = compile(inner, searches, &compiledSearches)
            return add(.not, children: [child])
        case .and(let parts):
            return add(.all, children: parts.map { compile($0, searches, &compiledSearches) })
        case .or(let parts):
            return add(.any, children: parts.map { compile($0, searches, &compiledSearches) })
        }
    }

    private mutating func compile(_ search: SearchNode) -> Int32 {
        switch search {
        case .fields(let items):
            return add(compileItems(items))
        case .keywords(let keywords):
            let first = Int32(groups.count)
            for group in keywords.groups { groups.append(matchers.append(group)) }
            let operation: Operation = keywords.requiresAll ? .keywordsAll : .keywordsAny
            return add(Node(operation: operation, first: first, count: Int32(keywords.groups.count)))
        case .anyOf(let nodes):
            return add(.any, children: nodes.map { compile($0) })
        case .allOf(let nodes):
            return add(.all, children: nodes.map { compile($0) })
        }
    }

    private mutating func compile(_ item: FieldItem) -> Item {
        let field = slot(item.field)
        switch item.test {
        case .exists(let expected):
            return Item(field: field, test: .exists, flag: expected, alternatives: .init(first: 0, count: 0))
        case .anyOf(let alternatives, let matchesAbsent):
            return Item(field: field, test: .anyOf, flag: matchesAbsent, alternatives: matchers.append(alternatives))
        case .noneOf(let alternatives):
            return Item(field: field, test: .noneOf, flag: false, alternatives: matchers.append(alternatives))
        case .allOf(let itemGroups):
            let first = Int32(groups.count)
            for group in itemGroups { groups.append(matchers.append(group)) }
            return Item(field: field, test: .allOf, flag: false, alternatives: .init(first: first, count: Int32(itemGroups.count)))
        }
    }

    private mutating func slot(_ field: FieldReference) -> Int32 {
        if let slot = slotOfField[field] { return slot }
        let slot = Int32(fields.count)
        fields.append(field)
        slotOfField[field] = slot
        return slot
    }

    private mutating func add(_ operation: Operation, children nodeChildren: [Int32]) -> Int32 {
        let first = Int32(children.count)
        children.append(contentsOf: nodeChildren)
        return add(Node(operation: operation, first: first, count: Int32(nodeChildren.count)))
    }

    private mutating func add(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }
}
