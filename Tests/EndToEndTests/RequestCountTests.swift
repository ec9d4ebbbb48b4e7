import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// What syncschema costs in Graph requests, read from the emulator's request log.
@Suite("end to end: request counts")
struct RequestCountTests {
    @Test("id locators: a plan is one token and one schema GET; an apply adds PUT and GET")
    func idLocators() async throws {
        let scenario = try Scenario()
        try await scenario.useIDLocators("dev")
        try scenario.changeJobTitle()
        try await scenario.emulator.clearRequests()

        let plan = try await scenario.syncschema("plan", "--env", "dev")
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(try await scenario.requestKinds() == ["POST token(dev)", "GET schema"])

        try await scenario.emulator.clearRequests()
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        #expect(try await scenario.requestKinds() == ["POST token(dev)", "GET schema", "PUT schema", "GET schema"])
    }

    @Test("display-name locators: a plan also looks up the service principal and its jobs")
    func nameLocators() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        try await scenario.emulator.clearRequests()

        let plan = try await scenario.syncschema("plan", "--env", "dev")
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(
            try await scenario.requestKinds() == ["POST token(dev)", "GET servicePrincipals", "GET jobs", "GET schema"])

        try await scenario.emulator.clearRequests()
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        #expect(
            try await scenario.requestKinds() == [
                "POST token(dev)", "GET servicePrincipals", "GET jobs", "GET schema", "PUT schema", "GET schema",
            ])
    }

    @Test("several environments: one token request per tenant")
    func oneTokenPerTenant() async throws {
        let scenario = try Scenario()
        for environment in ["dev", "test", "prod"] { try await scenario.useIDLocators(environment) }
        try await scenario.emulator.clearRequests()
        let plan = try await scenario.syncschema("plan", "--all")
        #expect(plan.exitCode == 0, "\(plan)")
        let kinds = try await scenario.requestKinds()
        #expect(
            kinds.filter { $0.hasPrefix("POST token") }.sorted() == [
                "POST token(dev)", "POST token(prod)", "POST token(test)",
            ])
        #expect(kinds.filter { $0 == "GET schema" }.count == 3)
        #expect(kinds.count == 6)
    }

    @Test("apply --auto-approve over several environments: each writes and verifies its own job, reports in order")
    func applySeveralEnvironments() async throws {
        let scenario = try Scenario()
        for environment in ["dev", "test"] { try await scenario.useIDLocators(environment) }
        try scenario.changeJobTitle()
        try await scenario.emulator.clearRequests()
        let apply = try await scenario.syncschema("apply", "--env", "dev,test", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        let kinds = try await scenario.requestKinds()
        #expect(kinds.filter { $0.hasPrefix("POST token") }.sorted() == ["POST token(dev)", "POST token(test)"])
        #expect(kinds.filter { $0 == "PUT schema" }.count == 2)
        #expect(kinds.filter { $0 == "GET schema" }.count == 4)
        let devReport = try #require(apply.stdout.range(of: "Applied to dev/hr-employees"))
        let testReport = try #require(apply.stdout.range(of: "Applied to test/hr-employees"))
        #expect(devReport.lowerBound < testReport.lowerBound, "reports print in target order")
        #expect(scenario.snapshots("dev").count == 1 && scenario.snapshots("test").count == 1)
        let plan = try await scenario.syncschema("plan", "--env", "dev,test", "--detailed-exitcode")
        #expect(plan.exitCode == 0, "\(plan)")
    }

    @Test("--compile-online: each changed expression is compiled once by the job's parseExpression")
    func compileOnline() async throws {
        let scenario = try Scenario()
        try await scenario.useIDLocators("dev")
        try scenario.changeJobTitle()
        let local = try await scenario.syncschema("plan", "--env", "dev", "--format", "json")
        try await scenario.emulator.clearRequests()
        let online = try await scenario.syncschema("plan", "--env", "dev", "--format", "json", "--compile-online")
        #expect(online.exitCode == 0, "\(online)")
        #expect(online.stdout == local.stdout, "the service compiles what the local engine compiles")
        let kinds = try await scenario.requestKinds()
        #expect(kinds.filter { $0.hasSuffix("/parseExpression") }.count == 1, "\(kinds)")
        #expect(kinds.filter { $0 == "GET schema" }.count == 1)

        try await scenario.emulator.clearRequests()
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve", "--compile-online")
        #expect(apply.exitCode == 0, "\(apply)")
        try await scenario.emulator.clearRequests()
        let clean = try await scenario.syncschema("plan", "--env", "dev", "--compile-online")
        #expect(clean.stdout.contains("No changes."), "\(clean)")
        #expect(
            try await scenario.requestKinds().allSatisfy { !$0.hasSuffix("/parseExpression") }, "nothing to compile")
    }
}
