import SyncSchemaCore

/// `syncschema apply --env E [--app A] [PLAN.json]`: make live match the schema files (or a saved plan).
enum ApplyCommand {
    static let spec = CommandSpec(
        name: "apply",
        abstract: "Apply schema files (or a saved plan) to an environment, safely.",
        discussion: """
            Plans first and stops if there is nothing to do. Removals need --allow-destructive. Asks for
            confirmation unless --auto-approve; protected environments also need --confirm-env ENV. Before
            every PUT the raw live schema is saved under snapshots/<env>/<app>/; after it, live is read back
            and compared with the plan. With PLAN.json (from `plan --out`), applies exactly that plan and
            refuses it if the live schema changed since it was made.
            """,
        options: [
            RemoteOptions.environments, RemoteOptions.apps, RemoteOptions.verbose, RemoteOptions.concurrency,
            RemoteOptions.compileOnline,
        ] + ApplyOptions.all,
        positionals: [PositionalSpec("PLAN.json", optional: true, help: "A plan saved with `syncschema plan --out`.")],
        examples: [
            "syncschema apply --env dev",
            "syncschema apply --env prod --auto-approve --confirm-env prod",
            "syncschema apply prod.plan.json --auto-approve --confirm-env prod",
        ],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            let applier = Applier(workspace: workspace, arguments: arguments)
            if let planPath = arguments.positionals.first {
                return try await applySaved(planPath, workspace: workspace, applier: applier, arguments: arguments)
            }
            let targets = try workspace.targets(arguments, command: "apply")
            let applyOne: @Sendable (Target, Applier) async -> UnitOutcome = { target, applier in
                do {
                    let (plan, location) = try await workspace.plan(target)
                    return await applier.apply(plan, target: target, location: location)
                } catch {
                    // Everything above happens before any write: say so, so nobody has to check live.
                    return UnitOutcome(
                        errors: ["\(target.label): \(Workspace.message(for: error)); nothing was written"],
                        exitCode: ExitCode.failure)
                }
            }
            var outcomes: [UnitOutcome] = []
            if arguments.flag("--auto-approve") && targets.count > 1 {
                // Nothing to confirm: targets run concurrently (bounded), each snapshotting,
                // writing and verifying its own job, and the reports print in target order.
                var quiet = applier
                quiet.streaming = false
                let concurrent = quiet
                outcomes = await workspace.forEach(targets) { target in await applyOne(target, concurrent) }
            } else {
                // One at a time: confirmations are interactive and each write is followed by its check.
                for target in targets { outcomes.append(await applyOne(target, applier)) }
            }
            return workspace.finish(outcomes)
        })

    static func applySaved(_ path: String, workspace: Workspace, applier: Applier, arguments: ParsedArguments)
        async throws -> Int32
    {
        let saved = try SavedPlan.decode(try workspace.toolkit.readJSON(path), file: path)
        if let named = arguments.all("--env").first, named != saved.environment {
            throw CLIError("\(path) is a plan for environment '\(saved.environment)', not '\(named)'")
        }
        let environment = try workspace.environment(saved.environment)
        guard let app = environment.app(named: saved.app) else {
            throw CLIError(
                "\(path) is a plan for app '\(saved.app)', which environments/\(saved.environment).json no longer declares"
            )
        }
        let target = Target(
            environmentName: saved.environment, environment: environment, app: app,
            client: try workspace.client(for: environment))
        let (location, live) = try await workspace.live(target)
        guard location.jobID == saved.jobID else {
            throw CLIError(
                "\(path) was made for job \(saved.jobID), but app '\(saved.app)' now resolves to \(location.jobID); plan again"
            )
        }
        guard Plan.fingerprint(live) == saved.liveHash else {
            var message = "\(path) is stale: the live schema of \(target.label) changed since the plan was made"
            if let before = saved.liveVersion, let now = live["version"]?.stringValue, before != now {
                message += " (version \(before) → \(now))"
            }
            throw CLIError(
                message + "; run `syncschema plan --env \(saved.environment) --app \(saved.app) --out \(path)` again")
        }
        let normalizer = workspace.toolkit.normalizer
        let changes = SchemaDiff.changes(
            live: try normalizer.normalize(live), desired: try normalizer.normalize(saved.document))
        let plan = Plan(
            environment: saved.environment, app: saved.app, changes: changes, liveVersion: saved.liveVersion,
            live: live, document: saved.document)
        return workspace.finish([await applier.apply(plan, target: target, location: location)])
    }
}
