/// RD Gateway records (`Microsoft-Windows-TerminalServices-Gateway/Operational`) in the shape of the
/// real 200/300/302/303 records of Yamato-Security/hayabusa-sample-evtx ("ID302 RDS Gateway Logon
/// Logoff.evtx"): `UserData/EventInfo xmlns='aag'` with Username, IpAddress, AuthType, Resource,
/// ConnectionProtocol and ErrorCode (303 adds BytesReceived, BytesTransfered, SessionDuration; the
/// 312/313 records hold only Username and IpAddress with its port).
extension RuleCases {
    static let gatewayProvider = "Microsoft-Windows-TerminalServices-Gateway"
    static let gatewayChannel = "Microsoft-Windows-TerminalServices-Gateway/Operational"

    /// One gateway event with its EventInfo elements.
    static func gatewayEvent(_ id: UInt32, level: Int = 4, task: Int = 3, provider: String = gatewayProvider, _ info: [(String, String)]) -> String {
        var xml = "<Event xmlns='\(EventXML.ns)'><System><Provider Name='\(provider)' Guid='{4d5ae6a1-c7c8-4e6d-b840-4d8080b42e1b}'/>"
        xml += "<EventID>\(id)</EventID><Version>0</Version><Level>\(level)</Level><Task>\(task)</Task><Opcode>30</Opcode>"
        xml += "<Keywords>0x4020000001000000</Keywords><TimeCreated SystemTime='2024-11-04T13:59:32.6243740Z'/>"
        xml += "<EventRecordID>89</EventRecordID><Correlation ActivityID='{7cf86876-882f-0625-f153-3dec514da0b2}'/>"
        xml += "<Execution ProcessID='1444' ThreadID='2556'/><Channel>\(gatewayChannel)</Channel><Computer>RDGW-01.corp.example</Computer>"
        xml += "<Security UserID='S-1-5-20'/></System><UserData><EventInfo xmlns='aag'>"
        for (name, value) in info { xml += "<\(name)>\(EventXML.escape(value))</\(name)>" }
        return xml + "</EventInfo></UserData></Event>\r\n"
    }

    static func gatewayInfo(resource: String = "rdsh-07.corp.example", protocol: String = "HTTP", error: String = "0") -> [(String, String)] {
        [("Username", "CORP\\dkowalski"), ("IpAddress", "198.51.100.74"), ("AuthType", "NTLM"), ("Resource", resource),
         ("ConnectionProtocol", `protocol`), ("ErrorCode", error)]
    }

    static let gateway: [RuleCase] = [
        RuleCase("Gateway 200 CAP met (real shape)", gatewayEvent(200, task: 2, gatewayInfo(resource: "")), matches: ["rdg_cap_met"], nearMissOf: ["rdg_cap_refused"]),
        RuleCase("Gateway 201 CAP not met", gatewayEvent(201, level: 2, task: 2, gatewayInfo(resource: "", error: "23003")), matches: ["rdg_cap_refused"], nearMissOf: ["rdg_cap_met"]),
        RuleCase("Gateway 300 RAP met (real shape)", gatewayEvent(300, task: 5, gatewayInfo(protocol: "")), matches: ["rdg_rap_met"], nearMissOf: ["rdg_rap_refused"]),
        RuleCase("Gateway 301 RAP not met", gatewayEvent(301, level: 2, task: 5, gatewayInfo(resource: "rdsh-07", protocol: "", error: "23002")), matches: ["rdg_rap_refused"], nearMissOf: ["rdg_rap_met"]),
        RuleCase("Gateway 302 connected to resource (real shape)", gatewayEvent(302, gatewayInfo()), matches: ["rdg_resource_connected"], nearMissOf: ["rdg_resource_connect_failed"]),
        RuleCase(
            "Gateway 303 disconnected from resource (real shape)",
            gatewayEvent(
                303,
                [("Username", "CORP\\dkowalski"), ("IpAddress", "198.51.100.74"), ("AuthType", ""), ("Resource", "rdsh-07.corp.example"),
                 ("BytesReceived", "810679"), ("BytesTransfered", "678033"), ("SessionDuration", "122"), ("ConnectionProtocol", "HTTP"),
                 ("ErrorCode", "1226")]),
            matches: ["rdg_resource_disconnected"], nearMissOf: ["rdg_resource_connected"]),
        RuleCase("Gateway 304 could not connect to resource", gatewayEvent(304, level: 2, gatewayInfo(error: "10060")), matches: ["rdg_resource_connect_failed"], nearMissOf: ["rdg_resource_connected"]),
        RuleCase(
            "Gateway 202 administrator disconnected the user",
            gatewayEvent(
                202,
                [("Username", "CORP\\dkowalski"), ("IpAddress", "198.51.100.74"), ("AuthType", ""), ("Resource", "rdsh-07.corp.example"),
                 ("BytesReceived", "4900"), ("BytesTransfered", "2102"), ("SessionDuration", "168"), ("ConnectionProtocol", "HTTP"),
                 ("ErrorCode", "0")]),
            nearMissOf: ["rdg_resource_disconnected"]),
        RuleCase(
            "Gateway 312 outbound connection not yet authenticated (real shape)",
            gatewayEvent(312, level: 0, [("Username", "Administrator"), ("IpAddress", "219.100.37.243:63913")]),
            nearMissOf: ["rdg_cap_met", "rdg_cap_refused"]),
        RuleCase(
            "Another provider's event 302 in the gateway channel", gatewayEvent(302, provider: "Microsoft-Windows-TerminalServices-Gateway-Admin", gatewayInfo()),
            nearMissOf: ["rdg_resource_connected"]),
    ]
}
