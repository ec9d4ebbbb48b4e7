import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

/// A clock that never waits: `sleep` records the duration and moves time forward.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var recorded: [Duration] = []

    init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    var now: Date { lock.withLock { current } }
    var sleeps: [Duration] { lock.withLock { recorded } }

    func advance(by seconds: TimeInterval) { lock.withLock { current.addTimeInterval(seconds) } }

    func sleep(_ duration: Duration) {
        lock.withLock {
            recorded.append(duration)
            let (seconds, attoseconds) = duration.components
            current.addTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
        }
    }
}

/// A transport answering from a script of results, recording every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let lock = NSLock()
    private var handlers: [Handler]
    private var recorded: [HTTPRequest] = []
    private let fallback: Handler?

    /// Answers the n-th request with the n-th handler; after the script, with `fallback`.
    init(_ handlers: [Handler], fallback: Handler? = nil) {
        self.handlers = handlers
        self.fallback = fallback
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let handler: Handler? = lock.withLock {
            recorded.append(request)
            return handlers.isEmpty ? fallback : handlers.removeFirst()
        }
        guard let handler else {
            throw TransportError.other("unexpected request \(request.method.rawValue) \(request.url)")
        }
        return try handler(request)
    }
}

/// Records process invocations and answers them with a closure.
final class ProcessRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [ProcessInvocation] = []
    var invocations: [ProcessInvocation] { lock.withLock { recorded } }
    func record(_ invocation: ProcessInvocation) { lock.withLock { recorded.append(invocation) } }
}

enum Stub {
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> ScriptedTransport.Handler {
        { _ in
            HTTPResponse(
                status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers),
                body: Data(body.utf8))
        }
    }

    static func status(_ status: Int, headers: [(String, String)] = []) -> ScriptedTransport.Handler {
        { _ in HTTPResponse(status: status, headers: HTTPHeaders(headers)) }
    }

    static func fail(_ error: TransportError) -> ScriptedTransport.Handler { { _ in throw error } }

    static let token = json(200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"graph-token-1234567"}"#)
}

/// A token provider that counts its calls.
final class CountingTokenProvider: TokenProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let lifetime: TimeInterval
    let clock: TestClock

    init(clock: TestClock, lifetime: TimeInterval = 3600) {
        self.clock = clock
        self.lifetime = lifetime
    }

    var calls: Int { lock.withLock { count } }

    func token(for tenant: String) async throws -> AccessToken {
        let n = lock.withLock {
            count += 1
            return count
        }
        return AccessToken(token: "token-\(tenant)-\(n)", expiresOn: clock.now.addingTimeInterval(lifetime))
    }
}

func makeEffects(
    clock: TestClock = TestClock(), environment: [String: String] = [:], files: [String: String] = [:],
    random: Double = 0.5, process: (@Sendable (ProcessInvocation) async throws -> ProcessOutput)? = nil
) -> SideEffects {
    SideEffects(
        environment: environment,
        readFile: { path in
            guard let text = files[path] else { throw CocoaError(.fileReadNoSuchFile) }
            return Data(text.utf8)
        },
        runProcess: { invocation in
            guard let process else { throw ProcessRunnerError.notFound(invocation.executable) }
            return try await process(invocation)
        },
        now: { clock.now },
        sleep: { duration in clock.sleep(duration) },
        random: { random },
        uuid: { UUID(uuidString: "00000000-0000-4000-8000-000000000001")! })
}

func makeClient(
    transport: any HTTPTransport, clock: TestClock = TestClock(), random: Double = 0.5, retry: RetryPolicy = .default,
    tokens: (any TokenProvider)? = nil, redactor: SecretRedactor = SecretRedactor()
) -> GraphClient {
    GraphClient(
        cloud: .global, tenant: "contoso.onmicrosoft.com", tokenProvider: tokens ?? CountingTokenProvider(clock: clock),
        transport: transport, effects: makeEffects(clock: clock, random: random), retryPolicy: retry, redactor: redactor
    )
}

/// The form fields of a request body, as a dictionary.
func formFields(_ request: HTTPRequest) -> [String: String] {
    Dictionary(FormEncoding.fields(request.body ?? Data()), uniquingKeysWith: { first, _ in first })
}

/// The text of whatever error `body` throws.
func errorText(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        Issue.record("expected an error")
        return ""
    } catch {
        return "\(error)"
    }
}
