import SyncSchemaCore

/// `syncschema restore --env E --app A --from FILE`: plan and apply a snapshot.
enum RestoreCommand {
    static let spec = CommandSpec(
        name: "restore",
        abstract: "Put a snapshot back: plan it against live and apply it.",
        discussion: """
            The snapshot is normalized and applied like a schema file, so ids and versions come from the
            live job (directories are matched by name). A snapshot of another job or tenant is refused
            unless --to-other-job is given; add --from-env SOURCE to translate the source environment's
            variable values (such as the extension app id) into this one's. The usual guards apply: --allow-destructive for removals,
            confirmation or --auto-approve (and --confirm-env for protected environments).
            """,
        options: [
            RemoteOptions.environments, RemoteOptions.apps, RemoteOptions.verbose, RemoteOptions.compileOnline,
            OptionSpec("--from", .value(placeholder: "FILE"), help: "The snapshot file (raw Graph schema JSON)."),
            OptionSpec("--to-other-job", help: "Allow restoring a snapshot taken from another job or tenant."),
            OptionSpec(
                "--from-env", .value(placeholder: "ENV"),
                help:
                    "The environment the snapshot was taken in: its variable values (such as the extension app id) are translated to this environment's."
            ),
        ] + ApplyOptions.all,
        positionals: [],
        examples: [
            "syncschema restore --env dev --app hr-employees --from snapshots/dev/hr-employees/20261123T101500.000Z.json"
        ],
        run: { arguments, context in
            guard let from = arguments.value("--from") else {
                throw UsageError(message: "missing --from FILE (a snapshot under snapshots/)", command: "restore")
            }
            let workspace = try Workspace(arguments: arguments, context: context)
            let target = try workspace.targets(arguments, command: "restore", singleEnvironment: true, singleApp: true)[
                0]
            let snapshot = try workspace.toolkit.readJSON(from)
            guard snapshot.objectValue != nil, snapshot["syncschema"] == nil else {
                throw CLIError(
                    "\(from) is not a snapshot (raw Graph schema JSON); to apply a schema file use `syncschema apply`")
            }
            var desired: JSONValue
            do {
                desired = try workspace.toolkit.normalizer.normalize(snapshot)
            } catch let error as SchemaError {
                throw error.inFile(from)
            }
            var variables: [String: String] = [:]
            if let source = arguments.value("--from-env") {
                let (templatized, warnings) = Templatizer.templatize(
                    desired, variables: try workspace.environment(source).variables)
                for warning in warnings { context.err("warning: \(source): \(warning.message)\n") }
                desired = templatized
                variables = target.environment.variables
            }
            let (plan, location) = try await workspace.plan(target, file: desired, variables: variables)
            if let snapshotJob = snapshot["id"]?.stringValue, snapshotJob != location.jobID,
                !arguments.flag("--to-other-job")
            {
                throw CLIError(
                    "\(from) was taken from job \(snapshotJob), not \(target.label)'s job \(location.jobID); pass --to-other-job to restore it here"
                )
            }
            let applier = Applier(workspace: workspace, arguments: arguments)
            return workspace.finish([await applier.apply(plan, target: target, location: location)])
        })
}
