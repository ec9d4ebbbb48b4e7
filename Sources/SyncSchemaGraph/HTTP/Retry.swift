import Foundation

/// When and how long to retry a failed Graph request.
///
/// 429 and 503 wait as long as `Retry-After` says (seconds or an HTTP date); other 5xx, timeouts
/// and dropped connections wait an exponentially growing, fully jittered delay. Every wait counts
/// against ``totalBudget``: a run never hangs longer than that on one request.
public struct RetryPolicy: Hashable, Sendable {
    /// The most attempts per request, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry; it doubles with each attempt.
    public var baseDelay: Duration
    /// The backoff ceiling never exceeds this.
    public var maxDelay: Duration
    /// The most time one request may spend, waits included, before it gives up.
    public var totalBudget: Duration

    /// A policy.
    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30),
        totalBudget: Duration = .seconds(120)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.totalBudget = totalBudget
    }

    /// Six attempts within two minutes.
    public static let `default` = RetryPolicy()

    /// One attempt, no waiting.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff before retry number `attempt` (1 for the first retry): a uniform draw in
    /// `0 ... min(maxDelay, baseDelay × 2^(attempt−1))` ("full jitter"), so clients that failed
    /// together do not come back together.
    public func backoff(beforeRetry attempt: Int, random: Double) -> Duration {
        let ceiling = min(maxDelay.seconds, baseDelay.seconds * pow(2, Double(max(0, attempt - 1))))
        return .seconds(ceiling * min(max(random, 0), 1))
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// The parsed `Retry-After` header: either delay-seconds or an HTTP date.
enum RetryAfter {
    /// The wait `value` asks for, relative to `now`; `nil` when the header is malformed.
    static func delay(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return .seconds(max(0, seconds)) }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return .seconds(max(0, date.timeIntervalSince(now))) }
        }
        return nil
    }
}

/// The result of sending one logical request with retries.
struct RetriedResponse: Sendable {
    /// The last response.
    var response: HTTPResponse
    /// How many attempts were made.
    var attempts: Int
    /// Whether the response is a retryable failure that ran out of attempts or budget.
    var gaveUp: Bool
}

/// A transport failure after retries.
struct RetriedTransportFailure: Error {
    var error: TransportError
    var attempts: Int
}

/// Sends a request, retrying per ``RetryPolicy``; the one place that waits.
struct RetryingSender: Sendable {
    var transport: any HTTPTransport
    var policy: RetryPolicy
    var effects: SideEffects

    /// Sends the request `makeRequest` builds (rebuilt per attempt, so a refreshed token is used).
    ///
    /// - Parameter idempotent: whether sending twice is harmless (GET, PUT of a whole document,
    ///   DELETE, token requests). Non-idempotent requests are retried only when the server surely
    ///   did not act on them: 429, 503, or a connection that never opened.
    func send(idempotent: Bool, _ makeRequest: () async throws -> HTTPRequest) async throws -> RetriedResponse {
        let start = effects.now()
        var attempt = 0
        while true {
            attempt += 1
            let request = try await makeRequest()
            let delay: Duration
            var lastResponse: HTTPResponse?
            var lastError: TransportError?
            do {
                let response = try await transport.send(request)
                guard Self.isRetryable(status: response.status, idempotent: idempotent) else {
                    return RetriedResponse(response: response, attempts: attempt, gaveUp: false)
                }
                lastResponse = response
                if response.status == 429 || response.status == 503,
                    let header = response.headers["Retry-After"],
                    let asked = RetryAfter.delay(header, now: effects.now())
                {
                    delay = asked
                } else {
                    delay = policy.backoff(beforeRetry: attempt, random: effects.random())
                }
            } catch let error as TransportError {
                guard error.isTransient && (idempotent || error.requestWasNotSent) else {
                    throw RetriedTransportFailure(error: error, attempts: attempt)
                }
                lastError = error
                delay = policy.backoff(beforeRetry: attempt, random: effects.random())
            }
            let elapsed = effects.now().timeIntervalSince(start)
            if attempt >= policy.maxAttempts || elapsed + delay.seconds > policy.totalBudget.seconds {
                if let lastResponse { return RetriedResponse(response: lastResponse, attempts: attempt, gaveUp: true) }
                throw RetriedTransportFailure(error: lastError ?? .other("no response"), attempts: attempt)
            }
            try await effects.sleep(delay)
        }
    }

    /// 429 and 503 mean the server did not act; other 5xx might have, so only idempotent requests
    /// repeat them.
    static func isRetryable(status: Int, idempotent: Bool) -> Bool {
        switch status {
        case 429, 503: true
        case 500, 502, 504: idempotent
        default: false
        }
    }
}
