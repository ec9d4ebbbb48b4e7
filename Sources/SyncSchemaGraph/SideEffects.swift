import Foundation

/// Every way the Graph layer touches the world apart from HTTP, gathered in one value so that tests
/// replace them all: environment variables, files, child processes, time and randomness.
///
/// Production code passes ``live``; nothing in this module reads `ProcessInfo`, the file system,
/// the clock or a random generator directly.
public struct SideEffects: Sendable {
    /// The process environment (auth methods read the variables named in the environment file).
    public var environment: [String: String]
    /// Reads a whole file (federated token files, certificates).
    public var readFile: @Sendable (_ path: String) throws -> Data
    /// Runs a program found on `PATH` (`az`, `openssl`) and returns its output.
    public var runProcess: @Sendable (_ invocation: ProcessInvocation) async throws -> ProcessOutput
    /// The current time (token expiry, `Retry-After` dates, the retry budget, JWT claims).
    public var now: @Sendable () -> Date
    /// Waits; the only way this module waits.
    public var sleep: @Sendable (_ duration: Duration) async throws -> Void
    /// A uniformly distributed number in `0..<1` (backoff jitter).
    public var random: @Sendable () -> Double
    /// A fresh UUID (JWT ids).
    public var uuid: @Sendable () -> UUID

    /// Side effects from explicit parts.
    public init(
        environment: [String: String],
        readFile: @escaping @Sendable (_ path: String) throws -> Data,
        runProcess: @escaping @Sendable (_ invocation: ProcessInvocation) async throws -> ProcessOutput,
        now: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (_ duration: Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double,
        uuid: @escaping @Sendable () -> UUID
    ) {
        self.environment = environment
        self.readFile = readFile
        self.runProcess = runProcess
        self.now = now
        self.sleep = sleep
        self.random = random
        self.uuid = uuid
    }

    /// The real process environment, file system, processes, clock and random generator.
    public static var live: SideEffects {
        let environment = ProcessInfo.processInfo.environment
        return SideEffects(
            environment: environment,
            readFile: { path in try Data(contentsOf: URL(fileURLWithPath: path)) },
            runProcess: { invocation in try await LiveProcessRunner.run(invocation, environment: environment) },
            now: { Date() },
            sleep: { duration in try await Task.sleep(for: duration) },
            random: { Double.random(in: 0..<1) },
            uuid: { UUID() })
    }
}

/// A program to run: its name (looked up on `PATH`), arguments and standard input.
public struct ProcessInvocation: Hashable, Sendable {
    /// The program name (`az`, `openssl`) or an absolute path.
    public var executable: String
    /// The arguments.
    public var arguments: [String]
    /// Bytes written to standard input, then closed.
    public var input: Data?

    /// An invocation.
    public init(executable: String, arguments: [String], input: Data? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.input = input
    }
}

/// What a finished program produced.
public struct ProcessOutput: Hashable, Sendable {
    /// The exit status.
    public var exitCode: Int32
    /// Standard output.
    public var standardOutput: Data
    /// Standard error.
    public var standardError: Data

    /// An output.
    public init(exitCode: Int32, standardOutput: Data = Data(), standardError: Data = Data()) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Why a program could not be started.
public enum ProcessRunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The program is not on `PATH`.
    case notFound(String)
    /// It exists but could not be launched.
    case launchFailed(String, String)

    /// One line for people, free of secrets.
    public var description: String {
        switch self {
        case .notFound(let name): "`\(name)` was not found on PATH"
        case .launchFailed(let name, let detail): "`\(name)` could not be started: \(detail)"
        }
    }
}

/// Runs programs with Foundation's `Process`, reading both pipes concurrently so a chatty program
/// cannot block on a full pipe.
enum LiveProcessRunner {
    static func run(_ invocation: ProcessInvocation, environment: [String: String]) async throws -> ProcessOutput {
        guard let path = locate(invocation.executable, environment: environment) else {
            throw ProcessRunnerError.notFound(invocation.executable)
        }
        do {
            return try await ChildProcess.run(
                URL(fileURLWithPath: path), arguments: invocation.arguments, input: invocation.input)
        } catch let error as ChildProcess.LaunchError {
            throw ProcessRunnerError.launchFailed(invocation.executable, error.detail)
        }
    }

    /// The absolute path of `name` on `PATH`, or `name` itself when it already contains a slash.
    static func locate(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A child process run to completion: both output pipes read concurrently (so neither can fill up
/// and block the child) while its input is written. Shared by the auth methods that call `az` and
/// `openssl` and by the test harness that drives the built binaries.
public enum ChildProcess {
    /// The program could not be started.
    public struct LaunchError: Error, CustomStringConvertible {
        /// Why, in the system's words.
        public let detail: String
        public var description: String { detail }
    }

    /// Runs `executable` with `arguments` (in `directory` and with exactly `environment` when given,
    /// otherwise the parent's) and waits for it.
    public static func run(
        _ executable: URL, arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
        input: Data? = nil
    ) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                if let directory { process.currentDirectoryURL = directory }
                if let environment { process.environment = environment }
                let inputPipe = Pipe()
                let outputPipe = Pipe()
                let errorPipe = Pipe()
                process.standardInput = inputPipe
                process.standardOutput = outputPipe
                process.standardError = errorPipe
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: LaunchError(detail: "\(error)"))
                    return
                }
                let group = DispatchGroup()
                let errorBox = DataBox()
                group.enter()
                DispatchQueue.global().async {
                    errorBox.set(errorPipe.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                group.enter()
                DispatchQueue.global().async {
                    // The throwing `write(contentsOf:)`: a child that exits without reading its
                    // input makes the write fail with EPIPE, which `write(_:)` turns into a crash.
                    if let input, !input.isEmpty { try? inputPipe.fileHandleForWriting.write(contentsOf: input) }
                    try? inputPipe.fileHandleForWriting.close()
                    group.leave()
                }
                let standardOutput = outputPipe.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(
                    returning: ProcessOutput(
                        exitCode: process.terminationStatus, standardOutput: standardOutput,
                        standardError: errorBox.value))
            }
        }
    }

    /// Carries standard error from its reader thread.
    private final class DataBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        var value: Data { lock.withLock { data } }
        func set(_ value: Data) { lock.withLock { data = value } }
    }
}
