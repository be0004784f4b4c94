/// Event XML in the shapes Windows itself writes (see shared/reference/domain-events.md,
/// "Export formats"): wevtutil's root-less single-quoted events, Event Viewer's "Save as XML"
/// with a declaration, an `<Events>` root and localized `RenderingInfo`, and the XML view's
/// pretty-printed double-quoted copy with `- ` markers.
enum Fixtures {
    static let ns = "http://schemas.microsoft.com/win/2004/08/events/event"

    /// `wevtutil qe … /f:xml`: one event per line, CRLF, single quotes, self-closed elements.
    static let wevtutil: String = [
        "<Event xmlns='\(ns)'><System><Provider Name='Microsoft-Windows-TerminalServices-ClientActiveXCore' Guid='{28aa95bb-d444-4719-a36f-40462168127e}'/><EventID>1024</EventID><Version>0</Version><Level>4</Level><Task>101</Task><Opcode>10</Opcode><Keywords>0x4000000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:41:51.1234567Z'/><EventRecordID>8812</EventRecordID><Correlation ActivityID='{6f0c3a55-1e2b-4c4d-9e1f-0a1b2c3d4e5f}'/><Execution ProcessID='4312' ThreadID='7720'/><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>WKS-042.corp.example</Computer><Security UserID='S-1-5-21-1004336348-1177238915-682003330-1105'/></System><EventData><Data Name='Name'>Server Name</Data><Data Name='Value'>RDSH-01.corp.example</Data><Data Name='CustomLevel'>Info</Data></EventData></Event>",
        "<Event xmlns='\(ns)'><System><Provider Name='Microsoft-Windows-TerminalServices-ClientActiveXCore' Guid='{28aa95bb-d444-4719-a36f-40462168127e}'/><EventID>1026</EventID><Version>0</Version><Level>4</Level><Task>101</Task><Opcode>11</Opcode><Keywords>0x4000000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:41:53.000000001Z'/><EventRecordID>8815</EventRecordID><Correlation ActivityID='{6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F}'/><Execution ProcessID='4312' ThreadID='7720'/><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>WKS-042.corp.example</Computer><Security UserID='S-1-5-21-1004336348-1177238915-682003330-1105'/></System><EventData><Data Name='Name'>Disconnect Reason</Data><Data Name='Value'>2308</Data><Data Name='CustomLevel'>Info</Data></EventData></Event>",
        "<Event xmlns='\(ns)'><System><Provider Name='TermDD'/><EventID Qualifiers='49162'>56</EventID><Version>0</Version><Level>2</Level><Task>2</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:41:52Z'/><EventRecordID>120331</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='9120'/><Channel>System</Channel><Computer>RDSH-01.corp.example</Computer><Security/></System><EventData><Data>\\Device\\Termdd</Data><Data>10.20.30.40</Data><Binary>00000400020030000000000038000AC0000000003800000A00000000000000000000000000000000</Binary></EventData></Event>",
        "<Event xmlns='\(ns)'><System><Provider Name='Microsoft-Windows-TerminalServices-LocalSessionManager' Guid='{5d896912-022d-40aa-a3a8-4fa5515c76d7}'/><EventID>21</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x1000000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:40:00.5Z'/><EventRecordID>77</EventRecordID><Correlation ActivityID='{F4204A5E-7A0F-0001-1E4C-20F40F7ADA01}'/><Execution ProcessID='1000' ThreadID='2000'/><Channel>Microsoft-Windows-TerminalServices-LocalSessionManager/Operational</Channel><Computer>RDSH-01.corp.example</Computer><Security UserID='S-1-5-18'/></System><UserData><EventXML xmlns:auto-ns2='http://schemas.microsoft.com/win/2004/08/events' xmlns='Event_NS'><User>CORP\\alice</User><SessionID>3</SessionID><Address>10.20.30.40</Address></EventXML></UserData></Event>",
        "<Event xmlns='\(ns)'><System><Provider Name='Schannel' Guid='{1f678132-5938-4686-9fdc-c8ff68f15c85}'/><EventID>36870</EventID><Version>0</Version><Level>2</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:41:52.967158000Z'/><EventRecordID>120330</EventRecordID><Correlation ActivityID='{0a7e3d1c-55f1-0002-2c3e-7e0af155da01}'/><Execution ProcessID='812' ThreadID='4420'/><Channel>System</Channel><Computer>RDSH-01.corp.example</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='Type'>server</Data><Data Name='ErrorCode'>0x8009030d</Data><Data Name='ErrorStatus'>10001</Data></EventData></Event>",
        "<Event xmlns='\(ns)'><System><Provider Name='Microsoft-Windows-TerminalServices-ClientActiveXCore' Guid='{28aa95bb-d444-4719-a36f-40462168127e}'/><EventID>1025</EventID><Version>0</Version><Level>4</Level><Task>101</Task><Opcode>10</Opcode><Keywords>0x4000000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:30:00Z'/><EventRecordID>8790</EventRecordID><Correlation/><Execution ProcessID='4312' ThreadID='7720'/><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>WKS-042.corp.example</Computer><Security/></System><EventData/></Event>",
    ].joined(separator: "\r\n") + "\r\n"

    /// Event Viewer "Save all events as… XML": declaration, `<Events>` root, no whitespace between
    /// elements, newest first, and a French `RenderingInfo` inside each event (Task before Opcode,
    /// as in the real file).
    static let eventViewer: String =
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n<Events>"
        + "<Event xmlns='\(ns)'><System><Provider Name='Service Control Manager' Guid='{555908d1-a6d7-4695-8e1e-26931d2012f4}' EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime='2026-06-12T19:39:10.3302158Z'/><EventRecordID>120310</EventRecordID><Correlation/><Execution ProcessID='640' ThreadID='6124'/><Channel>System</Channel><Computer>RDSH-01.corp.example</Computer><Security/></System><EventData><Data Name='param1'>Services Bureau à distance</Data><Data Name='param2'>arrêté</Data><Binary>5400650072006D0053006500720076006900630065002F0031000000</Binary></EventData><RenderingInfo Culture='fr-FR'><Message>Le service Services Bureau à distance est entré dans l’état : arrêté.</Message><Level>Information</Level><Task></Task><Opcode>Info</Opcode><Channel>Système</Channel><Provider>Microsoft-Windows-Service Control Manager</Provider><Keywords><Keyword>Classique</Keyword></Keywords></RenderingInfo></Event>"
        + "<Event xmlns='\(ns)'><System><Provider Name='Microsoft-Windows-Kernel-Power' Guid='{331c3b3a-2005-44c2-ac5e-77220c37d6b4}'/><EventID>42</EventID><Version>3</Version><Level>4</Level><Task>64</Task><Opcode>0</Opcode><Keywords>0x8000000000000404</Keywords><TimeCreated SystemTime='2026-06-12T19:20:00.0000000Z'/><EventRecordID>120290</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/><Channel>System</Channel><Computer>RDSH-01.corp.example</Computer><Security/></System><EventData Name='EVENT_POWER_SLEEP'><Data Name='TargetState'>4</Data><Data Name='EffectiveState'>4</Data><Data Name='Reason'>0</Data><Data Name='Flags'>0</Data><Data Name='TransitionsToOn'>1</Data></EventData><RenderingInfo Culture='fr-FR'><Message>Le système passe en veille.&#13;\n\nRaison de la mise en veille : Application API</Message><Level>Information</Level><Task>(64)</Task><Opcode>Informations</Opcode><Channel>Système</Channel><Provider>Microsoft-Windows-Kernel-Power</Provider><Keywords><Keyword>(1024)</Keyword><Keyword>(4)</Keyword></Keywords></RenderingInfo></Event>"
        + "</Events>"

    /// Event Viewer's XML view copied from an older viewer: pretty-printed, double quotes, `- ` markers.
    static let viewerCopy: String = """
        - <Event xmlns="\(ns)">
        - <System>
            <Provider Name="Microsoft-Windows-TerminalServices-RemoteConnectionManager" Guid="{c76baa63-ae81-421c-b425-340b4b24157f}" />
            <EventID>1149</EventID>
            <Version>0</Version>
            <Level>4</Level>
            <Task>0</Task>
            <Opcode>0</Opcode>
            <Keywords>0x1000000000000000</Keywords>
            <TimeCreated SystemTime="2026-06-12T19:41:50.2286921Z" />
            <EventRecordID>5511</EventRecordID>
            <Correlation ActivityID="{F420F0E9-7A0F-0001-3E2B-20F40F7ADA01}" />
            <Execution ProcessID="1116" ThreadID="4592" />
            <Channel>Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational</Channel>
            <Computer>RDSH-01.corp.example</Computer>
            <Security UserID="S-1-5-20" />
          </System>
        - <UserData>
        - <EventXML xmlns="Event_NS">
            <Param1>alice</Param1>
            <Param2>CORP</Param2>
            <Param3>10.20.30.40</Param3>
          </EventXML>
          </UserData>
          </Event>

        """
}
