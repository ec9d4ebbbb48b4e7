import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// The guards around writes: stale saved plans, removals, protected environments, confirmation.
@Suite("end to end: safety guards")
struct SafetyTests {
    @Test("a saved plan is refused as stale after a concurrent change")
    func stalePlan() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let plan = try await scenario.syncschema(
            "plan", "--env", "dev", "--app", "hr-employees", "--out", "dev.plan.json")
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(scenario.project.exists("dev.plan.json"))

        // Another writer changes live meanwhile: the same document with one more property.
        var concurrent = try await scenario.live("dev").objectValue ?? JSONObject()
        concurrent["version"] = nil
        concurrent["@odata.context"] = nil
        concurrent["concurrentWriter"] = true
        try await scenario.emulator.putSchema(.object(concurrent), tenant: "dev")
        let changed = try await scenario.live("dev")

        let apply = try await scenario.syncschema("apply", "dev.plan.json", "--auto-approve")
        #expect(apply.exitCode == 1, "\(apply)")
        #expect(apply.stderr.contains("dev.plan.json is stale"))
        #expect(apply.stderr.contains("(version v1.0 → v1.1)"))
        #expect(try await scenario.live("dev") == changed, "a stale plan must not write")
        #expect(scenario.snapshots("dev").isEmpty)
    }

    @Test("a fresh saved plan applies exactly what was planned")
    func freshPlan() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let plan = try await scenario.syncschema(
            "plan", "--env", "dev", "--app", "hr-employees", "--out", "dev.plan.json")
        #expect(plan.exitCode == 0, "\(plan)")
        // The schema file changes after planning; the saved plan, not the file, is applied.
        try scenario.editSchema(replacing: Scenario.jobTitleAfter, with: Scenario.jobTitleBefore)
        let apply = try await scenario.syncschema("apply", "dev.plan.json", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        #expect(apply.stdout.contains("Live now matches the plan."))
        let check = try await scenario.syncschema("plan", "--env", "dev")
        #expect(check.stdout.contains("source: ToUpper([title]) → [title]"))
    }

    @Test("a removal is refused without --allow-destructive and live is unchanged")
    func destructive() async throws {
        let scenario = try Scenario()
        try scenario.editSchema(replacing: Scenario.jobTitleBefore + "\n", with: "")
        let before = try await scenario.live("dev")
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 1, "\(apply)")
        #expect(apply.stdout.line(startingWith: "Plan:") == "Plan: 0 to add, 0 to change, 1 to remove.")
        #expect(
            apply.stderr
                == "error: dev/hr-employees: refusing to remove attribute mapping \"jobTitle\"; review the plan and re-run with --allow-destructive\n"
        )
        #expect(try await scenario.live("dev") == before)
        #expect(scenario.snapshots("dev").isEmpty)

        let allowed = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve", "--allow-destructive")
        #expect(allowed.exitCode == 0, "\(allowed)")
        #expect(try await scenario.live("dev") != before)
    }

    @Test("a protected environment needs --confirm-env with --auto-approve")
    func protectedEnvironment() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let before = try await scenario.live("prod")
        let refused = try await scenario.syncschema("apply", "--env", "prod", "--auto-approve")
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(
            refused.stderr
                == "error: prod/hr-employees: environment 'prod' is protected: --auto-approve also needs --confirm-env prod\n"
        )
        let wrongName = try await scenario.syncschema(
            "apply", "--env", "prod", "--auto-approve", "--confirm-env", "test")
        #expect(wrongName.exitCode == 1, "\(wrongName)")
        #expect(try await scenario.live("prod") == before)

        let confirmed = try await scenario.syncschema(
            "apply", "--env", "prod", "--auto-approve", "--confirm-env", "prod")
        #expect(confirmed.exitCode == 0, "\(confirmed)")
        #expect(confirmed.stdout.contains("Applied to prod/hr-employees: 0 added, 1 changed, 0 removed."))
    }

    @Test("without --auto-approve, standard input that is not a terminal is refused, even saying yes")
    func nonTerminalInput() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let before = try await scenario.live("dev")
        let apply = try await scenario.syncschema("apply", "--env", "dev", stdin: "yes\n")
        #expect(apply.exitCode == 1, "\(apply)")
        #expect(apply.stderr.contains("standard input is not a terminal, so pass --auto-approve"))
        #expect(try await scenario.live("dev") == before)
        #expect(scenario.snapshots("dev").isEmpty)
    }

    @Test("a read-only identity: whoami says so, plan works, apply fails naming the missing permission")
    func readOnlyIdentity() async throws {
        let scenario = try Scenario()
        let path = "environments/dev.json"
        try scenario.project.write(
            path, try scenario.project.read(path).replacingOccurrences(of: "syncschema-demo", with: "syncschema-reader")
        )
        let whoami = try await scenario.syncschema("whoami", "--env", "dev")
        #expect(whoami.exitCode == 0, "\(whoami)")
        #expect(whoami.stdout.contains("permissions  Synchronization.Read.All"), "\(whoami)")
        #expect(whoami.stdout.contains("read-only"), "\(whoami)")
        try scenario.changeJobTitle()
        let plan = try await scenario.syncschema("plan", "--env", "dev", "--detailed-exitcode")
        #expect(plan.exitCode == 2, "\(plan)")
        let before = try await scenario.live("dev")
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 1, "\(apply)")
        #expect(apply.stderr.contains("403"), "\(apply)")
        #expect(
            apply.stderr.contains("Synchronization.ReadWrite.All"), "the error names the missing permission\n\(apply)")
        #expect(apply.stderr.contains("live is unchanged. Fix the cause above"), "\(apply)")
        #expect(try await scenario.live("dev") == before)
    }
}
