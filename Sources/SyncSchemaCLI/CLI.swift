import Foundation
import SyncSchemaCore

/// The command-line program as a library: parses arguments, runs one command, returns its exit code.
public enum CLI {
    /// Runs the program and returns the process exit code (DESIGN §6: 0, 1, 2, 64, 70).
    public static func run(arguments: [String], environment: CLIEnvironment) async -> Int32 {
        environment.output.write("syncschema: not built yet\n")
        return 0
    }
}

/// Everything the commands touch in the outside world, so that tests can replace each piece.
public struct CLIEnvironment: Sendable {
    /// Where normal output goes.
    public var output: OutputSink
    /// Where errors and progress go.
    public var errorOutput: OutputSink
    /// The process environment variables.
    public var variables: [String: String]

    public init(output: OutputSink, errorOutput: OutputSink, variables: [String: String]) {
        self.output = output
        self.errorOutput = errorOutput
        self.variables = variables
    }

    /// The real process: stdout, stderr, `ProcessInfo` environment.
    public static func live() -> CLIEnvironment {
        CLIEnvironment(
            output: OutputSink { FileHandle.standardOutput.write(Data($0.utf8)) },
            errorOutput: OutputSink { FileHandle.standardError.write(Data($0.utf8)) },
            variables: ProcessInfo.processInfo.environment)
    }
}

/// A place text is written to.
public struct OutputSink: Sendable {
    private let sink: @Sendable (String) -> Void
    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }
    public func write(_ text: String) { sink(text) }
}
