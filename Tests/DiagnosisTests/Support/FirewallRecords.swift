/// Windows Firewall With Advanced Security records as the real ones write them (`SZ/FW#69` for
/// rule records, `A22/FW#149` for deletions, `SZ/FW#144` for profile changes), with only the values
/// a test needs changed.
enum FirewallRecords {
    static let host = AttemptIdentityTests.host
    static let builtInID = "RemoteDesktop-UserMode-In-TCP"
    static let builtInName = "Remote Desktop - User Mode (TCP-In)"

    /// The System part of a record of the firewall log.
    private static func system(_ id: Int, at time: String, record: Int) -> String {
        """
          <System>
            <Provider Name="Microsoft-Windows-Windows Firewall With Advanced Security" Guid="D1BC9AFF-2ABF-4D71-9146-ECB2A986EB85">
            </Provider>
            <EventID>\(id)</EventID>
            <Version>0</Version>
            <Level>4</Level>
            <Task>0</Task>
            <Opcode>0</Opcode>
            <Keywords>0x8000020000000000</Keywords>
            <TimeCreated SystemTime="\(time)">
            </TimeCreated>
            <EventRecordID>\(record)</EventRecordID>
            <Correlation>
            </Correlation>
            <Execution ProcessID="204" ThreadID="1624">
            </Execution>
            <Channel>Microsoft-Windows-Windows Firewall With Advanced Security/Firewall</Channel>
            <Computer>\(host)</Computer>
            <Security UserID="S-1-5-19">
            </Security>
          </System>
        """
    }

    /// A rule added or modified (2004/2005/2097/2099): by default the built-in TCP-In allow rule,
    /// enabled, on 3389, for the Public profile, from anywhere.
    static func rule(
        _ id: Int, at time: String, record: Int, ruleID: String = builtInID, name: String = builtInName,
        localPorts: String = "3389", action: String = "3", active: String = "1", profiles: String = "4",
        remoteAddresses: String = "*", protocolNumber: String = "6", program: String = "C:\\Windows\\system32\\svchost.exe",
        service: String = "termservice"
    ) -> String {
        """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
        \(system(id, at: time, record: record))
          <EventData>
            <Data Name="RuleId">\(ruleID)</Data>
            <Data Name="RuleName">\(name)</Data>
            <Data Name="Origin">1</Data>
            <Data Name="ApplicationPath">\(program)</Data>
            <Data Name="ServiceName">\(service)</Data>
            <Data Name="Direction">1</Data>
            <Data Name="Protocol">\(protocolNumber)</Data>
            <Data Name="LocalPorts">\(localPorts)</Data>
            <Data Name="RemotePorts">*</Data>
            <Data Name="Action">\(action)</Data>
            <Data Name="Profiles">\(profiles)</Data>
            <Data Name="LocalAddresses">*</Data>
            <Data Name="RemoteAddresses">\(remoteAddresses)</Data>
            <Data Name="RemoteMachineAuthorizationList"></Data>
            <Data Name="RemoteUserAuthorizationList"></Data>
            <Data Name="EmbeddedContext">@FirewallAPI.dll,-28752</Data>
            <Data Name="Flags">0</Data>
            <Data Name="Active">\(active)</Data>
            <Data Name="EdgeTraversal">0</Data>
            <Data Name="LooseSourceMapped">0</Data>
            <Data Name="SecurityOptions">0</Data>
            <Data Name="ModifyingUser">S-1-5-21-2232410529-1445159330-2725690660-500</Data>
            <Data Name="ModifyingApplication">C:\\Windows\\System32\\wbem\\WmiPrvSE.exe</Data>
            <Data Name="SchemaVersion">534</Data>
            <Data Name="RuleStatus">65536</Data>
            <Data Name="LocalOnlyMapped">0</Data>
          </EventData>
        </Event>
        """
    }

    /// A rule deleted (2006, as on Server 2022 too; 2052 on recent Windows 11 builds).
    static func deleted(_ id: Int = 2006, at time: String, record: Int, ruleID: String, name: String) -> String {
        """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
        \(system(id, at: time, record: record))
          <EventData>
            <Data Name="RuleId">\(ruleID)</Data>
            <Data Name="RuleName">\(name)</Data>
            <Data Name="ModifyingUser">S-1-5-18</Data>
            <Data Name="ModifyingApplication">C:\\Windows\\System32\\svchost.exe</Data>
          </EventData>
        </Event>
        """
    }

    /// An interface's network profile changed (2010): `newProfile` 1 Domain, 2 Private, 4 Public.
    static func profileChanged(at time: String, record: Int, oldProfile: String = "2147483649", newProfile: String) -> String {
        """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
        \(system(2010, at: time, record: record))
          <EventData>
            <Data Name="InterfaceGuid">791D93FB-6EDF-4C65-B1B9-F8E46CFFEA73</Data>
            <Data Name="InterfaceName">ethernet_10</Data>
            <Data Name="OldProfile">\(oldProfile)</Data>
            <Data Name="NewProfile">\(newProfile)</Data>
          </EventData>
        </Event>
        """
    }
}
