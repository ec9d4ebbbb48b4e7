import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// `drift` exit codes, and secrets kept out of every output.
@Suite("end to end: drift and secrets")
struct DriftAndSecretTests {
    @Test("drift: 0 in sync, 2 when live differs")
    func driftExitCodes() async throws {
        let scenario = try Scenario()
        let clean = try await scenario.syncschema("drift", "--all")
        #expect(clean.exitCode == 0, "\(clean)")
        #expect(clean.stdout.hasSuffix("3 checked, 0 drifted.\n"))

        try scenario.changeJobTitle()
        let drifted = try await scenario.syncschema("drift", "--all")
        #expect(drifted.exitCode == 2, "\(drifted)")
        #expect(drifted.stdout.contains("drift    dev/hr-employees: Plan: 0 to add, 1 to change, 0 to remove."))
        #expect(drifted.stdout.hasSuffix("3 checked, 3 drifted.\n"))
    }

    @Test("drift: a wrong secret is a sign-in error (exit 1, one line, no secret), never drift")
    func driftWrongSecret() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let wrong = "Wr0ng~Secret-Value-1234"
        let drift = try await scenario.syncschema("drift", "--env", "dev", secret: wrong)
        #expect(drift.exitCode == 1, "\(drift)")
        #expect(drift.stderr.nonEmptyLines.count == 1, "\(drift.stderr)")
        #expect(drift.stderr.contains("AADSTS7000215"))
        #expect(!drift.stderr.contains(wrong) && !drift.stdout.contains(wrong))
        #expect(drift.stdout.contains("0 checked, 0 drifted, 1 could not be read."))
    }

    @Test("drift: a 5xx storm is a read error (exit 1), never drift")
    func driftServerErrorStorm() async throws {
        // Every request answered 503 with Retry-After 0, so the retries are immediate.
        let seed = try #require(
            FaultPlan.seed({ $0.serverErrorRate = 1 }, pattern: Array(repeating: .serverError(503), count: 12)))
        let scenario = try Scenario(emulatorArguments: [
            "--fault-5xx-rate", "1", "--retry-after", "0", "--fault-seed", "\(seed)",
        ])
        try scenario.changeJobTitle()
        let drift = try await scenario.syncschema("drift", "--env", "dev")
        #expect(drift.exitCode == 1, "\(drift)")
        #expect(drift.stderr.contains("503"), "\(drift.stderr)")
        #expect(drift.stdout.contains("1 could not be read"))
        let log = try await scenario.emulator.requests()
        #expect(log.count > 1, "the failing request must have been retried")
        #expect(log.allSatisfy { $0.fault == "503" })
    }

    @Test("--verbose traces requests but never the secret or a bearer token")
    func verboseRedaction() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        var outputs: [RunResult] = []
        outputs.append(try await scenario.syncschema("plan", "--env", "dev", "--verbose"))
        outputs.append(try await scenario.syncschema("apply", "--env", "dev", "--auto-approve", "--verbose"))
        outputs.append(try await scenario.syncschema("whoami", "--env", "dev", "--verbose"))
        // A token the emulator issues, to know what tokens look like.
        let sample = try await scenario.emulator.token(tenant: "dev")
        let tokenPrefix = String(sample.prefix(while: { $0 != "." })) + "."
        for run in outputs {
            #expect(run.exitCode == 0, "\(run)")
            let all = run.stdout + run.stderr
            #expect(all.contains("> GET "), "the trace must be there")
            #expect(all.contains("Authorization: [redacted]"))
            #expect(all.contains("client_secret=[redacted]"))
            #expect(!all.contains(Scenario.secret))
            #expect(!all.contains("Bearer "))
            #expect(!all.contains(tokenPrefix), "no access token may appear")
        }
    }

    @Test("a wrong secret gives one error line without the secret")
    func wrongSecret() async throws {
        let scenario = try Scenario()
        let wrong = "not-the-demo-secret-42"
        let plan = try await scenario.syncschema("plan", "--env", "dev", "--verbose", secret: wrong)
        #expect(plan.exitCode == 1, "\(plan)")
        let errors = plan.stderr.nonEmptyLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "\(plan.stderr)")
        #expect(errors.first?.contains("the client secret is wrong") == true)
        #expect(!(plan.stdout + plan.stderr).contains(wrong))
    }
}
