import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// The everyday workflow, driving the real binaries: pull, plan, apply, promote, restore.
@Suite("end to end: workflow")
struct WorkflowTests {
    @Test("pull dev, then plan test: no changes, though ids and extension app ids differ")
    func pullThenPlanOtherTenant() async throws {
        let scenario = try Scenario()
        try scenario.project.write(Scenario.schemaPath, "")
        let pull = try await scenario.syncschema("pull", "--env", "dev")
        #expect(pull.exitCode == 0, "\(pull)")
        #expect(pull.stdout == "wrote schemas/hr-employees.json from dev/hr-employees\n")
        let file = try scenario.project.read(Scenario.schemaPath)
        // The committed file also points editors at the JSON Schema; the emptied one had no `$schema` to keep.
        let committed = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent(Scenario.schemaPath), encoding: .utf8)
        #expect(
            file
                == committed.replacingOccurrences(
                    of: "  \"$schema\": \"../docs/schemas/schema-file.schema.json\",\n", with: ""))
        #expect(committed.contains("$schema"))
        #expect(file.contains(#""extension_${extensionAppId}_badgeId""#))
        #expect(!file.contains("93c108b5"), "dev's extension app id must be templatized")
        // The tenants really differ where the file has placeholders.
        let tenants = try await scenario.emulator.tenants()["value"]?.arrayValue ?? []
        let extensionIDs = Set(tenants.compactMap { $0["extensionAppId"]?.stringValue })
        #expect(extensionIDs.count == 3)
        let dev = try await scenario.live("dev"), test = try await scenario.live("test")
        #expect(dev["id"] != test["id"])
        #expect(dev["directories"]?.arrayValue?.first?["id"] != test["directories"]?.arrayValue?.first?["id"])

        let plan = try await scenario.syncschema("plan", "--env", "test", "--detailed-exitcode")
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.contains("No changes."))
        #expect(plan.stderr.isEmpty)
    }

    @Test("a one-line change plans as exactly that change, applies, and plans clean after; the snapshot is live before")
    func oneLineChange() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let plan = try await scenario.syncschema("plan", "--env", "dev", "--detailed-exitcode")
        #expect(plan.exitCode == 2, "\(plan)")
        #expect(plan.stdout.line(startingWith: "Plan:") == "Plan: 0 to add, 1 to change, 0 to remove.")
        let changeLines = plan.stdout.nonEmptyLines.filter {
            $0.hasPrefix("  ~") || $0.hasPrefix("  +") || $0.hasPrefix("  -")
        }
        #expect(changeLines == [#"  ~ attribute mapping "jobTitle""#])
        #expect(plan.stdout.contains("source: [title] → ToUpper([title])"))

        let before = try await scenario.live("dev")
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        #expect(
            apply.stdout.contains(
                "Applied to dev/hr-employees: 0 added, 1 changed, 0 removed. Live now matches the plan."))

        let snapshots = scenario.snapshots("dev")
        #expect(snapshots.count == 1)
        let snapshot = try scenario.json(try #require(snapshots.first))
        #expect(snapshot == before, "the snapshot must be the raw live schema before the PUT")
        #expect(apply.stdout.contains("snapshot of live dev/hr-employees saved to \(snapshots[0])"))

        let after = try await scenario.live("dev")
        #expect(after != before)
        #expect(after["version"] != before["version"])
        let jobTitle = after["synchronizationRules"]?.arrayValue?.first?["objectMappings"]?.arrayValue?.first?[
            "attributeMappings"]?.arrayValue?
            .first { $0["targetAttributeName"] == "jobTitle" }
        #expect(jobTitle?["source"]?["expression"] == "ToUpper([title])")

        let again = try await scenario.syncschema("plan", "--env", "dev", "--detailed-exitcode")
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.contains("No changes."))
    }

    @Test(
        "an added extension attribute and its mapping plan as two additions, rendered with each tenant's extension app id"
    )
    func extensionAttributeAndMapping() async throws {
        let scenario = try Scenario()
        try scenario.editSchema(
            replacing: #"{ "name": "externalId", "anchor": true },"#,
            with: #"{ "name": "externalId", "anchor": true },"# + "\n" + #"            { "name": "hireBadge" },"#)
        try scenario.editSchema(
            replacing: #"{ "targetAttributeName": "givenName", "source": "[name.givenName]" },"#,
            with: #"{ "targetAttributeName": "extension_${extensionAppId}_badgeId", "source": "[hireBadge]" },"# + "\n"
                + #"            { "targetAttributeName": "givenName", "source": "[name.givenName]" },"#)
        let validate = try await scenario.syncschema("validate")
        #expect(validate.exitCode == 0, "\(validate)")

        let plan = try await scenario.syncschema("plan", "--env", "dev")
        #expect(plan.exitCode == 0, "\(plan)")
        #expect(plan.stdout.line(startingWith: "Plan:") == "Plan: 2 to add, 0 to change, 0 to remove.")
        #expect(plan.stdout.contains(#"+ attribute "hireBadge""#))
        #expect(plan.stdout.contains(#"+ attribute mapping "extension_93c108b5628348eeaaf18aaa451ee417_badgeId""#))

        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")

        // Promote: test gets the change with test's extension app id.
        let promote = try await scenario.syncschema("promote", "--from", "dev", "--to", "test", "--auto-approve")
        #expect(promote.exitCode == 0, "\(promote)")
        #expect(promote.stdout.line(startingWith: "Plan:") == "Plan: 2 to add, 0 to change, 0 to remove.")
        #expect(promote.stdout.contains(#"+ attribute mapping "extension_a884aee32fd645f2a007a6ff049e755e_badgeId""#))
        let test = try await scenario.live("test")
        let names =
            test["synchronizationRules"]?.arrayValue?.first?["objectMappings"]?.arrayValue?.first?["attributeMappings"]?
            .arrayValue?
            .compactMap { $0["targetAttributeName"]?.stringValue } ?? []
        #expect(names.contains("extension_a884aee32fd645f2a007a6ff049e755e_badgeId"))
        #expect(!names.contains { $0.contains("93c108b5") })
        #expect(scenario.snapshots("test").count == 1)

        let drift = try await scenario.syncschema("drift", "--env", "dev,test")
        #expect(drift.exitCode == 0, "\(drift)")
        #expect(drift.stdout.contains("2 checked, 0 drifted."))
    }

    @Test("restore: a dev snapshot goes back into dev; into test only with --to-other-job")
    func restore() async throws {
        let scenario = try Scenario()
        try scenario.changeJobTitle()
        let before = try await scenario.live("dev")
        let apply = try await scenario.syncschema("apply", "--env", "dev", "--auto-approve")
        #expect(apply.exitCode == 0, "\(apply)")
        let snapshot = try #require(scenario.snapshots("dev").first)

        let testBefore = try await scenario.live("test")
        let refused = try await scenario.syncschema(
            "restore", "--env", "test", "--app", "hr-employees", "--from", snapshot, "--auto-approve")
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stderr.contains("pass --to-other-job to restore it here"))
        #expect(try await scenario.live("test") == testBefore)

        let restore = try await scenario.syncschema(
            "restore", "--env", "dev", "--app", "hr-employees", "--from", snapshot, "--auto-approve")
        #expect(restore.exitCode == 0, "\(restore)")
        #expect(restore.stdout.line(startingWith: "Plan:") == "Plan: 0 to add, 1 to change, 0 to remove.")
        let restored = try await scenario.live("dev")
        let normalize = { (raw: JSONValue) throws -> JSONValue in
            var copy = raw.objectValue ?? JSONObject()
            copy["version"] = nil
            return .object(copy)
        }
        #expect(try normalize(restored) == normalize(before), "restore must bring back the snapshot's content")
        #expect(scenario.snapshots("dev").count == 2, "restore snapshots live before writing too")

        let plan = try await scenario.syncschema("plan", "--env", "dev")
        #expect(plan.stdout.line(startingWith: "Plan:") == "Plan: 0 to add, 1 to change, 0 to remove.")
    }

    @Test("restore --to-other-job --from-env translates the extension app id into the target tenant's")
    func restoreIntoAnotherTenant() async throws {
        let scenario = try Scenario()
        let snapshotRun = try await scenario.syncschema("snapshot", "--env", "dev")
        #expect(snapshotRun.exitCode == 0, "\(snapshotRun)")
        let snapshot = try #require(scenario.snapshots("dev").first)
        // dev's snapshot carries dev's extension attribute names; without --from-env they would be
        // planned into test verbatim, with --from-env they become test's.
        let translated = try await scenario.syncschema(
            "restore", "--env", "test", "--app", "hr-employees", "--from", snapshot, "--to-other-job", "--from-env",
            "dev",
            "--auto-approve")
        #expect(translated.exitCode == 0, "\(translated)")
        #expect(translated.stdout.contains("Nothing to apply"), "\(translated)")
        let verbatim = try await scenario.syncschema(
            "restore", "--env", "test", "--app", "hr-employees", "--from", snapshot, "--to-other-job", "--auto-approve")
        #expect(verbatim.exitCode == 1, "\(verbatim)")
        #expect(verbatim.stderr.contains("--allow-destructive"), "dev's extension names replace test's: a removal")
    }
}
