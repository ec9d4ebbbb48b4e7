import Foundation
import SyncSchemaCore

/// `syncschema plan --env E [--app A]`: what apply would change, with risks.
enum PlanCommand {
    static let spec = CommandSpec(
        name: "plan",
        abstract: "Show what apply would change in each environment, with risks flagged.",
        discussion: """
            Renders schemas/<app>.json for each environment (variables substituted) onto the live schema
            and compares them. Changes are grouped by rule and object mapping; removals, scoping filter
            and matching changes are flagged as risks. With --out, saves the plan (and the exact document
            it would PUT) for `syncschema apply FILE`, which refuses it if live changes in between.
            """,
        options: RemoteOptions.common + [
            RemoteOptions.compileOnline,
            OptionSpec(
                "--format", .value(placeholder: "FORMAT"), choices: ["text", "markdown", "json"],
                help: "Output format (default text)."),
            OptionSpec(
                "--out", .value(placeholder: "FILE"),
                help: "Save the plan for `syncschema apply FILE` (one environment and app)."),
            OptionSpec("--detailed-exitcode", help: "Exit 2 when there are changes (0 none, 1 error)."),
        ],
        positionals: [],
        examples: [
            "syncschema plan --env dev",
            "syncschema plan --all --format markdown > plan.md",
            "syncschema plan --env prod --app hr-employees --out prod.plan.json",
        ],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            let targets = try workspace.targets(arguments, command: "plan")
            let out = arguments.value("--out")
            if out != nil, targets.count != 1 {
                throw UsageError(message: "--out saves one plan: name one --env and one --app", command: "plan")
            }
            let format = arguments.value("--format") ?? "text"
            let results = await workspace.forEach(targets) { target -> (UnitOutcome, Plan?, JobLocation?) in
                do {
                    let (plan, location) = try await workspace.plan(target)
                    workspace.progress("\(target.label): \(plan.summaryLine)", targets: targets.count)
                    return (UnitOutcome(), plan, location)
                } catch {
                    var outcome = UnitOutcome()
                    outcome.errors = ["\(target.label): \(Workspace.message(for: error))"]
                    outcome.exitCode = ExitCode.failure
                    return (outcome, nil, nil)
                }
            }
            var outcomes: [UnitOutcome] = []
            let plans = results.compactMap(\.1)
            switch format {
            case "json":
                let document: JSONValue =
                    plans.count == 1 && results.count == 1
                    ? PlanRenderer.json(plans[0])
                    : [
                        "formatVersion": .int(PlanRenderer.formatVersion),
                        "plans": .array(plans.map(PlanRenderer.json)),
                    ]
                context.out(JSONWriter().string(document))
                outcomes = results.map {
                    var outcome = $0.0; outcome.output = ""; return outcome
                }
            default:
                outcomes = results.map { result in
                    var outcome = result.0
                    if let plan = result.1 {
                        outcome.output =
                            format == "markdown"
                            ? PlanRenderer.markdown(plan) + "\n"
                            : PlanRenderer.text(plan, color: context.colorEnabled) + "\n"
                    }
                    return outcome
                }
            }
            if let out, let plan = plans.first, let location = results.first?.2 {
                try context.fileSystem.writeText(
                    JSONWriter().string(SavedPlan.encode(plan, location: location)), to: out)
                context.err("saved the plan to \(out); apply it with `syncschema apply \(out)`\n")
            }
            let code = workspace.finish(outcomes)
            if code == ExitCode.success, arguments.flag("--detailed-exitcode"), plans.contains(where: \.hasChanges) {
                return ExitCode.changes
            }
            return code
        })
}

extension Workspace {
    /// The plan of one target: its schema file rendered with its variables onto its live schema.
    /// The plan of one target: `file` (its schema file unless given) rendered with `variables` (its
    /// environment's unless given) onto its live schema. When an expression calls a function the
    /// built-in table does not know (Cloud Sync's `Trim`, …), the job's own `schema/functions` is
    /// read once and the plan is made with it — one request, only for schemas that need it. With
    /// `--compile-online`, every expression that is not reused from live is compiled by the job's
    /// `parseExpression` instead: the service is then the compiler of record.
    func plan(_ target: Target, file: JSONValue? = nil, variables: [String: String]? = nil) async throws -> (
        plan: Plan, location: JobLocation
    ) {
        let file = try file ?? schemaFile(for: target.app.name)
        let variables = variables ?? target.environment.variables
        let (location, live) = try await live(target)
        func make(_ codec: MappingSourceCodec) throws -> Plan {
            try Planner(codec: codec).plan(
                environment: target.environmentName, app: target.app.name, file: file, variables: variables, live: live)
        }
        var codec = toolkit.codec
        var plan: Plan?
        do {
            plan = try make(codec)
        } catch let error as SchemaError
            where error.diagnostics.contains(where: { $0.message.contains("unknown function") })
        {
            let response = try await target.client.functions(
                servicePrincipalID: location.servicePrincipalID, jobID: location.jobID)
            guard let served = try? FunctionTable(functionsResponse: response) else { throw error }
            codec = .standard(functions: toolkit.functions.merging(served))
        }
        if compileOnline {
            codec = try await serverCompiled(codec, make: make, target: target, location: location)
            plan = nil
        }
        return (try plan ?? make(codec), location)
    }

    /// A codec whose trees for the expressions this plan compiles come from the job's
    /// `parseExpression` (one request per distinct expression; none when nothing changed).
    private func serverCompiled(
        _ local: MappingSourceCodec, make: (MappingSourceCodec) throws -> Plan, target: Target, location: JobLocation
    ) async throws -> MappingSourceCodec {
        let recorder = CompiledTexts()
        var recording = local
        recording.compile = { text in
            recorder.add(text)
            return try local.compile(text)
        }
        _ = try make(recording)
        var trees: [String: JSONValue] = [:]
        for text in recorder.texts {
            let response = try await target.client.parseExpression(
                servicePrincipalID: location.servicePrincipalID, jobID: location.jobID,
                request: ["expression": .string(text)])
            guard response["parsingSucceeded"] == true, let tree = response["parsedExpression"], tree.objectValue != nil
            else {
                let reason = response["error"]?["message"]?.stringValue ?? "parsingSucceeded is not true"
                throw CLIError("\(target.label): the service rejected the expression \(text): \(reason)")
            }
            trees[text] = tree
        }
        var online = local
        let compiled = trees
        online.compile = { text in
            if let tree = compiled[text] { return tree }
            return try local.compile(text)
        }
        return online
    }
}

/// A plan saved with `plan --out`: everything apply needs to PUT exactly what was reviewed, and to
/// refuse when the live schema changed since.
enum SavedPlan {
    static let kind = "syncschema-plan"

    static func encode(_ plan: Plan, location: JobLocation) -> JSONValue {
        var object = PlanRenderer.json(plan).objectValue ?? JSONObject()
        object["kind"] = .string(kind)
        object["servicePrincipalId"] = .string(location.servicePrincipalID)
        object["jobId"] = .string(location.jobID)
        object["document"] = plan.document
        return .object(
            object.ordered(by: ["formatVersion", "kind", "environment", "app", "servicePrincipalId", "jobId"]))
    }

    /// What a saved plan holds.
    struct Contents {
        let environment: String
        let app: String
        let liveHash: String
        let liveVersion: String?
        let document: JSONValue
        let jobID: String
    }

    static func decode(_ value: JSONValue, file: String) throws -> Contents {
        guard value["kind"]?.stringValue == kind else {
            throw CLIError(
                "\(file) is not a saved plan (no \"kind\": \"\(kind)\"); create one with `syncschema plan --out \(file)`"
            )
        }
        guard value["formatVersion"]?.intValue == PlanRenderer.formatVersion else {
            throw CLIError(
                "\(file): unsupported plan format version; re-create it with this syncschema (`syncschema plan --out`)")
        }
        func string(_ key: String) throws -> String {
            guard let text = value[key]?.stringValue else {
                throw CLIError("\(file): at `\(key)`: expected a string; the plan file is damaged, re-create it")
            }
            return text
        }
        guard let document = value["document"], document.objectValue != nil else {
            throw CLIError(
                "\(file): at `document`: expected the schema object to PUT; the plan file is damaged, re-create it")
        }
        return Contents(
            environment: try string("environment"), app: try string("app"), liveHash: try string("liveHash"),
            liveVersion: value["liveVersion"]?.stringValue, document: document, jobID: try string("jobId"))
    }
}

/// The expression texts a plan compiled, in order, each once (collected from the codec's closure).
final class CompiledTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var texts: [String] { lock.withLock { list } }
    func add(_ text: String) { lock.withLock { if !list.contains(text) { list.append(text) } } }
}
