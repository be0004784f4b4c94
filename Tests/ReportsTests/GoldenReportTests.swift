import Diagnosis
import Foundation
import Reports
import Testing

/// The golden cases: a cause found with clock skew, a cause found whose evidence spans an hour,
/// the inconclusive case (host logs missing) and the healthy one.
let goldenCases = ["private-key-inaccessible", "host-asleep", "inconclusive", "healthy"]

/// Every SampleLogs case, folders and archives.
let allCases = [
    "network-path", "rdp-service-down", "host-asleep", "certificate-expired.zip", "private-key-inaccessible",
    "tls-mismatch.zip", "nla-credssp", "logon-rights", "profile-corrupt.tar.zst", "client-side", "healthy",
    "inconclusive", "distractor.tar.zst",
]

/// Each case diagnosed once, with paths relative to the repository root.
let sampleDiagnoses: [String: Diagnosis] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0, diagnose(case: "SampleLogs/\($0)")) })

@Suite("Golden files (RDPCAUSE_RECORD_GOLDEN=1 rewrites them)")
struct GoldenReportTests {
    @Test(arguments: goldenCases)
    func markdownMatchesGoldenFile(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        expectGolden(MarkdownReport.render(diagnosis, caseName: "SampleLogs/\(name)"), named: "\(name).md")
    }

    @Test(arguments: goldenCases)
    func htmlMatchesGoldenFile(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        expectGolden(HTMLReport.render(diagnosis, caseName: "SampleLogs/\(name)"), named: "\(name).html")
    }

    @Test(arguments: goldenCases)
    func textMatchesGoldenFile(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        expectGolden(TextReport.render(diagnosis, caseName: "SampleLogs/\(name)"), named: "\(name).txt")
    }

    @Test(arguments: goldenCases)
    func jsonMatchesGoldenFile(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        expectGolden(DiagnosisJSON.document(diagnosis), named: "\(name).json")
    }

    @Test func goldenCasesCoverEachVerdictAndSkew() throws {
        #expect(sampleDiagnoses["private-key-inaccessible"]?.verdict == .causeFound)
        let skew = try #require(sampleDiagnoses["private-key-inaccessible"]?.failures.first?.clockSkewSeconds)
        #expect(abs(skew - 47) < 1)
        #expect(sampleDiagnoses["inconclusive"]?.verdict == .inconclusive)
        #expect(sampleDiagnoses["healthy"]?.verdict == .noFailureFound)
    }

    @Test func renderingIsDeterministicAndMachineIndependent() throws {
        let diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        let markdown = MarkdownReport.render(diagnosis, caseName: "SampleLogs/private-key-inaccessible")
        let html = HTMLReport.render(diagnosis, caseName: "SampleLogs/private-key-inaccessible")
        #expect(markdown == MarkdownReport.render(diagnosis, caseName: "SampleLogs/private-key-inaccessible"))
        #expect(html == HTMLReport.render(diagnosis, caseName: "SampleLogs/private-key-inaccessible"))
        let root = repositoryRoot.standardizedFileURL.path
        #expect(!markdown.contains(root))
        #expect(!html.contains(root))
        #expect(markdown.contains("SampleLogs/private-key-inaccessible/WKS-058_logs/"))
    }
}

@Suite("Every SampleLogs case")
struct SampleCaseReportTests {
    @Test(arguments: allCases)
    func htmlIsWellFormedAndSelfContained(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        let html = HTMLReport.render(diagnosis, caseName: "SampleLogs/\(name)")
        let (tags, problems) = scanHTML(html)
        #expect(problems.isEmpty, "\(problems)")
        let names = Set(tags.map(\.name))
        #expect(names.isDisjoint(with: ["script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignobject"]))
        for tag in tags {
            for attribute in tag.attributes {
                #expect(!attribute.name.hasPrefix("on"), "\(tag.name) \(attribute.name)")
                if attribute.name == "href" { #expect(attribute.value.hasPrefix("https://"), "\(attribute.value)") }
                #expect(attribute.name != "src" && attribute.name != "style" && attribute.name != "xlink:href")
            }
        }
        #expect(!html.contains("url("), "no CSS url() loads")
        #expect(!html.contains("@import"))
        let svgCount = tags.filter { $0.name == "svg" && !$0.isClosing }.count
        #expect(svgCount == diagnosis.failures.count, "one timeline per failure")
    }

    @Test(arguments: allCases)
    func markdownTablesAndBlocksAreIntact(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        let markdown = MarkdownReport.render(diagnosis, caseName: "SampleLogs/\(name)")
        #expect(markdownInjectionProblems(markdown).isEmpty, "\(markdownInjectionProblems(markdown))")
        let rows = markdownSkeleton(markdown).filter { $0.hasPrefix("row") }
        #expect(rows.allSatisfy { $0 == "row 9" }, "\(rows)")
        #expect(markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)
        for failure in diagnosis.failures {
            for cause in failure.causes where cause.status == .ruledOut || cause.status == .notAssessable {
                #expect(markdown.contains("- \(cause.id) ("), "ruled-out cause \(cause.id) listed one line")
            }
        }
    }
}
