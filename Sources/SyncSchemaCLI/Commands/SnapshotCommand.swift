import SyncSchemaCore

/// `syncschema snapshot --env E [--app A]`: raw live → snapshots/<env>/<app>/<UTC time>.json.
enum SnapshotCommand {
    static let spec = CommandSpec(
        name: "snapshot",
        abstract: "Save each app's raw live schema under snapshots/<env>/<app>/.",
        discussion: """
            A snapshot is the schema exactly as Graph returned it (every property, ids and versions
            included), named by UTC time. `syncschema restore --from FILE` puts one back. apply takes a
            snapshot before every write on its own.
            """,
        options: RemoteOptions.common,
        positionals: [],
        examples: ["syncschema snapshot --all", "syncschema snapshot --env prod --app hr-employees"],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            let targets = try workspace.targets(arguments, command: "snapshot")
            let outcomes = await workspace.forEach(targets) { target in
                var outcome = UnitOutcome()
                do {
                    let (_, raw) = try await workspace.live(target)
                    let path = try workspace.writeSnapshot(
                        raw, environment: target.environmentName, app: target.app.name)
                    outcome.output = "saved \(target.label) to \(path)\n"
                } catch {
                    outcome.errors = ["\(target.label): \(Workspace.message(for: error))"]
                    outcome.exitCode = ExitCode.failure
                }
                return outcome
            }
            return workspace.finish(outcomes)
        })
}
