import Foundation
import EventImport

/// The script a Windows administrator runs on the client and on the host (and on the RD Gateway,
/// when the connection goes through one) to collect, as XML, the event logs the rule pack reads,
/// around the failure, zipped under the ticket's name.
///
/// The script finds its role from `COMPUTERNAME` (the client's, the host's or the gateway's name
/// from the request); on any other machine, or when the names are unknown, it collects the
/// client's and the host's logs (`both`): a gateway's log is collected only where it is asked for,
/// by its name or by the role, as its channel exists only on an RD Gateway. Each
/// log is exported with `wevtutil qe <channel> /q:<XPath> /f:xml /e:Events /uni:true`; a log
/// that cannot be exported (absent on this Windows version, no permission) is reported and the
/// others are still collected. Every line is fixed at generation time except the machine's name.
public struct CollectScript: Sendable {
    /// The script language.
    public enum Shell: Sendable {
        /// Windows PowerShell 5.1 or PowerShell 7.
        case powerShell
        /// A `cmd.exe` batch file.
        case cmd
    }

    /// The logs.
    public var plan: CollectionPlan
    /// The failure and the ticket.
    public var request: CollectionRequest
    /// Who generated it, for the header, e.g. `rdpcause 0.1.0+51a1803abcde, rules a9fca7eec2b6`.
    public var generator: String

    /// Creates a script.
    public init(plan: CollectionPlan, request: CollectionRequest, generator: String) {
        self.plan = plan
        self.request = request
        self.generator = generator
    }

    /// The script text, with Windows line endings.
    public func render(_ shell: Shell) -> String {
        let lines: [String]
        switch shell {
        case .powerShell: lines = powerShellLines
        case .cmd: lines = cmdLines
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The logs per role: the client's, the host's, the gateway's (when the pack reads any), and
    /// the client's and the host's merged (each channel once, with the wider reach).
    var roles: [(name: String, logs: [CollectionPlan.Log])] {
        var merged: [String: CollectionPlan.Log] = [:]
        for log in plan.client + plan.host {
            guard var existing = merged[log.channel] else {
                merged[log.channel] = log
                continue
            }
            existing.secondsBefore = max(existing.secondsBefore, log.secondsBefore)
            existing.secondsAfter = max(existing.secondsAfter, log.secondsAfter)
            existing.causes = Array(Set(existing.causes + log.causes)).sorted()
            merged[log.channel] = existing
        }
        let gateway = plan.gateway.isEmpty ? [] : [(name: "gateway", logs: plan.gateway)]
        return [("client", plan.client), ("host", plan.host)] + gateway + [("both", merged.values.sorted { $0.channel < $1.channel })]
    }

    /// The role names, as the usage lines show them (`client|host|gateway|both`).
    private var roleNames: [String] { roles.map(\.name) }

    /// The machines the script runs on, for the usage lines.
    private var machinesText: String {
        plan.gateway.isEmpty ? "on the client and on the host" : "on the client and on the host (and on the RD Gateway, if the connection goes through one)"
    }

    /// Each role whose machine the request names, with the `COMPUTERNAME` that picks it.
    private var namedRoles: [(role: String, computerName: String)] {
        var named: [(String, String)] = []
        if let client = CollectionRequest.computerName(request.client) { named.append(("client", client)) }
        if let host = CollectionRequest.computerName(request.host) { named.append(("host", host)) }
        if !plan.gateway.isEmpty, let gateway = CollectionRequest.computerName(request.gateway) { named.append(("gateway", gateway)) }
        return named
    }

    /// The header's description of the failure.
    private var failureLines: [String] {
        var lines: [String] = []
        if let time = request.time {
            lines.append("Failure: \(time.iso8601(fractionDigits: 0)) (UTC); each log is exported from an hour or more before it to an hour or more after it.")
        } else {
            lines.append("Failure time not given: each log is exported for the last 24 hours (and further back where a cause looks further).")
        }
        lines.append("Client: \(request.client ?? "not given"). Host: \(request.host ?? "not given").\(request.gateway.map { " RD Gateway: \($0)." } ?? "")")
        return lines
    }

    private func commands(for log: CollectionPlan.Log) -> WevtutilCommand {
        WevtutilCommand(log: log, time: request.time)
    }

    // MARK: - PowerShell

    private var powerShellLines: [String] {
        let ticket = request.baseName
        var lines = [
            "# rdpcause log collection\(request.ticket.map { " for ticket \($0)" } ?? "")",
            "# Generated by \(generator).",
        ]
        lines += failureLines.map { "# " + $0 }
        lines += [
            "#",
            "# Run it in an elevated Windows PowerShell (5.1 or later) \(machinesText):",
            "#   powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\\rdpcause-collect.ps1 [-Role \(roleNames.joined(separator: "|"))]",
            "# It exports the event logs rdpcause reads as XML (wevtutil qe ... /f:xml) into \(ticket)-<COMPUTERNAME>.zip",
            "# next to the script. Put the zips of all the machines in one folder: rdpcause reads that folder as one case.",
            "# The wevtutil epl line under each log saves the same events as .evtx, for when rdpcause reads .evtx.",
            "param(",
            "    [ValidateSet(\((["auto"] + roleNames).map { "'\($0)'" }.joined(separator: ", ")))]",
            "    [string]$Role = 'auto'",
            ")",
            "$ErrorActionPreference = 'Stop'",
            "if ($Role -eq 'auto') {",
            "    $Role = 'both'",
        ]
        for (role, computerName) in namedRoles {
            lines.append("    if ($env:COMPUTERNAME -ieq '\(computerName)') { $Role = '\(role)' }")
        }
        lines += [
            "}",
            "$Base = if ($PSScriptRoot) { $PSScriptRoot } else { (Get-Location).Path }",
            "$Name = '\(ticket)-' + $env:COMPUTERNAME",
            "$Folder = Join-Path $env:TEMP $Name",
            "$ErrorFile = Join-Path $env:TEMP ($Name + '-wevtutil.txt')",
            "$Failed = 0",
            "Remove-Item -Recurse -Force -LiteralPath $Folder -ErrorAction SilentlyContinue",
            "New-Item -ItemType Directory -Path $Folder | Out-Null",
            "",
            "# Runs wevtutil with its output going straight to the file (no re-encoding by PowerShell).",
            "function Export-EventLog([string]$Channel, [string]$File, [string]$Arguments) {",
            "    $Path = Join-Path $Folder $File",
            "    $Process = Start-Process -FilePath 'wevtutil.exe' -ArgumentList $Arguments -RedirectStandardOutput $Path `",
            "        -RedirectStandardError $ErrorFile -NoNewWindow -Wait -PassThru",
            "    if ($Process.ExitCode -eq 0) {",
            "        Write-Host \"exported $Channel\"",
            "    } else {",
            "        Write-Warning \"$Channel was not exported (wevtutil exit code $($Process.ExitCode)): $(Get-Content -Raw $ErrorFile)\"",
            "        Remove-Item -Force -LiteralPath $Path -ErrorAction SilentlyContinue",
            "        $script:Failed++",
            "    }",
            "}",
        ]
        for role in roles {
            lines += ["", "if ($Role -eq '\(role.name)') {"]
            for log in role.logs {
                let command = commands(for: log)
                lines += [
                    "    # \(log.channel): read by \(Self.commentText(log.causes))",
                    "    Export-EventLog '\(log.channel)' '\(command.xmlFile)' '\(Self.powerShellQuoted(command.queryArguments))'",
                    "    # .evtx: wevtutil.exe \(command.exportArguments(to: command.evtxFile))",
                ]
            }
            lines.append("}")
        }
        lines += [
            "",
            "$Zip = Join-Path $Base ($Name + '.zip')",
            "Compress-Archive -Path $Folder -DestinationPath $Zip -Force",
            "Remove-Item -Recurse -Force -LiteralPath $Folder",
            "Remove-Item -Force -LiteralPath $ErrorFile -ErrorAction SilentlyContinue",
            "Write-Host \"Attach $Zip to the ticket ($Failed log(s) could not be exported).\"",
        ]
        return lines
    }

    /// Cause ids for a comment line: characters a script could read as code (a line break, `%`,
    /// quotes) come from a rule file, so anything but letters, digits, `.`, `_` and `-` becomes `_`.
    static func commentText(_ causes: [String]) -> String {
        causes.map { cause in
            String(cause.unicodeScalars.map { scalar -> Character in
                let safe = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
                return safe ? Character(scalar) : "_"
            })
        }.joined(separator: ", ")
    }

    /// Text for a PowerShell single-quoted string (a quote is doubled).
    static func powerShellQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "''")
    }

    // MARK: - cmd.exe

    private var cmdLines: [String] {
        let ticket = request.baseName
        var lines = [
            "@echo off",
            "rem rdpcause log collection\(request.ticket.map { " for ticket \($0)" } ?? "")",
            "rem Generated by \(generator).",
        ]
        lines += failureLines.map { "rem " + $0 }
        lines += [
            "rem",
            "rem Run it in an elevated Command Prompt \(machinesText):",
            "rem   rdpcause-collect.cmd [\(roleNames.joined(separator: "|"))]",
            "rem It exports the event logs rdpcause reads as XML (wevtutil qe ... /f:xml) into \(ticket)-COMPUTERNAME.zip",
            "rem next to the script. Put the zips of all the machines in one folder: rdpcause reads that folder as one case.",
            "rem The wevtutil epl line under each log saves the same events as .evtx, for when rdpcause reads .evtx.",
            "setlocal EnableExtensions DisableDelayedExpansion",
            "set \"ROLE=%~1\"",
            "if not defined ROLE set \"ROLE=both\"",
        ]
        for (role, computerName) in namedRoles {
            lines.append("if \"%~1\"==\"\" if /i \"%COMPUTERNAME%\"==\"\(computerName)\" set \"ROLE=\(role)\"")
        }
        lines += [
            "set \"NAME=\(ticket)-%COMPUTERNAME%\"",
            "set \"OUT=%TEMP%\\%NAME%\"",
            "set \"ZIP=%~dp0%NAME%.zip\"",
            "set FAILED=0",
            "if exist \"%OUT%\" rd /s /q \"%OUT%\"",
            "mkdir \"%OUT%\"",
        ]
        lines += roleNames.map { "if /i \"%ROLE%\"==\"\($0)\" goto \($0)" }
        lines += [
            "echo Unknown role %ROLE%: use \(roleNames.dropLast().joined(separator: ", ")) or \(roleNames.last ?? "both"). 1>&2",
            "exit /b 64",
        ]
        for role in roles {
            lines += ["", ":\(role.name)"]
            for log in role.logs {
                let command = commands(for: log)
                lines += [
                    "rem \(log.channel): read by \(Self.commentText(log.causes))",
                    "wevtutil.exe \(command.queryArguments) > \"%OUT%\\\(command.xmlFile)\"",
                    "if errorlevel 1 call :failed \"\(log.channel)\" \"\(command.xmlFile)\"",
                    "rem .evtx: wevtutil.exe \(command.exportArguments(to: command.evtxFile))",
                ]
            }
            lines.append("goto zip")
        }
        lines += [
            "",
            ":zip",
            "rem The zip holds one folder named like it (no ./ entries, which readers skip as hidden).",
            "pushd \"%TEMP%\"",
            "tar.exe -a -c -f \"%ZIP%\" \"%NAME%\"",
            "if errorlevel 1 powershell.exe -NoProfile -Command \"Compress-Archive -Path $env:OUT -DestinationPath $env:ZIP -Force\"",
            "popd",
            "rd /s /q \"%OUT%\"",
            "echo Attach %ZIP% to the ticket (%FAILED% log(s) could not be exported).",
            "exit /b 0",
            "",
            ":failed",
            "echo %~1 was not exported. 1>&2",
            "del \"%OUT%\\%~2\" 2>nul",
            "set /a FAILED+=1",
            "exit /b 0",
        ]
        return lines
    }
}
