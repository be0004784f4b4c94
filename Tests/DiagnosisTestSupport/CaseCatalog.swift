public import Foundation

/// The cases the diagnosis is measured on: the SampleLogs cases of the repository and the
/// scenarios `scripts/make-scenarios.py` generates (at test time, into a scratch folder; generated
/// data is never committed).
public enum CaseCatalog {
    /// The seed of the generated scenarios (`$RDPCAUSE_SCENARIO_SEED` overrides it).
    public static let seed: String = ProcessInfo.processInfo.environment["RDPCAUSE_SCENARIO_SEED"] ?? "2026"

    /// This test process's scratch folder; folders left by earlier processes that have ended are removed.
    public static let scratch: URL = {
        let base = FileManager.default.temporaryDirectory
        let prefix = "rdpcause-scenarios-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            if let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
        let folder = base.appendingPathComponent(prefix + String(getpid()))
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// The generated scenarios, generated once per test process.
    public static func scenarios() throws(ScriptFailure) -> [StudyCase] {
        try generated.get()
    }

    private static let generated: Result<[StudyCase], ScriptFailure> = {
        let out = scratch.appendingPathComponent("scenarios")
        do throws(ScriptFailure) {
            _ = try PythonScript("make-scenarios.py").run(["--out", out.path, "--seed", seed])
        } catch {
            return .failure(error)
        }
        struct Index: Decodable {
            struct Entry: Decodable { var id: String }
            var cases: [Entry]
        }
        do {
            let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: out.appendingPathComponent("INDEX.json")))
            return .success(
                try index.cases.map { entry in
                    let folder = out.appendingPathComponent(entry.id)
                    let key = folder.appendingPathComponent("expected.json")
                    return StudyCase(id: entry.id, path: folder.path, expectedPath: key.path, expected: try ExpectedAnswer.load(key))
                })
        } catch {
            return .failure(ScriptFailure(command: "make-scenarios.py", status: 0, stderr: "unreadable output: \(error)"))
        }
    }()

    /// The SampleLogs cases: folders with `expected.json`, and archives with a sibling `<name>.expected.json`.
    public static func sampleLogs() -> [StudyCase] {
        let folder = SharedCorpus.repository.appendingPathComponent("SampleLogs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var cases: [StudyCase] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            var key = url.appendingPathComponent("expected.json")
            var path = url.path
            var id = name
            if !FileManager.default.fileExists(atPath: key.path) {
                guard name.hasSuffix(".expected.json") else { continue }
                id = String(name.dropLast(".expected.json".count))
                guard let archive = names.first(where: { $0.hasPrefix(id + ".") && !$0.hasSuffix(".json") }) else { continue }
                key = url
                path = folder.appendingPathComponent(archive).path
            }
            guard let expected = try? ExpectedAnswer.load(key) else { continue }
            cases.append(StudyCase(id: "sample:" + id, path: path, expectedPath: key.path, expected: expected))
        }
        return cases
    }
}
