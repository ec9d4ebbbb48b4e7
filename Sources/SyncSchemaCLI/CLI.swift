import Foundation
import SyncSchemaCore
import SyncSchemaGraph

/// Process exit codes (DESIGN §6).
public enum ExitCode {
    /// Success, no changes.
    public static let success: Int32 = 0
    /// An expected failure: bad input, a Graph error, a refused operation.
    public static let failure: Int32 = 1
    /// Changes or drift found (plan with `--detailed-exitcode`, drift). `fmt --check` exits 1.
    public static let changes: Int32 = 2
    /// A mistake on the command line.
    public static let usage: Int32 = 64
    /// A bug in syncschema.
    public static let internalError: Int32 = 70
}

/// The version printed by `--version`.
public let syncschemaVersion = "0.1.0"

/// The command-line program as a library: parses arguments, runs one command, returns its exit code.
public enum CLI {
    /// Every command, in the order `--help` lists them.
    static let commands: [CommandSpec] = [
        InitCommand.spec, PullCommand.spec, PlanCommand.spec, ApplyCommand.spec, DriftCommand.spec,
        SnapshotCommand.spec, RestoreCommand.spec,
        PromoteCommand.spec, WhoamiCommand.spec, AttributeCommand.spec, MappingCommand.spec, ValidateCommand.spec,
        FmtCommand.spec, NormalizeCommand.spec,
        RenderCommand.spec, ExprCommand.spec, DocsCommand.spec, PayloadCommand.spec, JSONSchemaCommand.spec,
        CompletionsCommand.spec,
    ]

    /// Runs the program and returns the process exit code.
    public static func run(arguments: [String], environment: CLIEnvironment) async -> Int32 {
        let context = CommandContext(environment: environment)
        guard let first = arguments.first else {
            context.out(overview())
            return ExitCode.success
        }
        switch first {
        case "--help", "-h":
            context.out(overview())
            return ExitCode.success
        case "--version":
            context.out("syncschema \(syncschemaVersion)\n")
            return ExitCode.success
        case "help":
            if let name = arguments.dropFirst().first {
                guard var command = commands.first(where: { $0.name == name }) else {
                    return report(unknownCommand(name), context: context)
                }
                if let sub = arguments.dropFirst(2).first,
                    let subcommand = command.subcommands.first(where: { $0.name.hasSuffix(" " + sub) })
                {
                    command = subcommand
                }
                context.out(HelpRenderer.render(command))
            } else {
                context.out(overview())
            }
            return ExitCode.success
        default:
            break
        }
        guard var command = commands.first(where: { $0.name == first }) else {
            return report(unknownCommand(first), context: context)
        }
        var rest = Array(arguments.dropFirst())
        if !command.subcommands.isEmpty {
            guard let name = rest.first, !name.hasPrefix("-") else {
                context.out(HelpRenderer.render(command))
                return rest.isEmpty
                    ? ExitCode.usage
                    : (rest.first == "--help" || rest.first == "-h" ? ExitCode.success : ExitCode.usage)
            }
            guard
                let subcommand = command.subcommands.first(where: {
                    $0.name.split(separator: " ").last.map(String.init) == name
                })
            else {
                var message = "unknown subcommand '\(name)' of `syncschema \(command.name)`"
                let names = command.subcommands.compactMap { $0.name.split(separator: " ").last.map(String.init) }
                if let suggestion = Suggestions.closest(to: name, in: names) {
                    message += "; did you mean '\(suggestion)'?"
                }
                return report(UsageError(message: message, command: command.name), context: context)
            }
            command = subcommand
            rest.removeFirst()
        }
        do {
            let parsed = try ArgumentParser.parse(rest, command: command)
            if parsed.flag("--help") {
                context.out(HelpRenderer.render(command))
                return ExitCode.success
            }
            var commandContext = context
            commandContext.colorEnabled = context.colorEnabled && !parsed.flag("--no-color")
            return try await command.run(parsed, commandContext)
        } catch {
            return report(error, context: context)
        }
    }

    /// Prints an error as one clear line (or one line per problem) and returns its exit code.
    static func report(_ error: Error, context: CommandContext) -> Int32 {
        switch error {
        case let error as UsageError:
            context.err("error: \(error)\n")
            return ExitCode.usage
        case let error as CLIError:
            context.err(
                error.message.split(separator: "\n", omittingEmptySubsequences: false).map { "error: \($0)" }
                    .joined(separator: "\n") + "\n")
            return error.exitCode
        case let error as SchemaError:
            context.printDiagnostics(error.diagnostics)
            return ExitCode.failure
        case let error as FileSystemError:
            context.err("error: \(error)\n")
            return ExitCode.failure
        case let error as GraphError:
            context.err("error: \(error)\n")
            return ExitCode.failure
        case let error as EnvironmentFileError:
            context.err(error.description.split(separator: "\n").map { "error: \($0)" }.joined(separator: "\n") + "\n")
            return ExitCode.failure
        default:
            context.err(
                "error: internal error: \(error); please report this at https://github.com/syncschema/syncschema/issues\n"
            )
            return ExitCode.internalError
        }
    }

    static func unknownCommand(_ name: String) -> UsageError {
        var message = "unknown command '\(name)'"
        if let suggestion = Suggestions.closest(to: name, in: commands.map(\.name)) {
            message += "; did you mean '\(suggestion)'?"
        }
        return UsageError(message: message, command: nil)
    }

    static func overview() -> String {
        var text = """
            OVERVIEW: Configuration as code for Microsoft Entra provisioning schemas.

            Pull a provisioning job's synchronization schema into a reviewable file, plan the
            difference against each tenant, and apply it safely.

            USAGE: syncschema <subcommand> [options]

            SUBCOMMANDS:

            """
        text += HelpRenderer.table(commands.map { ($0.name, $0.abstract) })
        text += """

            OPTIONS:
              -h, --help  Show help (also `syncschema help <command>`).
              --version   Print the version.

            Exit codes: 0 ok, 1 error, 2 changes or drift, 64 usage error, 70 internal error.

            """
        return text
    }
}

/// One command: its option table, help text and what it does.
struct CommandSpec: Sendable {
    let name: String
    let abstract: String
    let discussion: String
    let options: [OptionSpec]
    let positionals: [PositionalSpec]
    let examples: [String]
    let run: @Sendable (ParsedArguments, CommandContext) async throws -> Int32
    /// Subcommands (`attribute add`); when present, `run` is not used and the name is a group.
    var subcommands: [CommandSpec] = []
}

/// An expected failure of a command, printed as `error: …` lines.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    init(_ message: String, exitCode: Int32 = ExitCode.failure) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

/// Everything the commands touch in the outside world, so that tests can replace each piece.
public struct CLIEnvironment: Sendable {
    /// Where normal output goes.
    public var output: OutputSink
    /// Where errors and progress go.
    public var errorOutput: OutputSink
    /// The process environment variables.
    public var variables: [String: String]
    /// Files, relative to the working directory.
    public var fileSystem: any FileSystem
    /// Whether standard output is a terminal (colour and prompts only then).
    public var isTerminal: Bool
    /// Text read from standard input (for `-` arguments), read lazily.
    public var readStandardInput: @Sendable () -> [UInt8]
    /// Whether standard input is a terminal (interactive confirmation is possible only then).
    public var isInputTerminal: Bool
    /// Reads one line of an interactive answer (`nil` at end of input).
    public var readLine: @Sendable () -> String?
    /// How HTTP requests are sent (URLSession in production, a fake or the emulator in tests).
    public var transport: any HTTPTransport
    /// Side effects of the Graph layer: environment, clock, sleeping, processes.
    public var effects: SideEffects

    public init(
        output: OutputSink, errorOutput: OutputSink, variables: [String: String] = [:],
        fileSystem: any FileSystem = InMemoryFileSystem(), isTerminal: Bool = false,
        readStandardInput: @escaping @Sendable () -> [UInt8] = { [] }, isInputTerminal: Bool = false,
        readLine: @escaping @Sendable () -> String? = { nil }, transport: (any HTTPTransport)? = nil,
        effects: SideEffects? = nil
    ) {
        self.output = output
        self.errorOutput = errorOutput
        self.variables = variables
        self.fileSystem = fileSystem
        self.isTerminal = isTerminal
        self.readStandardInput = readStandardInput
        self.isInputTerminal = isInputTerminal
        self.readLine = readLine
        self.transport = transport ?? URLSessionTransport()
        var effects = effects ?? .live
        effects.environment = variables
        self.effects = effects
    }

    /// The real process: stdout, stderr, `ProcessInfo` environment, the current directory.
    public static func live() -> CLIEnvironment {
        CLIEnvironment(
            output: OutputSink { FileHandle.standardOutput.write(Data($0.utf8)) },
            errorOutput: OutputSink { FileHandle.standardError.write(Data($0.utf8)) },
            variables: ProcessInfo.processInfo.environment,
            fileSystem: LocalFileSystem(base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
            isTerminal: isatty(STDOUT_FILENO) == 1,
            readStandardInput: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
            isInputTerminal: isatty(STDIN_FILENO) == 1,
            readLine: { Swift.readLine(strippingNewline: true) },
            transport: URLSessionTransport(), effects: .live)
    }
}

/// A place text is written to.
public struct OutputSink: Sendable {
    private let sink: @Sendable (String) -> Void
    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }
    public func write(_ text: String) { sink(text) }
}

/// What a running command uses: the environment plus output helpers.
struct CommandContext: Sendable {
    let environment: CLIEnvironment
    var colorEnabled: Bool

    init(environment: CLIEnvironment) {
        self.environment = environment
        self.colorEnabled = environment.isTerminal && environment.variables["NO_COLOR"].map(\.isEmpty) ?? true
    }

    var fileSystem: any FileSystem { environment.fileSystem }

    func out(_ text: String) { environment.output.write(text) }
    func err(_ text: String) { environment.errorOutput.write(text) }

    /// Reads a file's text, or standard input for `-`.
    func readText(_ path: String) throws -> String {
        if path == "-" {
            guard let text = String(validating: environment.readStandardInput(), as: UTF8.self) else {
                throw CLIError("standard input is not valid UTF-8 text")
            }
            return text
        }
        return try fileSystem.readText(path)
    }

    /// Prints diagnostics, most severe last so the summary line is what stays on screen.
    func printDiagnostics(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { err(diagnostic.description + "\n") }
    }
}
