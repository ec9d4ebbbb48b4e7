import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// Text written to an output sink, collected safely from any thread.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    /// A sink appending to this buffer.
    var sink: OutputSink { OutputSink { [self] chunk in lock.withLock { text += chunk } } }

    /// Everything written so far.
    var contents: String { lock.withLock { text } }
}

/// What one run of the program did.
struct CLIResult {
    let code: Int32
    let out: String
    let err: String
}

/// Runs `syncschema` in memory against `fileSystem` with capturing sinks.
func syncschema(_ arguments: [String], fileSystem: InMemoryFileSystem) async -> CLIResult {
    let out = OutputBuffer()
    let err = OutputBuffer()
    let environment = CLIEnvironment(output: out.sink, errorOutput: err.sink, fileSystem: fileSystem)
    let code = await CLI.run(arguments: arguments, environment: environment)
    return CLIResult(code: code, out: out.contents, err: err.contents)
}

/// Runs `syncschema` in memory over `files` (or `fileSystem`, to look at it afterwards).
func syncschema(_ arguments: String..., files: [String: String] = [:], fileSystem: InMemoryFileSystem? = nil) async
    -> CLIResult
{
    await syncschema(arguments, fileSystem: fileSystem ?? InMemoryFileSystem(files: files))
}

/// Runs the CLI on an in-memory project built from the given files.
struct ProjectHarness {
    let fileSystem: InMemoryFileSystem
    let out = OutputBuffer()
    let err = OutputBuffer()

    init(_ files: [String: String]) { fileSystem = InMemoryFileSystem(files: files) }

    func run(_ arguments: String...) async -> Int32 {
        await run(arguments)
    }

    func run(_ arguments: [String]) async -> Int32 {
        await CLI.run(
            arguments: arguments,
            environment: CLIEnvironment(output: out.sink, errorOutput: err.sink, fileSystem: fileSystem))
    }

    static func repositoryText(_ path: String) throws -> String {
        try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }
}
