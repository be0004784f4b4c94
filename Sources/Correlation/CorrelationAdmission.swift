/// Which correlation rules of a set can run, and why each of the others cannot.
///
/// A rule is left out, with its own problem, when it references a name that no detection or
/// correlation rule carries, when a value rule lacks `condition.field`, when it is part of a
/// reference cycle, or when it references a correlation rule that is itself left out. The other
/// rules still run: one bad rule never silences the rest.
public struct CorrelationAdmission: Sendable {
    /// The rules that can run, in the order given.
    public private(set) var admitted: [CorrelationSpec] = []
    /// One problem per rule left out, in rule order.
    public private(set) var problems: [CorrelationProblem] = []

    /// What feeds each rule (by index into the given specs): detections and correlations, with roles.
    private(set) var feeds: [[(feeder: CorrelationCore.Feeder, role: Int32)]] = []
    /// The given rules in dependency order (a rule after every correlation it references).
    private(set) var dependencyOrder: [Int] = []

    /// Resolves every rule's references against `detections` (first) and the other correlation rules.
    ///
    /// - Parameters:
    ///   - specs: The compiled correlation rules.
    ///   - detections: The rules a correlation may reference as detections, in the index order the
    ///     engine is fed with. A correlation rule in that list must have neither id nor name, so
    ///     that a reference to it resolves to the correlation.
    ///   - leftOut: The ids and names of correlation rules that did not compile (their references
    ///     are reported as such, not as unknown names).
    public init(specs: [CorrelationSpec], detections: [DetectionIdentity], leftOut: Set<String> = []) {
        var detectionByReference: [String: Int] = [:]
        for (index, detection) in detections.enumerated() {
            for reference in detection.references where detectionByReference[reference] == nil {
                detectionByReference[reference] = index
            }
        }
        var correlationByReference: [String: Int] = [:]
        for (index, spec) in specs.enumerated() {
            for reference in [spec.id, spec.name].compactMap({ $0 }) where correlationByReference[reference] == nil {
                correlationByReference[reference] = index
            }
        }
        var reasons: [String?] = Array(repeating: nil, count: specs.count)
        var dependsOn: [[Int]] = Array(repeating: [], count: specs.count)
        feeds = Array(repeating: [], count: specs.count)
        for (index, spec) in specs.enumerated() {
            if spec.valueField == nil, spec.kind.needsValueField {
                reasons[index] = "\(spec.kind.name) needs `condition.field`"
            }
            let roles: [(String, Int)] = spec.rules.enumerated().map { ($0.element, $0.offset) } + spec.absentRules.map { ($0, -1) }
            for (reference, role) in roles {
                if let detection = detectionByReference[reference] {
                    feeds[index].append((.detection(detection), Int32(role)))
                } else if let other = correlationByReference[reference] {
                    feeds[index].append((.correlation(other), Int32(role)))
                    dependsOn[index].append(other)
                } else if reasons[index] == nil {
                    reasons[index] =
                        leftOut.contains(reference)
                        ? "references `\(reference)`, which is left out because of its own error"
                        : "references `\(reference)`, which is no loaded rule's id or name"
                }
            }
        }
        let (order, cycles) = Self.dependencyOrder(dependsOn)
        dependencyOrder = order
        for cycle in cycles {
            let names = (cycle + [cycle[0]]).map { specs[$0].name ?? specs[$0].id ?? specs[$0].title }
            for member in cycle where reasons[member] == nil {
                reasons[member] = "correlation rules reference each other in a cycle (\(names.joined(separator: " → ")))"
            }
        }
        // A rule that references a rule left out is left out too (dependencies come first in `order`).
        for index in order + cycles.flatMap({ $0 }) where reasons[index] == nil {
            if let dependency = dependsOn[index].first(where: { reasons[$0] != nil }) {
                let name = specs[dependency].name ?? specs[dependency].id ?? specs[dependency].title
                reasons[index] = "references `\(name)`, which is left out because of its own error"
            }
        }
        for (index, spec) in specs.enumerated() {
            if let reason = reasons[index] {
                problems.append(CorrelationProblem(location: spec.location, message: reason))
            } else {
                admitted.append(spec)
            }
        }
    }

    /// The rules in dependency order, and the reference cycles (each listed once, in reference order).
    private static func dependencyOrder(_ dependsOn: [[Int]]) -> (order: [Int], cycles: [[Int]]) {
        var state = Array(repeating: 0, count: dependsOn.count)  // 0 new, 1 on the path, 2 done
        var order: [Int] = []
        var cycles: [[Int]] = []
        // Iterative depth-first search: a crafted pack of thousands of chained rules cannot
        // exhaust the stack.
        for root in dependsOn.indices where state[root] == 0 {
            var path: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = path.last {
                let node = top.node
                if top.next < dependsOn[node].count {
                    path[path.count - 1].next += 1
                    let dependency = dependsOn[node][top.next]
                    switch state[dependency] {
                    case 0:
                        state[dependency] = 1
                        path.append((dependency, 0))
                    case 1:
                        if let start = path.lastIndex(where: { $0.node == dependency }) {
                            cycles.append(path[start...].map(\.node))
                        }
                    default: break
                    }
                } else {
                    path.removeLast()
                    state[node] = 2
                    order.append(node)
                }
            }
        }
        let inCycle = Set(cycles.flatMap { $0 })
        return (order.filter { !inCycle.contains($0) }, cycles)
    }
}

extension CorrelationSpec.Kind {
    /// True for the types that aggregate a value field (`value_count`, `value_sum`, …).
    var needsValueField: Bool {
        switch self {
        case .valueCount, .valueSum, .valueAverage, .valueMedian, .valuePercentile: true
        default: false
        }
    }
}
