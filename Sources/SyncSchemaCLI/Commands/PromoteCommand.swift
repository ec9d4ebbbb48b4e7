import SyncSchemaCore

/// `syncschema promote --from E1 --to E2 [--app A]`: make E2 like E1's live schema.
enum PromoteCommand {
    static let spec = CommandSpec(
        name: "promote",
        abstract: "Plan and apply one environment's live schema to another, variables translated.",
        discussion: """
            Reads each app's live schema in the source environment, turns its variable values into
            placeholders, renders it with the target environment's variables onto the target's live
            schema, shows the plan, and applies it with the usual guards. --dry-run stops after the plan
            (exit 2 when there are changes).
            """,
        options: [
            OptionSpec("--from", .value(placeholder: "ENV"), help: "The environment to copy from."),
            OptionSpec("--to", .value(placeholder: "ENV"), help: "The environment to change."),
            RemoteOptions.apps, RemoteOptions.verbose, RemoteOptions.compileOnline,
            OptionSpec("--dry-run", help: "Show the plan only."),
        ] + ApplyOptions.all,
        positionals: [],
        examples: ["syncschema promote --from dev --to test", "syncschema promote --from test --to prod --dry-run"],
        run: { arguments, context in
            guard let from = arguments.value("--from"), let to = arguments.value("--to") else {
                throw UsageError(message: "promote needs --from ENV and --to ENV", command: "promote")
            }
            guard from != to else {
                throw UsageError(message: "--from and --to name the same environment", command: "promote")
            }
            var sourceArguments = arguments
            sourceArguments.values["--env"] = [from]
            var targetArguments = arguments
            targetArguments.values["--env"] = [to]
            let workspace = try Workspace(arguments: arguments, context: context)
            let sources = try workspace.targets(sourceArguments, command: "promote")
            let destinations = try workspace.targets(targetArguments, command: "promote")
            let applier = Applier(workspace: workspace, arguments: arguments)
            var outcomes: [UnitOutcome] = []
            var anyChanges = false
            for destination in destinations {
                guard let source = sources.first(where: { $0.app.name == destination.app.name }) else {
                    outcomes.append(
                        UnitOutcome(
                            errors: [
                                "\(destination.label): environment '\(from)' declares no app '\(destination.app.name)'"
                            ],
                            exitCode: ExitCode.failure))
                    continue
                }
                do {
                    let (_, sourceLive) = try await workspace.live(source)
                    let (file, warnings) = Templatizer.templatize(
                        try workspace.toolkit.normalizer.normalize(sourceLive), variables: source.environment.variables)
                    let (plan, location) = try await workspace.plan(destination, file: file)
                    anyChanges = anyChanges || plan.hasChanges
                    var outcome: UnitOutcome
                    if arguments.flag("--dry-run") {
                        outcome = UnitOutcome(output: PlanRenderer.text(plan, color: context.colorEnabled) + "\n")
                    } else {
                        outcome = await applier.apply(plan, target: destination, location: location)
                    }
                    outcome.warnings += warnings.map { "\(source.label): \($0.message)" }
                    outcomes.append(outcome)
                } catch {
                    outcomes.append(
                        UnitOutcome(
                            errors: ["\(destination.label): \(Workspace.message(for: error))"],
                            exitCode: ExitCode.failure))
                }
            }
            let code = workspace.finish(outcomes)
            if code == ExitCode.success, arguments.flag("--dry-run"), anyChanges { return ExitCode.changes }
            return code
        })
}
