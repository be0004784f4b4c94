import EventImport
import Foundation
import SigmaKit

/// The RDP rule pack under test: its contract (rule names), where it lives, and helpers to load it
/// and to run events through it.
enum RulePack {
    /// Every rule name of the pack. The diagnosis layer refers to rules by these names, so the list is
    /// a contract: a rule may not be renamed or dropped without changing the diagnosis too.
    static let names: [String] = [
        // Client: Microsoft-Windows-TerminalServices-RDPClient/Operational
        "rdp_client_connect_attempt", "rdp_client_server_address", "rdp_client_connected",
        "rdp_client_session_established", "rdp_client_disconnect", "rdp_client_transport_timeout",
        "rdp_client_ssl_error", "rdp_client_user_hash",
        // Host: RCM, RdpCoreTS, LSM
        "rdp_listener_connection", "rdp_user_authenticated", "rdp_stack_connection", "rdp_tcp_established",
        "rdp_security_layer_error", "rdp_nla_bad_credentials", "rdp_session_logon", "rdp_shell_start",
        "rdp_session_logoff", "rdp_session_disconnected", "rdp_session_reconnected", "rdp_session_denied",
        // Host: Security and LsaSrv
        "rdp_logon_success", "logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure",
        "credssp_version_mismatch", "wfp_rdp_blocked",
        // Host: Service Control Manager
        "termservice_stopped", "termservice_running", "termservice_crashed", "termservice_disabled",
        // Host: power
        "host_sleep", "host_resume", "host_wake_report", "host_boot", "host_shutdown", "host_unexpected_reboot",
        "host_standby_enter", "host_standby_exit",
        // Host: RCM legacy certificate events in System
        "rdp_cert_expired", "rdp_cert_key_inaccessible", "rdp_cert_created", "rdp_cert_create_failed",
        "rdp_cert_expired_not_replaced", "rdp_cert_invalid_hash", "rdp_security_settings_corrected",
        // Host: Schannel
        "schannel_private_key_access_failed", "schannel_cert_no_private_key", "schannel_credential_creation_failed",
        "schannel_no_server_credential", "schannel_no_common_cipher", "schannel_fatal_alert_sent",
        "schannel_fatal_alert_received",
        // Host: TermDD
        "termdd_protocol_error",
        // Host: Group Policy
        "group_policy_computer_settings_applied",
        // Client: Windows Update (System)
        "client_update_installed",
        // Host: User Profile Service
        "profile_load_failed", "profile_temporary",
        // Host: Windows Firewall
        "firewall_rdp_rule_blocking", "firewall_rdp_rule_changed", "firewall_rdp_rule_deleted", "firewall_disabled",
        // RD Gateway: Microsoft-Windows-TerminalServices-Gateway/Operational
        "rdg_cap_met", "rdg_cap_refused", "rdg_rap_met", "rdg_rap_refused", "rdg_resource_connected",
        "rdg_resource_disconnected", "rdg_resource_connect_failed",
        // Host: Windows Firewall state the rule timeline follows (any port, any rule, the network profile)
        "firewall_inbound_rule_changed", "firewall_rule_deleted", "firewall_network_profile_changed",
    ]

    /// The repository root (this file is `Tests/RDPRuleTests/Support/RulePack.swift`).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Rules/`, everything the product loads.
    static let rulesFolder = repository.appendingPathComponent("Rules").path
    /// `Rules/sigma/`, this pack.
    static let packFolder = repository.appendingPathComponent("Rules/sigma").path

    /// The whole `Rules/` folder, loaded once.
    static let catalog = RuleLoader().load(paths: [rulesFolder])

    /// An engine over every rule of `Rules/`.
    static let engine = SigmaEngine(rules: catalog.rules)

    /// The pack's detection rules as loaded from `Rules/sigma/` (its correlation rules, in
    /// `Rules/sigma/siem/`, are tested in CorrelationTests).
    static var packRules: [SigmaRule] {
        catalog.rules.filter { $0.source.hasPrefix(packFolder + "/") && $0.correlation == nil }
    }

    /// The names of the pack's rules that match `event` (rules of other packs are left out, so that
    /// another engineer's rule never breaks these assertions).
    static func matchedNames(_ event: WinEvent) -> Set<String> {
        let pack = Set(names)
        var result: Set<String> = []
        engine.forEachMatch(in: event) { rule in
            if let name = rule.name, pack.contains(name) { result.insert(name) }
        }
        return result
    }

    /// Imports XML text with the product's importer; returns the events and the import problems.
    static func importEvents(_ xml: String, source: String) -> (events: [WinEvent], problems: [String]) {
        let sink = EventSink()
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { sink.events.append($0) },
                onDiagnostic: { sink.problems.append($0.description) }))
        importer.importData(Array(xml.utf8), source: source)
        return (sink.events, sink.problems)
    }

    /// Streams the events of files through `body`; returns the import problems.
    static func importFiles(_ paths: [String], _ body: @escaping (WinEvent) -> Void) -> [String] {
        let sink = EventSink()
        let importer = EventImporter(
            handlers: ImportHandlers(onEvent: body, onDiagnostic: { sink.problems.append($0.description) }))
        importer.importPaths(paths)
        return sink.problems
    }
}

/// Collects what an import delivers (the importer calls its handlers synchronously).
final class EventSink {
    var events: [WinEvent] = []
    var problems: [String] = []
}

/// The real corpus beside the repository (`../shared/corpus/real`, or `$RDPCAUSE_SHARED/corpus/real`),
/// read in place.
enum Corpus {
    static let folder: URL? = {
        let shared =
            ProcessInfo.processInfo.environment["RDPCAUSE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? RulePack.repository.deletingLastPathComponent().appendingPathComponent("shared")
        let real = shared.appendingPathComponent("corpus/real")
        return FileManager.default.fileExists(atPath: real.appendingPathComponent("SOURCES.md").path) ? real : nil
    }()

    static var isAvailable: Bool { folder != nil }

    /// The corpus file of a stem (`<stem>.xml`, or `<stem>.xml.zst` for files over 1 MB).
    static func path(_ stem: String) -> String? {
        guard let folder else { return nil }
        for suffix in [".xml", ".xml.zst"] {
            let path = folder.appendingPathComponent(stem + suffix).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// Every corpus stem (one per source log; the `.events.xml` twins hold the same records).
    static var stems: [String] {
        guard let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var stems: Set<String> = []
        for file in files where !file.contains(".events.") {
            if file.hasSuffix(".xml.zst") {
                stems.insert(String(file.dropLast(8)))
            } else if file.hasSuffix(".xml") {
                stems.insert(String(file.dropLast(4)))
            }
        }
        return stems.sorted()
    }

    /// Corpus-inventory aliases → file stem prefixes (see `shared/reference/corpus-inventory.md`).
    static let aliases: [String: String] = [
        "SZ": "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__",
        "BK": "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__",
        "A22": "DFIRArtifactMuseum__Server2022_APTSimulatorVM__",
        "OB": "omerbenamram-evtx__",
        "E2M": "EVTX-to-MITRE-Attack__",
        "PE": "python-evtx__",
        "PL": "plaso__",
        "VR": "velociraptor__RDPAuth_",
    ]

    /// Inventory log shorthands → log part of the stem.
    static let logs: [String: String] = [
        "Client": "Microsoft-Windows-TerminalServices-RDPClient-Operational",
        "Core": "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational",
        "RCM": "Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational",
        "LSM": "Microsoft-Windows-TerminalServices-LocalSessionManager-Operational",
        "FW": "Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall",
    ]

    /// The stem of an inventory reference such as `SZ/System` or `OB/2-vss_0-…` (log written out).
    static func stem(_ reference: String) -> String {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        let prefix = aliases[parts[0]] ?? parts[0]
        return prefix + (logs[parts[1]] ?? parts[1])
    }
}
