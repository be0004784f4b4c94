/// Where the events of one Sigma log source are found in Windows event logs.
public struct LogSourceTarget: Sendable, Hashable {
    /// The channels (`System/Channel`) the events come from; empty means any channel.
    public var channels: [String]
    /// The event IDs of the category; empty means any event ID.
    public var eventIDs: [UInt32]
    /// Providers (`Provider_Name`) the events must come from; empty means any provider.
    public var providers: [String]
    /// Extra field conditions of the category (e.g. `EventType: CreateKey` for `registry_add`); a
    /// field with several values matches any of them.
    public var conditions: [String: [String]]
    /// Rule field name → event field name, for sources whose events name a field differently
    /// (Security 4688 writes `NewProcessName` for Sysmon's `Image`).
    public var fieldMapping: [String: String]

    /// Creates a target.
    public init(
        channels: [String], eventIDs: [UInt32] = [], providers: [String] = [],
        conditions: [String: [String]] = [:], fieldMapping: [String: String] = [:]
    ) {
        self.channels = channels
        self.eventIDs = eventIDs
        self.providers = providers
        self.conditions = conditions
        self.fieldMapping = fieldMapping
    }
}

/// The Windows log-source table: Sigma `service` → channel, and `category` → channel, event IDs and
/// field mapping.
///
/// Sources: pySigma's `windows_logsource_mapping` (pySigma 2.0.1) and `sysmon_pipeline`,
/// SigmaHQ's `tests/thor.yml`, plus the RDP services this product needs (marked *RDP*).
/// `Rules/README.md` prints the same table.
///
/// | service | channel |
/// | --- | --- |
/// | `application` | `Application` |
/// | `security` | `Security` |
/// | `system` | `System` |
/// | `sysmon` | `Microsoft-Windows-Sysmon/Operational` |
/// | `powershell` | `Microsoft-Windows-PowerShell/Operational`, `PowerShellCore/Operational` |
/// | `powershell-classic` | `Windows PowerShell` |
/// | `terminalservices-localsessionmanager` | `Microsoft-Windows-TerminalServices-LocalSessionManager/Operational` |
/// | `terminalservices-remoteconnectionmanager` (*RDP*) | `Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational` |
/// | `rdpcorets`, `remotedesktopservices-rdpcorets` (*RDP*) | `Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational` |
/// | `terminalservices-rdpclient` (*RDP*) | `Microsoft-Windows-TerminalServices-RDPClient/Operational` |
/// | `terminalservices-gateway` (*RDP*) | `Microsoft-Windows-TerminalServices-Gateway/Operational` (on the RD Gateway) |
/// | `user-profile-service` (*RDP*) | `Microsoft-Windows-User Profile Service/Operational`, and `Application` events of provider `Microsoft-Windows-User Profiles Service` |
/// | `firewall-as` | `Microsoft-Windows-Windows Firewall With Advanced Security/Firewall` |
/// | … | see ``services`` for the full list |
public enum WindowsLogSources {
    /// The Sysmon channel.
    public static let sysmon = "Microsoft-Windows-Sysmon/Operational"
    /// The PowerShell channels (Windows PowerShell 5 and PowerShell 7).
    public static let powerShell = ["Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"]

    /// Sigma `service` → channels (with an optional provider restriction), for `product: windows`.
    public static let services: [String: LogSourceTarget] = {
        var table: [String: LogSourceTarget] = [:]
        func add(_ service: String, _ channels: [String], providers: [String] = []) {
            table[service] = LogSourceTarget(channels: channels, providers: providers)
        }
        add("application", ["Application"])
        add("security", ["Security"])
        add("system", ["System"])
        add("sysmon", [sysmon])
        add("powershell", powerShell)
        add("powershell-classic", ["Windows PowerShell"])
        add("taskscheduler", ["Microsoft-Windows-TaskScheduler/Operational"])
        add("wmi", ["Microsoft-Windows-WMI-Activity/Operational"])
        add("windefend", ["Microsoft-Windows-Windows Defender/Operational"])
        add("appxdeployment-server", ["Microsoft-Windows-AppXDeploymentServer/Operational"])
        add("codeintegrity-operational", ["Microsoft-Windows-CodeIntegrity/Operational"])
        add("firewall-as", ["Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"])
        add("msexchange-management", ["MSExchange Management"])
        add("bits-client", ["Microsoft-Windows-Bits-Client/Operational"])
        add("dns-client", ["Microsoft-Windows-DNS Client Events/Operational"])
        add("iis-configuration", ["Microsoft-IIS-Configuration/Operational"])
        add("ntlm", ["Microsoft-Windows-NTLM/Operational"])
        add("dns-server", ["DNS Server"])
        add("dns-server-analytic", ["Microsoft-Windows-DNS-Server/Analytical"])
        add("driver-framework", ["Microsoft-Windows-DriverFrameworks-UserMode/Operational"])
        add(
            "applocker",
            [
                "Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL",
                "Microsoft-Windows-AppLocker/Packaged app-Deployment",
                "Microsoft-Windows-AppLocker/Packaged app-Execution",
            ])
        add(
            "security-mitigations",
            ["Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"])
        add("ldap", ["Microsoft-Windows-LDAP-Client/Debug"])
        add("lsa-server", ["Microsoft-Windows-LSA/Operational"])
        add("printservice-admin", ["Microsoft-Windows-PrintService/Admin"])
        add("printservice-operational", ["Microsoft-Windows-PrintService/Operational"])
        add("smbclient-security", ["Microsoft-Windows-SmbClient/Security"])
        add("smbclient-connectivity", ["Microsoft-Windows-SmbClient/Connectivity"])
        add("smbserver-connectivity", ["Microsoft-Windows-SMBServer/Connectivity"])
        add("openssh", ["OpenSSH/Operational"])
        add("shell-core", ["Microsoft-Windows-Shell-Core/Operational"])
        add("diagnosis-scripted", ["Microsoft-Windows-Diagnosis-Scripted/Operational"])
        add("appmodel-runtime", ["Microsoft-Windows-AppModel-Runtime/Admin"])
        add("appxpackaging-om", ["Microsoft-Windows-AppxPackaging/Operational"])
        add("capi2", ["Microsoft-Windows-CAPI2/Operational"])
        add(
            "certificateservicesclient-lifecycle-system",
            ["Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"])
        add("microsoft-servicebus-client", ["Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"])
        add("servicebus-client", ["Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"])
        add("dhcp", ["Microsoft-Windows-DHCP-Server/Operational"])
        add("bitlocker", ["Microsoft-Windows-BitLocker/BitLocker Management"])
        add("vhdmp", ["Microsoft-Windows-VHDMP/Operational"])
        add(
            "kernel-shimengine",
            ["Microsoft-Windows-Kernel-ShimEngine/Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"])
        add(
            "application-experience",
            [
                "Microsoft-Windows-Application-Experience/Program-Telemetry",
                "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant",
            ])
        add("ntfs", ["Microsoft-Windows-Ntfs/Operational"])
        add("hyper-v-worker", ["Microsoft-Windows-Hyper-V-Worker"])
        add("kernel-event-tracing", ["Microsoft-Windows-Kernel-EventTracing"])
        add("sense", ["Microsoft-Windows-SENSE/Operational"])
        // Remote Desktop (this product's own services; only the first is in the Sigma taxonomy).
        add(
            "terminalservices-localsessionmanager",
            ["Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"])
        add(
            "terminalservices-remoteconnectionmanager",
            ["Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"])
        add("rdpcorets", ["Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"])
        add("remotedesktopservices-rdpcorets", ["Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational"])
        add("terminalservices-rdpclient", ["Microsoft-Windows-TerminalServices-RDPClient/Operational"])
        add("terminalservices-gateway", ["Microsoft-Windows-TerminalServices-Gateway/Operational"])
        table["user-profile-service"] = LogSourceTarget(channels: ["Microsoft-Windows-User Profile Service/Operational"])
        return table
    }()

    /// The `Application`-log half of `user-profile-service`: the User Profile Service writes its
    /// errors (1500–1530) to the Application log under this provider.
    static let userProfileApplication = LogSourceTarget(
        channels: ["Application"], providers: ["Microsoft-Windows-User Profiles Service"])

    /// Sigma `category` → targets, for `product: windows`.
    public static let categories: [String: [LogSourceTarget]] = {
        var table: [String: [LogSourceTarget]] = [:]
        func sysmonEvents(_ category: String, _ ids: [UInt32], conditions: [String: [String]] = [:]) {
            table[category, default: []].append(
                LogSourceTarget(channels: [sysmon], eventIDs: ids, conditions: conditions))
        }
        sysmonEvents("process_creation", [1])
        table["process_creation", default: []].append(
            LogSourceTarget(
                channels: ["Security"], eventIDs: [4688],
                fieldMapping: ["Image": "NewProcessName", "ParentImage": "ParentProcessName"]))
        sysmonEvents("file_change", [2])
        sysmonEvents("network_connection", [3])
        sysmonEvents("sysmon_status", [4, 16])
        sysmonEvents("process_termination", [5])
        sysmonEvents("driver_load", [6])
        sysmonEvents("image_load", [7])
        sysmonEvents("create_remote_thread", [8])
        sysmonEvents("raw_access_thread", [9])
        sysmonEvents("process_access", [10])
        sysmonEvents("file_event", [11])
        sysmonEvents("registry_event", [12, 13, 14])
        sysmonEvents("registry_add", [12], conditions: ["EventType": ["CreateKey"]])
        sysmonEvents("registry_delete", [12], conditions: ["EventType": ["DeleteKey", "DeleteValue"]])
        sysmonEvents("registry_set", [13])
        sysmonEvents("registry_rename", [14])
        sysmonEvents("create_stream_hash", [15])
        sysmonEvents("pipe_created", [17, 18])
        sysmonEvents("wmi_event", [19, 20, 21])
        sysmonEvents("dns_query", [22])
        sysmonEvents("file_delete", [23])
        sysmonEvents("clipboard_change", [24])
        sysmonEvents("clipboard_capture", [24])
        sysmonEvents("process_tampering", [25])
        sysmonEvents("file_delete_detected", [26])
        sysmonEvents("file_block_executable", [27])
        sysmonEvents("file_block_shredding", [28])
        sysmonEvents("file_executable_detected", [29])
        sysmonEvents("sysmon_error", [255])
        table["ps_module"] = [LogSourceTarget(channels: powerShell, eventIDs: [4103])]
        table["ps_script"] = [LogSourceTarget(channels: powerShell, eventIDs: [4104])]
        table["ps_classic_start"] = [LogSourceTarget(channels: ["Windows PowerShell"], eventIDs: [400])]
        table["ps_classic_provider_start"] = [LogSourceTarget(channels: ["Windows PowerShell"], eventIDs: [600])]
        table["ps_classic_script"] = [LogSourceTarget(channels: ["Windows PowerShell"], eventIDs: [800])]
        table["antivirus"] = [
            LogSourceTarget(
                channels: ["Microsoft-Windows-Windows Defender/Operational"],
                eventIDs: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116],
                fieldMapping: ["Signature": "ThreatName", "Filename": "Path"])
        ]
        return table
    }()

    /// Where a rule's events are found, or why they cannot be.
    public enum Resolution: Sendable, Hashable {
        /// The events of these targets (an empty channel list means every Windows event).
        case targets([LogSourceTarget])
        /// The log source has no mapping; the reason says which part is unknown.
        case unmapped(reason: String)
    }

    /// Resolves a rule's `logsource`.
    ///
    /// `product: windows` alone matches every event. A `category` picks its channel and event IDs
    /// (and, with a `service` as well, only the category targets in that service's channels). A
    /// `service` alone picks its channels. A missing `product` is taken as `windows` when the
    /// service or category is known.
    public static func resolve(_ logSource: LogSource) -> Resolution {
        let product = logSource.product?.lowercased()
        if let product, product != "windows" {
            return .unmapped(reason: "product '\(product)' is not a Windows event log")
        }
        let service = logSource.service?.lowercased()
        let category = logSource.category?.lowercased()
        var serviceTargets: [LogSourceTarget]?
        if let service {
            guard let target = services[service] else {
                return .unmapped(reason: "service '\(service)' has no channel mapping")
            }
            serviceTargets = service == "user-profile-service" ? [target, userProfileApplication] : [target]
        }
        if let category {
            guard var targets = categories[category] else {
                return .unmapped(reason: "category '\(category)' has no channel/event ID mapping")
            }
            if let serviceTargets {
                let channels = Set(serviceTargets.flatMap(\.channels))
                targets = targets.filter { !Set($0.channels).isDisjoint(with: channels) }
                if targets.isEmpty {
                    return .unmapped(reason: "category '\(category)' is not logged by service '\(service ?? "")'")
                }
            }
            return .targets(targets)
        }
        if let serviceTargets { return .targets(serviceTargets) }
        if product == nil {
            return .unmapped(reason: "the log source names no product, category or service")
        }
        return .targets([LogSourceTarget(channels: [])])
    }
}
