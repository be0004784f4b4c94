import EventImport
import Foundation
import SigmaKit
import Testing

/// The RDP rule pack in `Rules/sigma`: it loads cleanly, every rule the diagnosis refers to exists, and
/// each rule matches its events and not their look-alikes.
@Suite("RDP rule pack")
struct RDPRulePackTests {
    // MARK: - Loading

    @Test func wholeRulesFolderLoadsWithoutErrorsOrWarnings() {
        let catalog = RulePack.catalog
        for diagnostic in catalog.diagnostics where diagnostic.severity != .note {
            print(diagnostic)
        }
        #expect(catalog.errorCount == 0)
        #expect(catalog.warningCount == 0)
        #expect(catalog.rejectedRules == 0)
    }

    @Test func everyRuleOfTheContractExistsExactlyOnce() throws {
        let contract = RulePack.names
        #expect(Set(contract).count == contract.count, "the contract list has duplicates")
        let pack = RulePack.packRules
        let names = pack.compactMap(\.name)
        #expect(names.count == pack.count, "every pack rule has a name")
        #expect(Set(names) == Set(contract), "missing: \(Set(contract).subtracting(names)), extra: \(Set(names).subtracting(contract))")
        // Names and ids are unique across everything in Rules/, not only this pack.
        let allNames = RulePack.catalog.rules.compactMap(\.name)
        #expect(Set(allNames).count == allNames.count, "duplicate rule names in Rules/")
        let allIDs = RulePack.catalog.rules.compactMap { $0.id?.lowercased() }
        #expect(Set(allIDs).count == allIDs.count, "duplicate rule ids in Rules/")
        #expect(Set(pack.compactMap(\.id)).count == pack.count, "every pack rule has its own id")
    }

    @Test func everyRuleFollowsThePackConventions() throws {
        for rule in RulePack.packRules {
            let name = try #require(rule.name)
            let file = URL(fileURLWithPath: rule.source).lastPathComponent
            #expect(file == "\(name).yml", "\(rule.locator): file name")
            #expect(name == name.lowercased())
            #expect(rule.isEvaluated, "\(name) is not evaluated: \(rule.evaluation)")
            #expect(rule.status == "experimental", "\(name): status")
            #expect(rule.logSource.product == "windows" && rule.logSource.service != nil, "\(name): logsource")
            #expect(rule.logSource.category == nil, "\(name): logsource category")
            #expect(!(rule.description ?? "").isEmpty && !rule.title.isEmpty, "\(name): title and description")
            #expect(["informational", "low", "medium", "high", "critical"].contains(rule.level ?? ""), "\(name): level")
            #expect(!rule.references.isEmpty, "\(name): references")
            let id = try #require(rule.id)
            #expect(Self.isUUIDv4(id), "\(name): id \(id) is not a lower-case UUIDv4")
        }
    }

    static func isUUIDv4(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], text == text.lowercased(),
            groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) })
        else { return false }
        return groups[2].first == "4" && "89ab".contains(groups[3].first ?? "x")
    }

    // MARK: - Synthetic events

    @Test func everyRuleHasAPositiveAndANearMissEvent() {
        let contract = Set(RulePack.names)
        let positives = Set(RuleCases.all.flatMap(\.matches))
        let nearMisses = Set(RuleCases.all.flatMap(\.nearMissOf))
        #expect(contract.subtracting(positives).isEmpty, "rules without a positive event: \(contract.subtracting(positives).sorted())")
        #expect(contract.subtracting(nearMisses).isEmpty, "rules without a near miss: \(contract.subtracting(nearMisses).sorted())")
        #expect(positives.subtracting(contract).isEmpty && nearMisses.subtracting(contract).isEmpty, "unknown rule names in the cases")
        for rule in RuleCases.all {
            #expect(rule.matches.isDisjoint(with: rule.nearMissOf), "\(rule.label) both matches and misses a rule")
        }
    }

    @Test(arguments: RuleCases.all)
    func eventMatchesExactlyItsRules(_ rule: RuleCase) throws {
        let (events, problems) = RulePack.importEvents(rule.xml, source: rule.label)
        #expect(problems.isEmpty, "import problems: \(problems)")
        let event = try #require(events.first)
        #expect(events.count == 1)
        let matched = RulePack.matchedNames(event)
        #expect(matched == rule.matches, "\(rule.label): matched \(matched.sorted()), expected \(rule.matches.sorted())")
        #expect(matched.isDisjoint(with: rule.nearMissOf))
    }

    /// The locale-independent identity of a 7036 is the `<Binary>` (UTF-16LE "TermService/1"); the rules
    /// fall back to English `param1`/`param2` because SigmaKit offers rules no `Binary` field.
    @Test func localisedTermServiceStopIsMatchedByItsBinary() throws {
        let xml = EventXML.scm(
            7036, ["Services Bureau à distance", "arrêté"], binary: RuleCases.termServiceStoppedBinary)
        let event = try #require(RulePack.importEvents(xml, source: "fr-FR 7036").events.first)
        #expect(event.binary == RuleCases.termServiceStoppedBinary, "the importer keeps the Binary")
        #expect(RulePack.matchedNames(event) == ["termservice_stopped"], "the Binary says TermService/1 in any language")
    }
}

/// The pack against real records (`../shared/corpus/real`, read in place).
@Suite("RDP rule pack on the real corpus", .enabled(if: Corpus.isAvailable, "../shared/corpus/real is absent beside the repository"))
struct RDPRulePackCorpusTests {
    /// A record named as in shared/reference/corpus-inventory.md and the pack rules it must match, exactly.
    struct Record: Sendable, CustomTestStringConvertible {
        let log: String
        let recordID: UInt64
        let matches: Set<String>
        let why: String

        init(_ reference: String, _ matches: Set<String>, _ why: String = "") {
            let parts = reference.split(separator: "#")
            log = String(parts[0])
            recordID = UInt64(parts[1]) ?? 0
            self.matches = matches
            self.why = why
        }

        var testDescription: String { "\(log)#\(recordID)" }
    }

    static let records: [Record] = [
        Record("SZ/System#658", ["termservice_stopped"]),
        Record("SZ/System#562", ["termservice_running"]),
        Record("VR/System#15470", ["termservice_running"], "param1 is the short name TermService"),
        Record("VR/System#15424", ["termservice_stopped"]),
        Record("A22/System#348", [], "7040 of another service (AxInstSV) set to disabled"),
        Record("A22/System#84", [], "7023 of another service (netprofm)"),
        Record("SZ/System#60155", [], "7031 of the Print Spooler"),
        Record("SZ/System#1730", ["schannel_no_common_cipher"]),
        Record("SZ/System#1731", ["schannel_fatal_alert_sent"]),
        Record("SZ/System#561", ["rdp_cert_created"]),
        Record("BK/System#152", ["rdp_cert_created"]),
        Record("BK/System#986", [], "RCM 1067 in System: SPN registration, not a certificate event"),
        Record("OB/2-vss_7-System#349", ["credssp_version_mismatch"], "LsaSrv 6041 with unnamed Data TERMSRV/…, 4"),
        Record("PE/system#12303", ["termdd_protocol_error"], "TermDD 50, X.224"),
        Record("PE/system#12304", ["termdd_protocol_error"], "TermDD 56"),
        Record("BK/System#641", ["host_sleep"]),
        Record("BK/System#644", ["host_resume"]),
        Record("BK/System#656", ["host_wake_report"]),
        Record("BK/System#749", ["host_unexpected_reboot"], "Kernel-Power 41 v6"),
        Record("BK/System#732", ["host_unexpected_reboot"], "EventLog 6008"),
        Record("A22/System#3", ["host_boot"], "Kernel-General 12"),
        Record("A22/System#2", ["host_boot"], "EventLog 6005"),
        Record("A22/System#195", ["host_shutdown"], "Kernel-General 13"),
        Record("A22/System#156", ["host_shutdown"], "EventLog 6006"),
        Record("A22/System#159", ["host_shutdown"], "User32 1074"),
        Record("PL/evtx_System#248", ["host_shutdown"], "USER32 1074 with unnamed Data"),
        Record("BK/Security#1018", ["logon_failure_rights"], "0xc000015b, type 10"),
        Record("BK/Security#1013", ["logon_failure_rights"], "0xc000006e + 0xc0000071"),
        Record("BK/Security#1279", ["logon_failure_rights"], "0xc000006e + 0xc0000072"),
        Record("BK/Security#1012", ["logon_failure_infrastructure"], "0xc0000133 clock skew, Kerberos, type 3"),
        Record("SZ/Security#7389", ["logon_failure_credentials"], "0xc000006d + 0xc000006a, type 3"),
        Record("BK/Security#1265", ["logon_failure_credentials"], "0xc000006d + 0xc0000064, type 10"),
        Record("OB/Security_short_selected#319457832", ["logon_failure_credentials"], "type 10 bad password"),
        Record("SZ/Security#7495", ["rdp_logon_success"]),
        Record("OB/Security_short_selected#319457771", ["wfp_rdp_blocked"], "5152 inbound TCP 3389"),
        Record("OB/Security_short_selected#319457856", [], "5157 ICMP"),
        Record("SZ/Client#1", ["rdp_client_connect_attempt"]),
        Record("SZ/Client#4", ["rdp_client_server_address"]),
        Record("SZ/Client#7", ["rdp_client_ssl_error"], "226 RDPClient_SSL TsSslEventInvalidState"),
        Record("SZ/Client#9", ["rdp_client_disconnect"], "reason 2"),
        Record("SZ/Client#2", [], "1028"),
        Record("SZ/Client#3", ["rdp_client_user_hash"], "1029, a SHA-1 on Server 2012 R2"),
        Record("SZ/Core#173802", ["rdp_stack_connection"]),
        Record("SZ/Core#173805", ["rdp_security_layer_error"]),
        Record("BK/Core#394", ["rdp_tcp_established"]),
        Record("OB/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational#5281377", ["rdp_nla_bad_credentials"]),
        Record("SZ/RCM#27387", ["rdp_listener_connection"]),
        Record("SZ/RCM#29322", ["rdp_user_authenticated"]),
        Record("SZ/LSM#108", ["rdp_session_logon"]),
        Record("BK/LSM#46", ["rdp_session_reconnected"], "empty Address"),
        Record("BK/LSM#35", [], "LSM 40 reason 11"),
        Record("SZ/Application#58", [], "User Profiles Service 1530"),
        Record(
            "SZ/FW#66", [],
            "2005 (the inventory says 2004) on Remote Desktop - User Mode (UDP-In): an allow rule, Active 0, UDP; RDP falls back to TCP"),
        Record(
            "SZ/FW#69", ["firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_inbound_rule_changed"],
            "2005 leaves the built-in TCP-In rule inactive for the Public profile while an active copy covers Domain/Private"),
        Record("SZ/FW#63", ["firewall_inbound_rule_changed"], "Shadow rule, LocalPorts *: an inbound TCP rule, not on 3389"),
        Record("SZ/FW#70", ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], "2004 adds the Domain/Private copy of the TCP-In rule inactive"),
        Record("SZ/FW#71", ["firewall_rdp_rule_changed", "firewall_inbound_rule_changed"], "2005 enables that copy in the same instant: an active allow rule for TCP 3389"),
        Record(
            "E2M/ID2003-4950-Firewall_disabled#912", [],
            "despite the file name, SettingType 1 is set to 01000000 / Yes: the firewall was turned ON (4950 in the same log agrees)"),
    ]

    /// The distinct logs of ``records``.
    static let logs: [String] = Array(Set(records.map(\.log))).sorted()

    @Test(arguments: logs)
    func namedRecordsMatchTheirRules(log: String) throws {
        let path = try #require(Corpus.path(Corpus.stem(log)), "no corpus file for \(log)")
        let wanted = Self.records.filter { $0.log == log }
        let ids = Set(wanted.map(\.recordID))
        let found = EventSink()
        let problems = RulePack.importFiles([path]) { event in
            if let id = event.recordID, ids.contains(id) { found.events.append(event) }
        }
        _ = problems  // Two corpus records are not well-formed XML (see SOURCES.md); they are in other files.
        for record in wanted {
            let events = found.events.filter { $0.recordID == record.recordID }
            try #require(events.count == 1, "\(record): \(events.count) records with that id")
            let matched = RulePack.matchedNames(events[0])
            #expect(matched == record.matches, "\(record) (\(record.why)): matched \(matched.sorted())")
        }
    }

    /// Every corpus file, every record: the pack's match counts equal the independently computed ones,
    /// and files with no expectation match nothing.
    @Test(arguments: Corpus.stems)
    func wholeFileMatchCountsAreAsExpected(stem: String) throws {
        let path = try #require(Corpus.path(stem))
        let counter = MatchCounter()
        _ = RulePack.importFiles([path]) { event in
            for name in RulePack.matchedNames(event) { counter.counts[name, default: 0] += 1 }
        }
        let expected = CorpusExpectations.countsByFile[stem] ?? [:]
        #expect(counter.counts == expected, "\(stem): \(counter.counts.sorted { $0.key < $1.key })")
    }

    @Test func theExpectationsNameOnlyCorpusFilesAndPackRules() {
        let stems = Set(Corpus.stems)
        let names = Set(RulePack.names)
        for (stem, counts) in CorpusExpectations.countsByFile {
            #expect(stems.contains(stem), "\(stem) is not in the corpus")
            #expect(Set(counts.keys).isSubset(of: names))
        }
    }
}

final class MatchCounter {
    var counts: [String: Int] = [:]
}
