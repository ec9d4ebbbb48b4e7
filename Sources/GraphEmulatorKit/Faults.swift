import SyncSchemaCore

/// Fault injection settings, switchable per run (flags) and at runtime (`POST /_emulator/faults`).
///
/// Faults apply to Graph and token routes, never to `/_emulator/*`. Decisions are reproducible:
/// every-N counts faultable requests, and the probabilistic ones draw from a generator seeded
/// with `seed`, in a fixed order per request (429, then 5xx, then drop).
public struct FaultSettings: Sendable, Equatable {
    /// Added latency before each answer, in milliseconds.
    public var latencyMilliseconds = 0
    /// Every Nth faultable request gets 429 (0 = off).
    public var throttleEvery = 0
    /// Probability of a 429 per request.
    public var throttleRate = 0.0
    /// `Retry-After` seconds sent with 429 and 503.
    public var retryAfterSeconds = 1
    /// Probability of a 500 or 503 per request.
    public var serverErrorRate = 0.0
    /// Probability that the connection is closed without an answer.
    public var dropRate = 0.0
    /// Spread each response body over this many milliseconds (0 = off).
    public var slowBodyMilliseconds = 0
    /// Seed of the generator behind the probabilities.
    public var seed: UInt64 = 1

    /// No faults.
    public init() {}

    /// Reads the `POST /_emulator/faults` body; absent members keep their defaults.
    public init(json: JSONValue) throws(EmulatorStateError) {
        guard let object = json.objectValue else { throw EmulatorStateError("expected a JSON object") }
        let known: Set<String> = [
            "latencyMs", "fault429Every", "fault429Rate", "retryAfter", "fault5xxRate", "faultDropRate",
            "slowBodyMs", "seed",
        ]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw EmulatorStateError("unknown member '\(unknown)'; known: \(known.sorted().joined(separator: ", "))")
        }
        func int(_ key: String) throws(EmulatorStateError) -> Int? {
            guard let value = object[key] else { return nil }
            guard let number = value.intValue, number >= 0 else {
                throw EmulatorStateError("\(key): expected a non-negative integer")
            }
            return number
        }
        func rate(_ key: String) throws(EmulatorStateError) -> Double? {
            guard let value = object[key] else { return nil }
            guard case .number(let number) = value, let double = number.doubleValue, (0...1).contains(double) else {
                throw EmulatorStateError("\(key): expected a number between 0 and 1")
            }
            return double
        }
        latencyMilliseconds = try int("latencyMs") ?? 0
        throttleEvery = try int("fault429Every") ?? 0
        throttleRate = try rate("fault429Rate") ?? 0
        retryAfterSeconds = try int("retryAfter") ?? 1
        serverErrorRate = try rate("fault5xxRate") ?? 0
        dropRate = try rate("faultDropRate") ?? 0
        slowBodyMilliseconds = try int("slowBodyMs") ?? 0
        seed = UInt64(try int("seed") ?? 1)
    }

    /// The settings as the runtime API shows them.
    public var json: JSONValue {
        [
            "latencyMs": .int(latencyMilliseconds), "fault429Every": .int(throttleEvery),
            "fault429Rate": .number(JSONNumber(literal: String(throttleRate))), "retryAfter": .int(retryAfterSeconds),
            "fault5xxRate": .number(JSONNumber(literal: String(serverErrorRate))),
            "faultDropRate": .number(JSONNumber(literal: String(dropRate))),
            "slowBodyMs": .int(slowBodyMilliseconds), "seed": .number(JSONNumber(literal: String(seed))),
        ]
    }
}

/// What the fault injector decided for one request.
enum FaultDecision: Equatable {
    case none
    case throttle
    case serverError(Int)
    case drop

    var label: String? {
        switch self {
        case .none: nil
        case .throttle: "429"
        case .serverError(let status): String(status)
        case .drop: "drop"
        }
    }
}

/// The stateful part of fault injection: request counter and seeded generator.
struct FaultInjector {
    private(set) var settings: FaultSettings
    private var counter = 0
    private var generator: SeededGenerator

    init(settings: FaultSettings) {
        self.settings = settings
        generator = SeededGenerator(seed: settings.seed)
    }

    /// Replaces the settings and restarts the counter and the generator.
    mutating func reset(_ settings: FaultSettings) { self = FaultInjector(settings: settings) }

    /// Decides the fault of the next faultable request.
    mutating func next() -> FaultDecision {
        counter += 1
        if settings.throttleEvery > 0, counter % settings.throttleEvery == 0 { return .throttle }
        if settings.throttleRate > 0, generator.unit() < settings.throttleRate { return .throttle }
        if settings.serverErrorRate > 0, generator.unit() < settings.serverErrorRate {
            return .serverError(generator.unit() < 0.5 ? 500 : 503)
        }
        if settings.dropRate > 0, generator.unit() < settings.dropRate { return .drop }
        return .none
    }
}
