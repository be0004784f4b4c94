@testable import Diagnosis
import EventImport
import Testing

/// The firewall's rules weighed together as Windows weighs them (issue 15, section 1): deletions
/// followed by `RuleId`, rules moved off port 3389, rules for another network profile, and the rule
/// that decided, cited by name, `RuleId` and time.
@Suite("Firewall rule weighing")
struct FirewallRuleWeighingTests {
    typealias R = FirewallRecords
    static let t0 = AttemptIdentityTests.t0
    static let blockID = "{6E0C1B4E-2F43-4F4B-9D0A-7A51C5D9B1A2}"
    static let blockName = "Block inbound RDP (Tier-1 hardening)"
    /// The administrator's changes: two days, then two hours before the failure.
    static let earlier = Make.at(t0, -172_800)
    static let later = Make.at(t0, -7200)

    static func block(at time: String = earlier, record: Int = 5001, profiles: String = "2147483647", remote: String = "*") -> String {
        R.rule(2097, at: time, record: record, ruleID: blockID, name: blockName, action: "2", profiles: profiles, remoteAddresses: remote)
    }

    static func evidence(_ firewall: [String]) throws -> (items: [EvidenceItem], cause: CauseAssessment) {
        let cause = try FirewallTimelineTests.networkPath(firewall: firewall)
        return (FirewallTimelineTests.firewallEvidence(cause), cause)
    }

    /// The firewall's decision for the client at the failure, straight from the timeline (its notes
    /// are said in a cause's summary only when the cause is not likely).
    static func decision(_ firewall: [String]) throws -> FirewallDecision {
        let index = CaseIndex.build(events: events(firewall.joined(separator: "\r\n"), source: "RDSH/firewall.xml"), engine: rulePack.engine)
        let failure = try #require(EventTimestamp(iso8601: t0))
        return FirewallTimeline(index: index).decide(on: try #require(index.machines.first), failure: failure, client: FirewallTimelineTests.clientAddress)
    }

    // MARK: - Parsing

    @Test(arguments: [
        ("3389", FirewallPorts.Answer.covered), ("3389-3390", .covered), ("3380-3388", .notCovered), ("80,443", .notCovered),
        ("80, 3389", .covered), ("*", .covered), ("Any", .covered), ("", .covered), ("RPC", .notCovered),
        ("RPC-EPMap,IPHTTPS", .notCovered), ("RPC,3389", .covered), ("13389", .notCovered), ("3390-3380", .unknown),
        ("99999", .unknown), ("0", .unknown), ("3389-", .unknown), ("-3389", .unknown), ("abc", .unknown),
        ("80,abc", .unknown), ("18446744073709551616", .unknown),
    ])
    func localPortListsCoverTheRDPPortOrNot(text: String, answer: FirewallPorts.Answer) {
        #expect(FirewallPorts(text).covers(3389) == answer, "\(text)")
    }

    @Test(arguments: [
        ("2147483647", "all profiles"), ("7", "all profiles"), ("1", "Domain"), ("4", "Public"), ("3", "Domain, Private"),
        ("Domain,Public", "Domain, Public"), ("All", "all profiles"),
    ])
    func profilesReadAsTheRecordsWriteThem(text: String, names: String) throws {
        #expect(try #require(FirewallProfiles(text)).names == names)
    }

    @Test(arguments: ["2147483649", "0", "", "Office", "-1", "4294967296"])
    func profilesThatNameNoneAreUnknown(text: String) {
        #expect(FirewallProfiles(text) == nil, "\(text)")
    }

    // MARK: - Deletions

    @Test func aBlockRuleDeletedBeforeTheFailureNoLongerBlocks() throws {
        let (items, cause) = try Self.evidence([
            Self.block(), R.deleted(at: Self.later, record: 5002, ruleID: Self.blockID, name: Self.blockName),
        ])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
        #expect(cause.status == .likely, "the client's silence still says network-path: \(cause.summary)")
        let decision = try Self.decision([Self.block(), R.deleted(at: Self.later, record: 5002, ruleID: Self.blockID, name: Self.blockName)])
        #expect(decision.outcome == .unknown && decision.notes.count == 1)
        #expect(decision.notes.first?.contains("does not block the client: it was deleted") == true, "\(decision.notes)")
    }

    @Test func aBlockRuleDeletedOnWindows11ByEvent2052NoLongerBlocks() throws {
        let (items, _) = try Self.evidence([
            Self.block(), R.deleted(2052, at: Self.later, record: 5002, ruleID: Self.blockID, name: Self.blockName),
        ])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
    }

    @Test func theOnlyAllowRuleDeletedLeavesTheDefaultInboundBlock() throws {
        let (items, _) = try Self.evidence([R.deleted(at: Self.later, record: 5002, ruleID: R.builtInID, name: R.builtInName)])
        #expect(items.map(\.rule) == ["firewall_rdp_rule_deleted"], "\(items.map(\.meaning))")
        let item = try #require(items.first)
        #expect(item.meaning.contains("default inbound action blocks") && item.meaning.contains("was deleted"), "\(item.meaning)")
        #expect(item.meaning.contains(R.builtInID) && item.meaning.contains(R.builtInName), "\(item.meaning)")
    }

    @Test func anAllowRuleDeletedWhileAnotherAdmitsTheClientIsNotEvidence() throws {
        let copy = R.rule(2004, at: Self.earlier, record: 5000, ruleID: "{112479D8-2609-4019-8832-D91123A617E9}", profiles: "2147483647")
        let (items, _) = try Self.evidence([copy, R.deleted(at: Self.later, record: 5002, ruleID: R.builtInID, name: R.builtInName)])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
    }

    // MARK: - Ports

    @Test func theOnlyAllowRuleMovedToAnotherPortLeavesTheDefaultInboundBlock() throws {
        let (items, _) = try Self.evidence([R.rule(2099, at: Self.later, record: 5003, localPorts: "3390", profiles: "2147483647")])
        #expect(items.map(\.rule) == ["firewall_inbound_rule_changed"], "\(items.map(\.meaning))")
        let item = try #require(items.first)
        #expect(item.recordID == 5003)
        #expect(item.meaning.contains("covers local port(s) 3390, not 3389") && item.meaning.contains("default inbound action"), "\(item.meaning)")
    }

    @Test func theDecidingRecordIsCitedEvenWhenOtherRuleChangesAreNearerTheFailure() throws {
        // An item cites the few records nearest the failure; four programs' rules changed after the move.
        let programs = (0..<4).map { n in
            R.rule(
                2097, at: Make.at(Self.t0, Double(-600 + n * 60)), record: 5010 + n, ruleID: "{0000000\(n)-0F5C-4C06-99F4-71BEBB64D00B}",
                name: "Program \(n)", localPorts: "*", profiles: "2147483647", program: "C:\\Program Files\\App\(n)\\app.exe", service: "")
        }
        let (items, _) = try Self.evidence([R.rule(2099, at: Self.later, record: 5003, localPorts: "3390", profiles: "2147483647")] + programs)
        #expect(items.map(\.recordID) == [5003], "\(items.map(\.meaning))")
    }

    @Test func aBlockRuleMovedOffThePortNoLongerBlocks() throws {
        let moved = R.rule(2099, at: Self.later, record: 5002, ruleID: Self.blockID, name: Self.blockName, localPorts: "80,443", action: "2")
        let (items, _) = try Self.evidence([Self.block(), moved])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
        let notes = try Self.decision([Self.block(), moved]).notes
        #expect(notes.first?.contains("covers local port(s) 80,443, not 3389") == true, "\(notes)")
    }

    @Test func aBlockRuleOnAPortRangeThatHoldsThePortBlocks() throws {
        let range = R.rule(2097, at: Self.later, record: 5002, ruleID: Self.blockID, name: Self.blockName, localPorts: "3380-3390", action: "2", profiles: "2147483647")
        let (items, _) = try Self.evidence([range])
        #expect(items.map(\.rule) == ["firewall_inbound_rule_changed"], "\(items.map(\.meaning))")
        #expect(items.first?.meaning.contains("blocks inbound TCP 3389") == true)
    }

    @Test func anAppPackageBlockRuleForEveryPortDoesNotBlockRDP() throws {
        // The values of a real Server 2022 record (A22/FW, the OOBENetworkCaptivePortal package's
        // rule): any protocol, no ports, no program, every address. It blocks that package only.
        let package = R.rule(
            2097, at: Self.later, record: 5002, ruleID: "{664CDF63-5D6E-4D14-B378-5A2B0313974A}",
            name: "@{Microsoft.Windows.OOBENetworkCaptivePortal_10.0.19580.1000_neutral__cw5n1h2txyewy?ms-resource://Microsoft.Windows.OOBENetworkCaptivePortal/Resources/AppDisplayName}",
            localPorts: "", action: "2", profiles: "2147483647", protocolNumber: "256", program: "", service: "")
        let (items, _) = try Self.evidence([package])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
    }

    @Test func anAnyProtocolBlockRuleScopedToTheClientsPoolBlocks() throws {
        let pool = R.rule(
            2097, at: Self.later, record: 5002, ruleID: Self.blockID, name: "Block VPN pool", localPorts: "", action: "2",
            profiles: "2147483647", remoteAddresses: "10.20.31.0/24", protocolNumber: "256", program: "", service: "")
        let (items, _) = try Self.evidence([pool])
        #expect(items.map(\.rule) == ["firewall_inbound_rule_changed"], "\(items.map(\.meaning))")
        #expect(items.first?.meaning.contains("which holds the client's address 10.20.31.22") == true)
    }

    // MARK: - Profiles

    @Test func aBlockRuleForThePublicProfileDoesNotBlockAHostOnTheDomainProfile() throws {
        let records = [R.profileChanged(at: Self.earlier, record: 4990, newProfile: "1"), Self.block(profiles: "4")]
        let (items, _) = try Self.evidence(records)
        #expect(items.isEmpty, "\(items.map(\.meaning))")
        let notes = try Self.decision(records).notes
        #expect(notes.first?.contains("applies only on the Public profile, and the host was on the Domain profile") == true, "\(notes)")
    }

    @Test func aBlockRuleForTheProfileTheHostIsOnBlocks() throws {
        let (items, _) = try Self.evidence([R.profileChanged(at: Self.earlier, record: 4990, newProfile: "4"), Self.block(profiles: "4")])
        let item = try #require(items.first)
        #expect(item.meaning.contains("on the Public profile, which the host was on"), "\(item.meaning)")
    }

    @Test func whenTheProfileIsUnknownTheEvidenceSaysSo() throws {
        let (items, _) = try Self.evidence([Self.block(profiles: "4")])
        let item = try #require(items.first)
        #expect(item.meaning.contains("active network profile is not in its Firewall log"), "\(item.meaning)")
    }

    @Test func theLatestProfileOfTheInterfaceCounts() throws {
        // Public first, then Domain before the failure: the Public-only block does not apply.
        let (items, _) = try Self.evidence([
            R.profileChanged(at: Make.at(Self.t0, -300_000), record: 4980, newProfile: "4"),
            R.profileChanged(at: Self.earlier, record: 4990, oldProfile: "4", newProfile: "1"), Self.block(profiles: "4"),
        ])
        #expect(items.isEmpty, "\(items.map(\.meaning))")
    }

    // MARK: - Weighing

    @Test func anEnabledBlockRuleWinsOverAnAllowRuleAndIsNamed() throws {
        let allow = R.rule(2099, at: Self.later, record: 5003, profiles: "2147483647")
        let (items, _) = try Self.evidence([Self.block(), allow])
        #expect(items.count == 1, "\(items.map(\.meaning))")
        let item = try #require(items.first)
        #expect(item.recordID == 5001 && item.rule == "firewall_rdp_rule_blocking")
        #expect(item.meaning.contains(Self.blockName) && item.meaning.contains(Self.blockID) && item.meaning.contains("wins over every allow rule"), "\(item.meaning)")
    }

    @Test func aBlockScopedAwayFromTheClientLeavesTheAllowRuleDeciding() throws {
        let allow = R.rule(2099, at: Self.later, record: 5003, profiles: "2147483647")
        let records = [Self.block(remote: "10.250.0.0/255.255.0.0"), allow]
        let (items, _) = try Self.evidence(records)
        #expect(items.isEmpty, "\(items.map(\.meaning))")
        let decision = try Self.decision(records)
        #expect(decision.outcome == .allowed && decision.decider?.hit.event.recordID == 5003)
        #expect(decision.notes.first?.contains("blocks only 10.250.0.0/255.255.0.0") == true, "\(decision.notes)")
    }

    @Test func theDecisionIsTheSameWhateverOrderTheRecordsAreListedIn() throws {
        let records = [
            R.profileChanged(at: Self.earlier, record: 4990, newProfile: "1"), Self.block(profiles: "4"),
            R.rule(2099, at: Self.later, record: 5003, localPorts: "3390", profiles: "2147483647"),
        ]
        let forward = try Self.evidence(records).items.map { "\($0.rule) \($0.recordID ?? 0) \($0.meaning)" }
        let backward = try Self.evidence(records.reversed()).items.map { "\($0.rule) \($0.recordID ?? 0) \($0.meaning)" }
        #expect(forward == backward)
        #expect(forward.count == 1, "\(forward)")
    }
}
