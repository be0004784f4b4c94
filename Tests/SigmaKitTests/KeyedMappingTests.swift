import Testing
import Yams

@testable import SigmaKit

/// `KeyedMapping` answers every key lookup exactly as Yams's own `mapping[key]` does.
@Suite struct KeyedMappingTests {
    private func root(_ yaml: String) throws -> Node.Mapping {
        let node = try #require(try Yams.compose(yaml: yaml, RuleLoader.tagResolver))
        return try #require(node.mapping)
    }

    @Test func findsTheKeysYamsFinds() throws {
        let mapping = try root(
            """
            title: Remote logon
            'id': 5f0c8c3e-1111-2222-3333-444455556666
            detection:
              selection:
                EventID: 4624
              condition: selection
            1: one
            """)
        let keyed = KeyedMapping(mapping)
        for key in ["title", "id", "detection", "1", "condition", "Title", ""] {
            #expect(keyed[key] == mapping[key], "key \(key)")
        }
        #expect(keyed["title"]?.string == "Remote logon")
        #expect(keyed["condition"] == nil)
    }

    @Test func aKeyWithTheSameTextButAnotherTagIsNotTheKey() throws {
        // Yams compares tags too: `!!int 1` is not the key `"1"`, whichever comes last.
        for yaml in ["!!int 1: tagged\n'1': quoted\n", "'1': quoted\n!!int 1: tagged\n", "!!int 1: tagged\n"] {
            let mapping = try root(yaml)
            #expect(KeyedMapping(mapping)["1"] == mapping["1"], "\(yaml)")
        }
        #expect(KeyedMapping(try root("'1': quoted\n!!int 1: tagged\n"))["1"]?.string == "quoted")
        #expect(KeyedMapping(try root("!!int 1: tagged\n"))["1"] == nil)
    }
}
