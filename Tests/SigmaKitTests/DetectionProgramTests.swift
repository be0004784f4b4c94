import EventImport
import Testing

@testable import SigmaKit

/// A detection compiled into a ``DetectionProgram`` keeps its structure flat and is evaluated as
/// the rule writes it.
struct DetectionProgramTests {
    static let detection = """
            sel:
                CommandLine|contains: 'whoami'
            filter:
                User: 'SYSTEM'
            keywords:
                - '*mimikatz*'
            condition: sel or (sel and not filter) or keywords
        """

    static func program() throws -> (DetectionProgram, Int32) {
        let catalog = TestSupport.load(TestSupport.rule(detection))
        let detection = try #require(catalog.rules.first?.detection)
        var program = DetectionProgram()
        let root = program.compile(detection.condition, detection.searches.map(\.node))
        return (program, root)
    }

    /// `sel`, named twice, is compiled once: three searches, a `not`, an `and` and an `or`.
    @Test func aSearchNamedTwiceIsCompiledOnce() throws {
        let (program, root) = try Self.program()
        #expect(program.nodes.count == 6)
        #expect(program.items.count == 2)
        #expect(program.fields.count == 2)
        #expect(program.nodes[Int(root)].operation == .any)
    }

    @Test func evaluatesTheConditionAsWritten() throws {
        let (program, root) = try Self.program()
        func holds(_ fields: [(String, String)]) -> Bool {
            var gaps = EvaluationGaps()
            return program.holds(root, in: TestSupport.event(fields), &gaps)
        }
        #expect(holds([("CommandLine", "cmd /c WHOAMI"), ("User", "SYSTEM")]))
        #expect(!holds([("CommandLine", "cmd /c dir"), ("User", "alice")]))
        #expect(holds([("Comment", "Mimikatz was here")]))
        #expect(!holds([]))
    }
}
