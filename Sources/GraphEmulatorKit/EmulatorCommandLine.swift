import Foundation

/// The `graph-emulator` command line, parsed into a typed value (so `main.swift` stays thin).
public struct EmulatorCommandLine: Sendable, Equatable {
    /// `--port N` (0 = any free port).
    public var port = 0
    /// `--seed FILE`.
    public var seedFile: String?
    /// `--state FILE`.
    public var stateFile: String?
    /// `--max-body-bytes N`.
    public var maximumBodyBytes = EmulatorOptions().maximumBodyBytes
    /// The fault flags.
    public var faults = FaultSettings()
    /// `--help`.
    public var showHelp = false

    /// The usage text.
    public static let help = """
        OVERVIEW: A local stand-in for Microsoft Graph's synchronization API and token endpoint.

        USAGE: graph-emulator [--port N] [--seed FILE] [--state FILE] [fault options]

        OPTIONS:
          --port N               Port on 127.0.0.1 (default 0: pick a free port).
          --seed FILE            Start from this seed file instead of the built-in tenants.
          --state FILE           Load state from FILE if it exists; write it after every change.
          --max-body-bytes N     Largest accepted request body (default 33554432).
          --latency-ms N         Delay every answer by N milliseconds.
          --fault-429-every N    Answer every Nth request with 429.
          --fault-429-rate P     Answer with 429 with probability P (0…1).
          --retry-after S        Retry-After seconds on 429/503 (default 1).
          --fault-5xx-rate P     Answer with 500 or 503 with probability P.
          --fault-drop-rate P    Close the connection without answering with probability P.
          --slow-body-ms N       Spread every response body over N milliseconds.
          --fault-seed N         Seed for the fault probabilities (default 1).
          -h, --help             Show this help.

        The first line printed is `listening on http://127.0.0.1:PORT`. Stop with SIGINT or SIGTERM.
        """

    /// A value with every default.
    public init() {}

    /// Parses arguments (without the program name); errors name the offending option.
    public init(arguments rawArguments: [String]) throws(EmulatorStateError) {
        // `--name=value` is the same as `--name value`.
        let arguments = rawArguments.flatMap { argument -> [String] in
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return [argument] }
            return [String(argument[..<equals]), String(argument[argument.index(after: equals)...])]
        }
        var index = 0
        func value(_ option: String) throws(EmulatorStateError) -> String {
            index += 1
            guard index < arguments.count else { throw EmulatorStateError("\(option) needs a value") }
            return arguments[index]
        }
        func integer(_ option: String) throws(EmulatorStateError) -> Int {
            let text = try value(option)
            guard let number = Int(text), number >= 0 else {
                throw EmulatorStateError("\(option): expected a non-negative integer, got '\(text)'")
            }
            return number
        }
        func rate(_ option: String) throws(EmulatorStateError) -> Double {
            let text = try value(option)
            guard let number = Double(text), (0...1).contains(number) else {
                throw EmulatorStateError("\(option): expected a probability between 0 and 1, got '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            try parseOne(arguments[index], value: value, integer: integer, rate: rate)
            index += 1
        }
    }

    private static let knownOptions = [
        "--port", "--seed", "--state", "--max-body-bytes", "--latency-ms", "--fault-429-every", "--fault-429-rate",
        "--retry-after", "--fault-5xx-rate", "--fault-drop-rate", "--slow-body-ms", "--fault-seed", "--help",
    ]

    private mutating func parseOne(
        _ argument: String, value: (String) throws(EmulatorStateError) -> String,
        integer: (String) throws(EmulatorStateError) -> Int, rate: (String) throws(EmulatorStateError) -> Double
    ) throws(EmulatorStateError) {
        let known = Self.knownOptions
        switch argument {
        case "--port":
            port = try integer(argument)
            guard port <= 65535 else { throw EmulatorStateError("--port: expected 0…65535") }
        case "--seed": seedFile = try value(argument)
        case "--state": stateFile = try value(argument)
        case "--max-body-bytes": maximumBodyBytes = try integer(argument)
        case "--latency-ms": faults.latencyMilliseconds = try integer(argument)
        case "--fault-429-every": faults.throttleEvery = try integer(argument)
        case "--fault-429-rate": faults.throttleRate = try rate(argument)
        case "--retry-after": faults.retryAfterSeconds = try integer(argument)
        case "--fault-5xx-rate": faults.serverErrorRate = try rate(argument)
        case "--fault-drop-rate": faults.dropRate = try rate(argument)
        case "--slow-body-ms": faults.slowBodyMilliseconds = try integer(argument)
        case "--fault-seed": faults.seed = UInt64(try integer(argument))
        case "-h", "--help": showHelp = true
        default:
            let suggestion = known.min { distance($0, argument) < distance($1, argument) }
            var message = "unknown option '\(argument)'"
            if let suggestion, distance(suggestion, argument) <= 3 { message += "; did you mean '\(suggestion)'?" }
            throw EmulatorStateError(message)
        }
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The initial state: the state file if it exists, else the seed file, else the built-in default.
    public func loadState() throws(EmulatorStateError) -> EmulatorState {
        if let stateFile, FileManager.default.fileExists(atPath: stateFile) {
            return try EmulatorState(contentsOf: stateFile)
        }
        if let seedFile { return try EmulatorState(contentsOf: seedFile) }
        return .builtInDefault()
    }

    /// The server options these flags describe.
    public var options: EmulatorOptions {
        var options = EmulatorOptions()
        options.faults = faults
        options.stateFile = stateFile
        options.maximumBodyBytes = maximumBodyBytes
        return options
    }
}
