import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The production transport: Foundation's URLSession with no cache, no cookies and no credential
/// storage (a CLI run must not leave tokens or responses behind), and URL errors mapped to
/// ``TransportError`` so the retry logic can tell a timeout from a refused connection.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let configuration: URLSessionConfiguration

    /// A transport over a fresh ephemeral session.
    ///
    /// - Parameters:
    ///   - resourceTimeout: the longest a whole request may take, retries of the transport included.
    ///   - protocolClasses: extra `URLProtocol` classes consulted first (tests use a stub).
    public init(resourceTimeout: TimeInterval = 300, protocolClasses: [AnyClass] = []) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.timeoutIntervalForResource = resourceTimeout
        if !protocolClasses.isEmpty {
            configuration.protocolClasses = protocolClasses + (configuration.protocolClasses ?? [])
        }
        self.configuration = configuration
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends `request` and returns whatever response arrives; throws ``TransportError`` when none does.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(
            url: request.url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        urlRequest.httpBody = request.body
        // On Linux, a request with a body sent on a reused keep-alive connection that the server
        // then drops is retried by libcurl on a new connection without its body, and the failure
        // surfaces only when the server gives up waiting (30 s with the emulator; `make soak`
        // found it). A fresh connection for each such request — PUTs and token POSTs, a few per
        // run — makes a drop fail at once, and the retry policy takes over.
        let fresh = Self.usesFreshConnection(request)
        let session = fresh ? URLSession(configuration: configuration) : self.session
        defer { if fresh { session.finishTasksAndInvalidate() } }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError {
            throw Self.transportError(error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError.other(String(describing: error))
        }
        guard let http = response as? HTTPURLResponse else {
            throw TransportError.other("the response was not an HTTP response")
        }
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// Whether `request` goes over a connection of its own (see ``send(_:)``): on Linux, when it
    /// has a body.
    static func usesFreshConnection(_ request: HTTPRequest) -> Bool {
        #if canImport(FoundationNetworking)
            return !(request.body?.isEmpty ?? true)
        #else
            return false
        #endif
    }

    /// Maps URLSession's error codes onto the few cases the retry logic distinguishes.
    static func transportError(_ error: URLError) -> TransportError {
        switch error.code {
        case .timedOut:
            .timedOut
        case .networkConnectionLost, .badServerResponse, .zeroByteResource:
            .connectionLost
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            .cannotConnect(error.localizedDescription)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            .insecureConnection(error.localizedDescription)
        case .cancelled:
            .other("the request was cancelled")
        default:
            .other(error.localizedDescription)
        }
    }
}
