import Diagnosis
import DiagnosisTestSupport
import Foundation
import Testing

/// Confidence that means something (issue 15, section 4): over the SampleLogs cases and the
/// generated scenarios, the `likely` verdicts are right at least as often as their mean
/// confidence says. The table is the reliability diagram written in the README.
@Suite("Calibration of likely verdicts")
struct CalibrationTests {
    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func likelyVerdictsAreRightAtLeastAsOftenAsTheirConfidenceSays() throws {
        let cases = CaseCatalog.sampleLogs() + (try CaseCatalog.scenarios())
        let results = CaseRunner(pack: rulePack).analyze(cases.map(\.path))
        try #require(results.count == cases.count)
        var calibration = Calibration()
        for (study, result) in zip(cases, results) {
            calibration.add(result.diagnosis, expected: study.expected, name: study.id)
        }
        print("calibration over \(cases.count) cases:\n\(calibration.table)")
        #expect(calibration.verdicts.count >= 30, "too few likely verdicts to measure")
        #expect(
            calibration.fractionRight >= calibration.meanConfidence,
            "likely verdicts are right \(calibration.fractionRight) of the time, below their mean confidence \(calibration.meanConfidence): \(calibration.verdicts.filter { !$0.right }.map(\.name))"
        )
    }
}
