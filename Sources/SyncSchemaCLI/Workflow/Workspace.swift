import Foundation
import SyncSchemaCore
import SyncSchemaGraph

/// The options of every command that talks to tenants, declared once.
enum RemoteOptions {
    static let environments = OptionSpec(
        "--env", short: "e", .repeated(placeholder: "ENV"),
        help: "Environment (environments/ENV.json); repeat or comma-separate for several.")
    static let all = OptionSpec("--all", help: "Every environment under environments/.")
    static let apps = OptionSpec(
        "--app", short: "a", .repeated(placeholder: "APP"), help: "App key (default: every app of the environment).")
    static let verbose = OptionSpec("--verbose", help: "Trace HTTP requests on stderr (secrets and tokens redacted).")
    static let compileOnline = OptionSpec(
        "--compile-online",
        help: "Compile changed expressions with the job's parseExpression (the service as compiler of record).")
    static let concurrency = OptionSpec(
        "--concurrency", .value(placeholder: "N"), help: "Environments and apps worked on at once (default 4).")

    static let common = [environments, all, apps, verbose, concurrency]
}

/// One app in one environment: the unit every remote command works on.
struct Target: Sendable {
    let environmentName: String
    let environment: EnvironmentFile
    let app: AppLocator
    let client: GraphClient

    /// `dev/hr-employees`, for progress lines and messages.
    var label: String { "\(environmentName)/\(app.name)" }
}

/// Where a job lives, once resolved.
struct JobLocation: Sendable {
    let servicePrincipalID: String
    let jobID: String
}

/// The project directory (`environments/`, `schemas/`, `snapshots/`) and the Graph connections of one run.
struct Workspace: Sendable {
    let context: CommandContext
    let toolkit: Toolkit
    let verbose: Bool
    let concurrency: Int
    /// Compile changed expressions with Graph's `parseExpression` instead of locally.
    let compileOnline: Bool

    init(arguments: ParsedArguments, context: CommandContext) throws {
        self.context = context
        self.toolkit = try Toolkit(functionsPath: nil, context: context)
        self.verbose = arguments.flag("--verbose")
        self.compileOnline = arguments.flag("--compile-online")
        if let text = arguments.value("--concurrency") {
            guard let value = Int(text), value >= 1, value <= 64 else {
                throw UsageError(message: "--concurrency expects a number from 1 to 64, got '\(text)'", command: nil)
            }
            concurrency = value
        } else {
            concurrency = 4
        }
    }

    // MARK: - Environments

    /// The environment names of `--env` (comma-separated or repeated) or `--all`.
    func environmentNames(_ arguments: ParsedArguments, command: String, single: Bool = false) throws -> [String] {
        var names = arguments.all("--env").flatMap { $0.split(separator: ",").map { String($0).trimmed } }.filter {
            !$0.isEmpty
        }
        if arguments.flag("--all") {
            guard names.isEmpty else {
                throw UsageError(message: "use either --env or --all, not both", command: command)
            }
            names = try availableEnvironments()
            if names.isEmpty {
                throw CLIError("environments/ holds no environment files; run `syncschema init` to create examples")
            }
        }
        guard !names.isEmpty else {
            let available = (try? availableEnvironments()) ?? []
            let hint = available.isEmpty ? "" : " (available: \(available.joined(separator: ", ")))"
            throw UsageError(message: "missing --env ENV\(single ? "" : " or --all")\(hint)", command: command)
        }
        if single, names.count > 1 {
            throw UsageError(
                message: "\(command) works on one environment at a time; got \(names.joined(separator: ", "))",
                command: command)
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Every `environments/*.json`, by name.
    func availableEnvironments() throws -> [String] {
        guard context.fileSystem.isDirectory("environments") else { return [] }
        return try context.fileSystem.list("environments").filter { $0.hasSuffix(".json") }.map {
            String($0.dropLast(5))
        }
    }

    /// Reads and decodes `environments/<name>.json`.
    func environment(_ name: String) throws -> EnvironmentFile {
        let path = "environments/\(name).json"
        guard context.fileSystem.exists(path) else {
            let available = (try? availableEnvironments()) ?? []
            var message = "no environment '\(name)': \(path) does not exist"
            if let suggestion = Suggestions.closest(to: name, in: available) {
                message += "; did you mean '\(suggestion)'?"
            } else if !available.isEmpty {
                message += " (available: \(available.joined(separator: ", ")))"
            }
            throw CLIError(message)
        }
        let value = try toolkit.readJSON(path)
        return try EnvironmentFile.decode(value, file: path)
    }

    /// A Graph client for an environment (one per environment per run, so one token per tenant).
    func client(for environment: EnvironmentFile) throws -> GraphClient {
        let redactor = SecretRedactor()
        var transport = context.environment.transport
        if verbose {
            let sink = context.environment.errorOutput
            transport = TracingTransport(transport, redactor: redactor, now: context.environment.effects.now) {
                sink.write($0 + "\n")
            }
        }
        return try GraphClient(
            environment: environment, transport: transport, effects: context.environment.effects,
            retryPolicy: Self.retryPolicy(context.environment.variables), redactor: redactor)
    }

    /// Names the backoff ceiling of the first retry in milliseconds. For the test suite and
    /// `make soak` only, which inject hundreds of failures: production runs leave it unset and get
    /// ``RetryPolicy/default`` (1 s). `Retry-After` is always honoured as sent.
    static let retryBaseDelayVariable = "SYNCSCHEMA_RETRY_BASE_DELAY_MS"

    /// The retry policy of this run: the default, with the base delay of ``retryBaseDelayVariable``.
    static func retryPolicy(_ variables: [String: String]) -> RetryPolicy {
        var policy = RetryPolicy.default
        if let text = variables[retryBaseDelayVariable], let milliseconds = Int(text), milliseconds >= 0 {
            policy.baseDelay = .milliseconds(milliseconds)
        }
        return policy
    }

    /// The targets of a command: the chosen environments × their chosen apps.
    func targets(
        _ arguments: ParsedArguments, command: String, singleEnvironment: Bool = false, singleApp: Bool = false
    )
        throws -> [Target]
    {
        let names = try environmentNames(arguments, command: command, single: singleEnvironment)
        let requestedApps = arguments.all("--app").flatMap { $0.split(separator: ",").map { String($0).trimmed } }
        if singleApp, requestedApps.count != 1 {
            throw UsageError(message: "\(command) needs exactly one --app APP", command: command)
        }
        var targets: [Target] = []
        for name in names {
            let environment = try environment(name)
            let client = try client(for: environment)
            let apps: [AppLocator]
            if requestedApps.isEmpty {
                apps = environment.apps
                if apps.isEmpty { throw CLIError("environments/\(name).json declares no apps; add one under \"apps\"") }
            } else {
                apps = try requestedApps.map { appName in
                    guard let app = environment.app(named: appName) else {
                        var message = "environment '\(name)' has no app '\(appName)'"
                        if let suggestion = Suggestions.closest(to: appName, in: environment.apps.map(\.name)) {
                            message += "; did you mean '\(suggestion)'?"
                        } else {
                            message += " (it declares: \(environment.apps.map(\.name).joined(separator: ", ")))"
                        }
                        throw CLIError(message)
                    }
                    return app
                }
            }
            for app in apps {
                targets.append(Target(environmentName: name, environment: environment, app: app, client: client))
            }
        }
        return targets
    }

    // MARK: - Graph

    /// Finds the app's job. When the environment names both by id (an object id and a job id),
    /// no lookup request is made; otherwise the service principal and job are resolved by name.
    func locate(_ target: Target) async throws -> JobLocation {
        if let job = target.app.job, job.contains("."), GraphClient.isGUID(target.app.servicePrincipal) {
            return JobLocation(servicePrincipalID: target.app.servicePrincipal, jobID: job)
        }
        let (principal, job) = try await target.client.resolve(target.app)
        return JobLocation(servicePrincipalID: principal.id, jobID: job.id)
    }

    /// The live raw schema of a target, and where it lives.
    func live(_ target: Target) async throws -> (JobLocation, JSONValue) {
        let location = try await locate(target)
        do {
            return (
                location,
                try await target.client.getSchema(
                    servicePrincipalID: location.servicePrincipalID, jobID: location.jobID)
            )
        } catch {
            // An id-based locator that turns out to be an appId: resolve properly and try once more.
            if case .http(let failure) = error, failure.status == 404, target.app.job?.contains(".") == true {
                let (principal, job) = try await target.client.resolve(target.app)
                let resolved = JobLocation(servicePrincipalID: principal.id, jobID: job.id)
                if resolved.servicePrincipalID != location.servicePrincipalID || resolved.jobID != location.jobID {
                    return (
                        resolved, try await target.client.getSchema(servicePrincipalID: principal.id, jobID: job.id)
                    )
                }
            }
            throw error
        }
    }

    // MARK: - Files

    /// `schemas/<app>.json`, read and checked.
    func schemaFile(for app: String) throws -> JSONValue {
        let path = "schemas/\(app).json"
        guard context.fileSystem.exists(path) else {
            throw CLIError("\(path) does not exist; create it with `syncschema pull --env ENV --app \(app)`")
        }
        return try toolkit.readSchemaFile(path)
    }

    /// Writes a snapshot of a raw live schema and returns its path.
    func writeSnapshot(_ raw: JSONValue, environment: String, app: String, label: String = "") throws -> String {
        let stamp = Self.timestamp(context.environment.effects.now())
        var path = "snapshots/\(environment)/\(app)/\(stamp)\(label).json"
        var counter = 1
        while context.fileSystem.exists(path) {
            counter += 1
            path = "snapshots/\(environment)/\(app)/\(stamp)\(label)-\(counter).json"
        }
        try context.fileSystem.writeText(JSONWriter().string(raw), to: path)
        return path
    }

    /// `20261123T101500.123Z`: UTC with milliseconds, so names sort in time order, and valid in
    /// file names on every system.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }

    // MARK: - Running units

    /// Runs `body` for every target, at most `concurrency` at once, and returns the results in
    /// target order. Progress goes to stderr when there is more than one target.
    func forEach<Result: Sendable>(
        _ targets: [Target], _ body: @escaping @Sendable (Target) async -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: targets.count)
        let width = concurrency
        let order = Self.startOrder(targets.map(\.environmentName))
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            while next < min(width, targets.count) {
                let index = order[next]
                let target = targets[index]
                group.addTask { (index, await body(target)) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < targets.count {
                    let index = order[next]
                    let target = targets[index]
                    group.addTask { (index, await body(target)) }
                    next += 1
                }
            }
        }
        return results.map { $0! }
    }

    /// The order targets start in: round-robin over environments (each environment's targets in
    /// their order), so the first wave fetches every tenant's token at once instead of one tenant
    /// per wave. `make bench` measured `plan --all` over 3 × 4 targets at 6 latencies before, 4 after.
    static func startOrder(_ environments: [String]) -> [Int] {
        var rank: [String: Int] = [:]
        var first: [String: Int] = [:]
        var keys: [(rank: Int, environment: Int, index: Int)] = []
        for (index, name) in environments.enumerated() {
            let environment = first[name] ?? first.count
            first[name] = environment
            keys.append((rank[name, default: 0], environment, index))
            rank[name, default: 0] += 1
        }
        return keys.sorted { ($0.rank, $0.environment) < ($1.rank, $1.environment) }.map(\.index)
    }

    /// Reports progress on stderr for multi-target work.
    func progress(_ text: String, targets: Int) {
        if targets > 1 { context.err(text + "\n") }
    }
}

/// The result of one unit of work, printed in target order after all finish.
struct UnitOutcome: Sendable {
    var output = ""
    var warnings: [String] = []
    var errors: [String] = []
    var exitCode: Int32 = ExitCode.success
}

extension Workspace {
    /// Turns any error into the one-line message `CLI.report` would print.
    static func message(for error: Error) -> String {
        switch error {
        case let error as CLIError: error.message
        case let error as SchemaError: error.description
        case let error as GraphError: error.description
        case let error as FileSystemError: error.description
        case let error as EnvironmentFileError: error.description
        case let error as UsageError: error.message
        default: "internal error: \(error); please report this"
        }
    }

    /// Prints outcomes in order and returns the combined exit code (the worst one).
    func finish(_ outcomes: [UnitOutcome]) -> Int32 {
        for outcome in outcomes {
            context.out(outcome.output)
            for warning in outcome.warnings { context.err("warning: \(warning)\n") }
            for error in outcome.errors {
                context.err(
                    error.split(separator: "\n", omittingEmptySubsequences: false).map { "error: \($0)" }.joined(
                        separator: "\n") + "\n")
            }
        }
        if outcomes.contains(where: { $0.exitCode == ExitCode.internalError }) { return ExitCode.internalError }
        if outcomes.contains(where: { $0.exitCode == ExitCode.failure }) { return ExitCode.failure }
        if outcomes.contains(where: { $0.exitCode == ExitCode.changes }) { return ExitCode.changes }
        return ExitCode.success
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
