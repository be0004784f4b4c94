/// Builds events in the serialisation `wevtutil qe LOG /f:xml` writes: one `<Event>` per line, attributes
/// in single quotes, self-closed empty elements, no whitespace between elements (see
/// shared/reference/domain-events.md, "Export formats").
enum EventXML {
    static let ns = "http://schemas.microsoft.com/win/2004/08/events/event"

    /// The payload of an event.
    enum Payload {
        /// `<EventData>` with named (`Data Name='X'`) or, for a `nil` name, unnamed `<Data>` elements,
        /// and an optional `<Binary>`.
        case eventData([(String?, String)], binary: String? = nil)
        /// `<UserData><EventXML xmlns='Event_NS'>` with one child element per pair.
        case userData([(String, String)])
        /// `<EventData/>`.
        case empty
    }

    /// One event.
    static func event(
        provider: String, guid: String? = nil, sourceName: String? = nil, id: UInt32, qualifiers: Int? = nil,
        version: Int = 0, level: Int = 4, task: Int = 0, keywords: String = "0x8000000000000000", channel: String,
        computer: String = "RDSH-01.corp.example", record: Int = 4711, userID: String? = nil, payload: Payload
    ) -> String {
        var providerAttributes = "Name='\(escape(provider))'"
        if let guid { providerAttributes += " Guid='\(guid)'" }
        if let sourceName { providerAttributes += " EventSourceName='\(escape(sourceName))'" }
        let eventID = qualifiers.map { "<EventID Qualifiers='\($0)'>\(id)</EventID>" } ?? "<EventID>\(id)</EventID>"
        let security = userID.map { "<Security UserID='\($0)'/>" } ?? "<Security/>"
        var xml = "<Event xmlns='\(ns)'><System><Provider \(providerAttributes)/>\(eventID)"
        xml += "<Version>\(version)</Version><Level>\(level)</Level><Task>\(task)</Task><Opcode>0</Opcode>"
        xml += "<Keywords>\(keywords)</Keywords><TimeCreated SystemTime='2026-06-12T19:41:52.1234567Z'/>"
        xml += "<EventRecordID>\(record)</EventRecordID><Correlation/><Execution ProcessID='1116' ThreadID='4592'/>"
        xml += "<Channel>\(escape(channel))</Channel><Computer>\(computer)</Computer>\(security)</System>"
        switch payload {
        case .eventData(let data, let binary):
            xml += "<EventData>"
            for (name, value) in data {
                if let name {
                    xml += "<Data Name='\(escape(name))'>\(escape(value))</Data>"
                } else {
                    xml += "<Data>\(escape(value))</Data>"
                }
            }
            if let binary { xml += "<Binary>\(binary)</Binary>" }
            xml += "</EventData>"
        case .userData(let elements):
            xml += "<UserData><EventXML xmlns:auto-ns2='http://schemas.microsoft.com/win/2004/08/events' xmlns='Event_NS'>"
            for (name, value) in elements { xml += "<\(name)>\(escape(value))</\(name)>" }
            xml += "</EventXML></UserData>"
        case .empty:
            xml += "<EventData/>"
        }
        return xml + "</Event>\r\n"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "'": result += "&apos;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    // MARK: - Channels

    static func client(_ id: UInt32, level: Int = 4, _ payload: Payload) -> String {
        event(
            provider: "Microsoft-Windows-TerminalServices-ClientActiveXCore", guid: "{28aa95bb-d444-4719-a36f-40462168127e}",
            id: id, level: level, task: id == 226 ? 104 : 101, keywords: "0x4000000000000000",
            channel: "Microsoft-Windows-TerminalServices-RDPClient/Operational", computer: "WKS-042.corp.example",
            userID: "S-1-5-21-1004336348-1177238915-682003330-1105", payload: payload)
    }

    /// RDPClient 1024/1026/1102 carry `Name`, `Value`, `CustomLevel`.
    static func clientNameValue(_ id: UInt32, _ name: String, _ value: String) -> String {
        client(id, .eventData([("Name", name), ("Value", value), ("CustomLevel", "Info")]))
    }

    static func rcm(_ id: UInt32, _ elements: [(String, String)]) -> String {
        event(
            provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
            guid: "{c76baa63-ae81-421c-b425-340b4b24157f}", id: id, keywords: "0x1000000000000000",
            channel: "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", userID: "S-1-5-20",
            payload: .userData(elements))
    }

    static func core(_ id: UInt32, level: Int = 4, _ payload: Payload) -> String {
        event(
            provider: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS", guid: "{1139c61b-b549-4251-8ed3-27250a1edec8}",
            id: id, level: level, task: 4, keywords: "0x4000000000000000",
            channel: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", userID: "S-1-5-20", payload: payload)
    }

    static func lsm(_ id: UInt32, _ elements: [(String, String)]) -> String {
        event(
            provider: "Microsoft-Windows-TerminalServices-LocalSessionManager",
            guid: "{5d896912-022d-40aa-a3a8-4fa5515c76d7}", id: id, keywords: "0x1000000000000000",
            channel: "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", userID: "S-1-5-18",
            payload: .userData(elements))
    }

    static func security(_ id: UInt32, _ data: [(String, String)]) -> String {
        event(
            provider: "Microsoft-Windows-Security-Auditing", guid: "{54849625-5478-4994-a5ba-3e3b0328c30d}", id: id,
            level: 0, task: id == 4625 ? 12544 : 12809, keywords: id == 4624 ? "0x8020000000000000" : "0x8010000000000000",
            channel: "Security", payload: .eventData(data.map { ($0.0, $0.1) }))
    }

    /// A 4625 with the given codes and logon type (the other 18 fields as in real records).
    static func failedLogon(status: String, subStatus: String, logonType: String = "3") -> String {
        security(
            4625,
            [
                ("SubjectUserSid", "S-1-0-0"), ("SubjectUserName", "-"), ("SubjectDomainName", "-"),
                ("SubjectLogonId", "0x0"), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", "alice"),
                ("TargetDomainName", "CORP"), ("Status", status), ("FailureReason", "%%2313"), ("SubStatus", subStatus),
                ("LogonType", logonType), ("LogonProcessName", "NtLmSsp "), ("AuthenticationPackageName", "NTLM"),
                ("WorkstationName", "WKS-042"), ("TransmittedServices", "-"), ("LmPackageName", "-"), ("KeyLength", "0"),
                ("ProcessId", "0x0"), ("ProcessName", "-"), ("IpAddress", "10.20.30.40"), ("IpPort", "51515"),
            ])
    }

    /// A 5152/5157 WFP drop (5157 spells `ProcessID` with a capital D and adds two SIDs).
    static func wfp(_ id: UInt32, sourcePort: String, destPort: String, protocolNumber: String = "6") -> String {
        var data: [(String, String)] = [
            (id == 5157 ? "ProcessID" : "ProcessId", "0"), ("Application", "-"), ("Direction", "%%14592"),
            ("SourceAddress", "203.0.113.9"), ("SourcePort", sourcePort), ("DestAddress", "10.20.30.5"),
            ("DestPort", destPort), ("Protocol", protocolNumber), ("FilterRTID", "67607"), ("LayerName", "%%14597"),
            ("LayerRTID", "13"),
        ]
        if id == 5157 { data += [("RemoteUserID", "S-1-0-0"), ("RemoteMachineID", "S-1-0-0")] }
        return security(id, data)
    }

    /// A classic or manifest System event.
    static func system(
        _ provider: String, guid: String? = nil, sourceName: String? = nil, _ id: UInt32, qualifiers: Int? = nil,
        level: Int = 4, _ payload: Payload
    ) -> String {
        event(
            provider: provider, guid: guid, sourceName: sourceName, id: id, qualifiers: qualifiers, level: level,
            keywords: qualifiers == nil ? "0x8000000000000000" : "0x80000000000000", channel: "System", payload: payload)
    }

    /// A Service Control Manager event with `param1…` values.
    static func scm(_ id: UInt32, _ params: [String], binary: String? = nil) -> String {
        system(
            "Service Control Manager", guid: "{555908d1-a6d7-4695-8e1e-26931d2012f4}", sourceName: "Service Control Manager",
            id, qualifiers: [7023, 7024, 7031, 7034].contains(id) ? 49152 : 16384, level: [7023, 7024, 7031, 7034].contains(id) ? 2 : 4,
            .eventData(params.enumerated().map { ("param\($0.offset + 1)", $0.element) }, binary: binary))
    }

    /// RCM's legacy events in the System log (EventSourceName TermService, unnamed Data, Binary).
    static func rcmSystem(_ id: UInt32, level: Int = 2, _ data: [String], binary: String = "") -> String {
        system(
            "Microsoft-Windows-TerminalServices-RemoteConnectionManager", guid: "{C76BAA63-AE81-421C-B425-340B4B24157F}",
            sourceName: "TermService", id, qualifiers: 49152, level: level,
            .eventData(data.map { (nil, $0) }, binary: binary))
    }

    static func schannel(_ id: UInt32, _ data: [(String, String)]) -> String {
        system(
            "Schannel", guid: "{1f678132-5938-4686-9fdc-c8ff68f15c85}", id, level: 2,
            .eventData(data.map { ($0.0, $0.1) }))
    }

    static func profileService(_ id: UInt32, channel: String = "Application", level: Int = 2, _ data: [(String, String)]) -> String {
        event(
            provider: "Microsoft-Windows-User Profiles Service", guid: "{89b1e9f0-5aff-44a6-9b44-0a07a7ce5845}", id: id,
            level: level, channel: channel, payload: data.isEmpty ? .empty : .eventData(data.map { ($0.0, $0.1) }))
    }

    /// A firewall rule event (2004/2005/2071/2073/2097/2099) with the real field list.
    static func firewallRule(
        _ id: UInt32, ruleID: String, name: String, direction: String = "1", protocolNumber: String = "6",
        localPorts: String = "3389", action: String = "3", active: String = "1", profiles: String = "4",
        remoteAddresses: String = "*"
    ) -> String {
        firewall(
            id,
            [
                ("RuleId", ruleID), ("RuleName", name), ("Origin", "1"), ("ApplicationPath", "C:\\Windows\\system32\\svchost.exe"),
                ("ServiceName", "termservice"), ("Direction", direction), ("Protocol", protocolNumber),
                ("LocalPorts", localPorts), ("RemotePorts", "*"), ("Action", action), ("Profiles", profiles),
                ("LocalAddresses", "*"), ("RemoteAddresses", remoteAddresses), ("RemoteMachineAuthorizationList", ""),
                ("RemoteUserAuthorizationList", ""), ("EmbeddedContext", "@FirewallAPI.dll,-28752"), ("Flags", "0"),
                ("Active", active), ("EdgeTraversal", "0"), ("LooseSourceMapped", "0"), ("SecurityOptions", "0"),
                ("ModifyingUser", "S-1-5-21-2232410529-1445159330-2725690660-500"),
                ("ModifyingApplication", "C:\\Windows\\System32\\netsh.exe"), ("SchemaVersion", "543"),
                ("RuleStatus", "65536"), ("LocalOnlyMapped", "0"),
            ])
    }

    static func firewall(_ id: UInt32, _ data: [(String, String)]) -> String {
        event(
            provider: "Microsoft-Windows-Windows Firewall With Advanced Security",
            guid: "{d1bc9aff-2abf-4d71-9146-ecb2a986eb85}", id: id,
            channel: "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
            payload: .eventData(data.map { ($0.0, $0.1) }))
    }
}
