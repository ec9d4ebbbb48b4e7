import Foundation

/// The HTTP methods the Graph client uses.
public enum HTTPMethod: String, Hashable, Sendable {
    /// Reads.
    case get = "GET"
    /// Replaces a whole resource (the schema: never PATCH, which Graph's sync API rejects).
    case put = "PUT"
    /// Actions (`parseExpression`, `restart`) and token requests.
    case post = "POST"
    /// Removes a resource.
    case delete = "DELETE"
    /// Partial updates; not used for schemas.
    case patch = "PATCH"
}

/// Header fields in order, looked up case-insensitively as HTTP requires.
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields in the order they were added.
    public private(set) var fields: [(name: String, value: String)]

    /// Headers from ordered pairs.
    public init(_ fields: [(String, String)] = []) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    /// Headers from a literal: `["Accept": "application/json"]`.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of `name`, any case; setting replaces every field of that name.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        set {
            let index = fields.firstIndex { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            if let newValue { fields.insert((name, newValue), at: Swift.min(index ?? fields.count, fields.count)) }
        }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// Equal when the same fields are in the same order, names compared without case.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.map { [$0.name.lowercased(), $0.value] } == rhs.fields.map { [$0.name.lowercased(), $0.value] }
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name.lowercased())
            hasher.combine(field.value)
        }
    }
}

/// One HTTP request as plain values, so that transports can be swapped (URLSession, a test fake)
/// without the rest of the code knowing.
public struct HTTPRequest: Hashable, Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute URL.
    public var url: URL
    /// Request headers.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: Data?
    /// How long to wait for the response before the transport reports ``TransportError/timedOut``.
    public var timeout: TimeInterval

    /// A request; the default timeout suits Graph's schema calls, which can be slow for big schemas.
    public init(
        method: HTTPMethod, url: URL, headers: HTTPHeaders = [:], body: Data? = nil, timeout: TimeInterval = 100
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response as plain values.
public struct HTTPResponse: Hashable, Sendable {
    /// The status code.
    public var status: Int
    /// Response headers.
    public var headers: HTTPHeaders
    /// The body (empty when there is none).
    public var body: Data

    /// A response.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (lossy), for messages.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The seam between the Graph client and the network: everything above it is testable with a
/// closure, everything below it is URLSession.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the response, whatever its status; throws
    /// ``TransportError`` when no response arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why no HTTP response arrived. The retry logic decides from this which failures are worth
/// another attempt.
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No response within the timeout. The request may or may not have reached the server.
    case timedOut
    /// The connection dropped after the request was (perhaps) sent.
    case connectionLost
    /// The server could not be reached at all (DNS, refused connection): the request was not sent.
    case cannotConnect(String)
    /// A TLS or certificate failure: retrying will not help.
    case insecureConnection(String)
    /// Anything else.
    case other(String)

    /// Whether the request is known not to have reached the server, so even a non-idempotent
    /// request may be sent again.
    public var requestWasNotSent: Bool {
        if case .cannotConnect = self { return true }
        return false
    }

    /// Whether another attempt may succeed.
    public var isTransient: Bool {
        switch self {
        case .timedOut, .connectionLost, .cannotConnect: true
        case .insecureConnection, .other: false
        }
    }

    /// One line for people, free of secrets.
    public var description: String {
        switch self {
        case .timedOut: "the request timed out"
        case .connectionLost: "the connection was lost"
        case .cannotConnect(let detail): "could not connect (\(detail))"
        case .insecureConnection(let detail): "the secure connection failed (\(detail))"
        case .other(let detail): detail
        }
    }
}

/// A transport answered by a closure: the fake used by tests, and an adapter for anything else.
public struct ClosureHTTPTransport: HTTPTransport {
    private let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse

    /// A transport that calls `handler` for every request.
    public init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) { self.handler = handler }

    /// Answers with the handler.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse { try await handler(request) }
}
