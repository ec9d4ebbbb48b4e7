import SyncSchemaCore

/// `syncschema drift --env E|--all`: exit 2 when live differs from schemas/.
enum DriftCommand {
    static let spec = CommandSpec(
        name: "drift",
        abstract: "Check whether live schemas still match schemas/ (exit 2 on drift).",
        discussion: """
            Plans every environment and app and prints one line each. Exit codes: 0 no drift, 2 drift
            found, 1 when a schema could not be read (a read failure is never reported as drift).
            """,
        options: RemoteOptions.common + [
            RemoteOptions.compileOnline,
            OptionSpec(
                "--format", .value(placeholder: "FORMAT"), choices: ["text", "markdown", "json"],
                help: "Output format (default text)."),
        ],
        positionals: [],
        examples: ["syncschema drift --all", "syncschema drift --env prod --format markdown"],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            let targets = try workspace.targets(arguments, command: "drift")
            let results = await workspace.forEach(targets) { target -> (Target, Plan?, String?) in
                do {
                    return (target, try await workspace.plan(target).0, nil)
                } catch {
                    return (target, nil, Workspace.message(for: error))
                }
            }
            let format = arguments.value("--format") ?? "text"
            var drifted = 0
            var failed = 0
            var items: [JSONValue] = []
            var text = ""
            for (target, plan, error) in results {
                if let error {
                    failed += 1
                    context.err("error: \(target.label): \(error)\n")
                    items.append([
                        "environment": .string(target.environmentName), "app": .string(target.app.name),
                        "status": "error", "error": .string(error),
                    ])
                    continue
                }
                guard let plan else { continue }
                if plan.hasChanges { drifted += 1 }
                items.append([
                    "environment": .string(target.environmentName), "app": .string(target.app.name),
                    "status": plan.hasChanges ? "drift" : "in-sync", "plan": PlanRenderer.json(plan),
                ])
                switch format {
                case "markdown":
                    text += plan.hasChanges ? PlanRenderer.markdown(plan) + "\n" : "- `\(target.label)`: in sync\n"
                default:
                    text +=
                        plan.hasChanges
                        ? "drift    \(target.label): \(plan.summaryLine)\n" : "in sync  \(target.label)\n"
                }
            }
            if format == "json" {
                context.out(
                    JSONWriter().string(["formatVersion": 1, "drift": .bool(drifted > 0), "results": .array(items)]))
            } else {
                context.out(text)
                let checked = results.count - failed
                context.out(
                    "\(checked) checked, \(drifted) drifted\(failed > 0 ? ", \(failed) could not be read" : "").\n")
            }
            if failed > 0 { return ExitCode.failure }
            return drifted > 0 ? ExitCode.changes : ExitCode.success
        })
}
