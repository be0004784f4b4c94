import Foundation
import Testing
import Tickets

/// The repository root.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs a program and returns its standard output, or nil when it cannot be run or fails.
func output(of program: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

/// A path from the environment, when it names an existing file; otherwise the reason the tests
/// that need it are skipped is printed once.
func artifact(_ variable: String, _ what: String) -> String? {
    guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else {
        print("\(variable) is not set: the \(what) tests are skipped (.ci/run builds it and sets \(variable))")
        return nil
    }
    guard FileManager.default.fileExists(atPath: path) else {
        print("\(variable)=\(path) does not exist: the \(what) tests are skipped")
        return nil
    }
    return path
}

/// The release binary (`--static-swift-stdlib`), as `.ci/run` builds it once: a release build is
/// too slow for every test run.
let releaseBinary = artifact("RDPCAUSE_RELEASE_BINARY", "release-binary")

/// The Debian package `scripts/build-deb.sh` built.
let debianPackage = artifact("RDPCAUSE_DEB", "Debian package")

/// The shared libraries a released rdpcause may name as NEEDED: the C library family and dynamic
/// loader, the GCC runtime, the event importer's libraries (expat, zstd, zlib for zip, libarchive for
/// the archive layer, liblzma for the 7-Zip header check), and libcurl, which Foundation's URLSession
/// (FoundationNetworking, used for ticket delivery over HTTPS) is built on and cannot be linked statically.
let allowedLibraries: [String] = [
    "libc.so.", "libm.so.", "libpthread.so.", "libdl.so.", "librt.so.", "libutil.so.", "ld-linux", "linux-vdso.so.",
    "libgcc_s.so.", "libstdc++.so.", "libexpat.so.", "libzstd.so.", "libz.so.", "libarchive.so.", "liblzma.so.",
    "libcurl.so.",
]

/// Names of the toolchain's runtime libraries, none of which a released binary may load. (The
/// system's own ICU may appear: libarchive loads it through libxml2; the toolchain's ICU is
/// `lib_FoundationICU`, and any library named after Swift is refused below.)
let toolchainLibraries = ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime", "libXCTest", "libTesting"]

@Suite(.enabled(if: releaseBinary != nil, "RDPCAUSE_RELEASE_BINARY names no release binary"))
struct ReleaseBinaryTests {
    @Test func lddResolvesEveryLibraryFromTheSystemAndNothingFromTheToolchain() throws {
        let binary = try #require(releaseBinary)
        let listing = try #require(output(of: "ldd", [binary]), "ldd \(binary) failed")
        let lines = listing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count > 3)
        for line in lines {
            #expect(!line.contains("not found"), "\(line)")
            #expect(!toolchainLibraries.contains { line.contains($0) } && !line.lowercased().contains("swift"), "\(line)")
            // `name => /path (address)`, or the loader and vDSO without an arrow.
            let parts = line.components(separatedBy: " => ")
            if parts.count == 2 {
                let path = parts[1].split(separator: " ").first.map(String.init) ?? ""
                #expect(path.hasPrefix("/lib/") || path.hasPrefix("/usr/lib/") || path.hasPrefix("/lib64/"), "not a system library: \(line)")
            } else {
                #expect(line.hasPrefix("linux-vdso.so.") || line.contains("/ld-linux"), "\(line)")
            }
        }
    }

    @Test func theBinaryNamesOnlyAllowedLibrariesAsNeeded() throws {
        let binary = try #require(releaseBinary)
        let dynamic = try #require(output(of: "readelf", ["--dynamic", binary]), "readelf --dynamic \(binary) failed")
        func values(_ tag: String) -> [String] {
            dynamic.split(separator: "\n").filter { $0.contains("(\(tag))") }.compactMap { line -> String? in
                guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
                return String(line[line.index(after: open)..<close])
            }
        }
        let needed = values("NEEDED")
        #expect(needed.contains { $0.hasPrefix("libexpat.so.") } && needed.contains { $0.hasPrefix("libzstd.so.") })
        for library in needed { #expect(allowedLibraries.contains { library.hasPrefix($0) }, "\(library)") }
        // SwiftPM sets $ORIGIN; nothing may point into the toolchain.
        for path in values("RUNPATH") + values("RPATH") {
            #expect(path.split(separator: ":").allSatisfy { $0 == "$ORIGIN" }, "run path \(path)")
        }
    }

    @Test func theBinaryRunsWithoutTheToolchainOnItsPath() throws {
        let binary = try #require(releaseBinary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--version"]
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C"]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("rdpcause "))
    }
}

@Suite(.enabled(if: debianPackage != nil, "RDPCAUSE_DEB names no package"))
struct DebianPackageTests {
    @Test func thePackageHoldsWhatTheIssueLists() throws {
        let package = try #require(debianPackage)
        let contents = try #require(output(of: "dpkg-deb", ["--contents", package]))
        for path in [
            "./usr/bin/rdpcause", "./usr/share/man/man1/rdpcause.1.gz", "./usr/share/bash-completion/completions/rdpcause",
            "./usr/share/zsh/vendor-completions/_rdpcause", "./usr/share/fish/vendor_completions.d/rdpcause.fish",
            "./lib/systemd/system/rdpcause-watch.service", "./etc/rdpcause/rdpcause.yaml", "./etc/rdpcause/rdpcause.env",
        ] {
            #expect(contents.contains(" \(path)\n"), "\(path) is missing")
        }
        #expect(contents.contains("-rw------- root/root") && contents.contains("./etc/rdpcause/rdpcause.env"))
        let depends = try #require(output(of: "dpkg-deb", ["--field", package, "Depends"]))
        for runtime in ["libc6", "libexpat1", "libzstd1"] { #expect(depends.contains(runtime), "\(depends)") }
        #expect(!depends.contains("-dev") && !depends.lowercased().contains("swift"), "\(depends)")
        let conffiles = try #require(output(of: "dpkg-deb", ["--info", package, "conffiles"]))
        #expect(conffiles.split(separator: "\n") == ["/etc/rdpcause/rdpcause.yaml", "/etc/rdpcause/rdpcause.env"])
    }
}

/// The service unit and the example configuration in packaging/.
struct PackagingFilesTests {
    /// `Key=value` lines of the unit's [Service] section.
    func serviceSettings() throws -> [(key: String, value: String)] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("packaging/rdpcause-watch.service"), encoding: .utf8)
        var section = ""
        var settings: [(String, String)] = []
        for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = line }
            guard section == "[Service]", let equals = line.firstIndex(of: "=") else { continue }
            settings.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return settings
    }

    @Test func theServiceIsHardenedAndWritesOnlyWhereItWatches() throws {
        let settings = try serviceSettings()
        func value(_ key: String) -> String? { settings.last { $0.key == key }?.value }
        #expect(value("User") == "rdpcause" && value("Group") == "rdpcause")
        #expect(value("ProtectSystem") == "strict")
        #expect(value("NoNewPrivileges") == "yes")
        #expect(value("Restart") == "on-failure")
        #expect(value("EnvironmentFile") == "-/etc/rdpcause/rdpcause.env")
        let command = try #require(value("ExecStart")).split(separator: " ").map(String.init)
        #expect(command.prefix(2) == ["/usr/bin/rdpcause", "watch"])
        let drop = command.count > 2 ? command[2] : ""
        let output = try #require(command.firstIndex(of: "--output").map { command[$0 + 1] })
        let writable = (value("ReadWritePaths") ?? "").split(separator: " ").map(String.init)
        #expect(Set(writable) == [drop, output], "the service writes to the drop and output folders, and only there")
        #expect(command.contains("--config") && command.contains("/etc/rdpcause/rdpcause.yaml"))
    }

    @Test func theExampleConfigurationIsValidAndDocumentsEveryKey() throws {
        let path = repositoryRoot.appendingPathComponent("packaging/rdpcause.yaml").path
        // As shipped it configures no system: findings are written, nothing is posted.
        #expect(try TicketingConfiguration.load(file: path, environment: [:]) == nil)
        let configured = try #require(
            try TicketingConfiguration.load(file: path, environment: ["RDPCAUSE_RT_URL": "https://rt.example", "RDPCAUSE_RT_TOKEN": "t"]))
        #expect(configured.system == "rt" && configured.timeout == 30 && configured.retry.maxAttempts == 4)
        #expect(configured.serviceNowTable == "incident")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        // Every key TicketingConfiguration reads from the file is there (set or commented out), after a comment.
        for key in ["system", "url", "token", "user", "password", "ticketPatterns", "servicenowTable", "timeout", "retries"] {
            let index = try #require(lines.firstIndex { $0.hasPrefix(key + ":") || $0.hasPrefix("#" + key + ":") }, "\(key) is not documented")
            let above = lines[..<index].last { !$0.hasPrefix("#\(key)") && !$0.hasPrefix("#user:") }
            #expect(above?.hasPrefix("# ") == true, "\(key) has no explanation above it")
        }
    }
}
