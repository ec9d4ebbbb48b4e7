import Foundation
import SyncSchemaCore
import SyncSchemaGraph

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why an end-to-end helper could not do its job; the message says what to do.
public struct EndToEndError: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    /// An error with a message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The executables `swift build` puts under `.build/debug/`, which the end-to-end tests drive.
public enum BuiltBinary {
    /// Names the build configuration whose binaries are driven (`release` for `make bench`);
    /// `debug` when unset.
    public static let configurationVariable = "SYNCSCHEMA_BUILD_CONFIGURATION"

    /// `.build/<configuration>/<name>`, or an error telling to build when it is missing.
    public static func url(_ name: String) throws -> URL {
        let configuration = ProcessInfo.processInfo.environment[configurationVariable] ?? "debug"
        let url = Fixtures.repositoryRoot.appendingPathComponent(".build/\(configuration)/\(name)")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            let flag = configuration == "debug" ? "" : " -c \(configuration)"
            throw EndToEndError(
                "\(url.path) is not built; run `swift build\(flag)` (or `swift build --build-tests`) first")
        }
        return url
    }
}

/// What a finished `syncschema` run produced.
public struct RunResult: Sendable, CustomStringConvertible {
    /// The exit status.
    public let exitCode: Int32
    /// Standard output, as text.
    public let stdout: String
    /// Standard error, as text.
    public let stderr: String

    /// The whole run, for test failure messages.
    public var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs the built `syncschema` binary in a directory, with explicit environment variables and stdin.
public enum SyncSchemaRunner {
    /// Runs `syncschema arguments…` in `directory` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment (only `PATH` and `HOME` are added when absent),
    ///     so that nothing from the test process leaks into the run.
    ///   - stdin: bytes for standard input (a pipe, so never a terminal); closed after writing.
    public static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], stdin: String = ""
    ) async throws -> RunResult {
        let executable = try BuiltBinary.url("syncschema")
        var variables = environment
        let parent = ProcessInfo.processInfo.environment
        for key in ["PATH", "HOME"] where variables[key] == nil { variables[key] = parent[key] }
        return try await TestProcess.run(
            executable, arguments: arguments, directory: directory, environment: variables, stdin: Data(stdin.utf8))
    }
}

/// Runs a program to completion (through the Graph layer's ``SyncSchemaGraph/ChildProcess``) and
/// returns its output as text.
public enum TestProcess {
    /// Runs `executable` with `arguments` in `directory` and waits for it.
    public static func run(
        _ executable: URL, arguments: [String], directory: URL, environment: [String: String], stdin: Data
    ) async throws -> RunResult {
        let output: ProcessOutput
        do {
            output = try await ChildProcess.run(
                executable, arguments: arguments, directory: directory, environment: environment, input: stdin)
        } catch {
            throw EndToEndError("cannot start \(executable.path): \(error)")
        }
        return RunResult(
            exitCode: output.exitCode, stdout: String(decoding: output.standardOutput, as: UTF8.self),
            stderr: String(decoding: output.standardError, as: UTF8.self))
    }
}
