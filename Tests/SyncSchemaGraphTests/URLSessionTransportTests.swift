import Foundation
import Testing

@testable import SyncSchemaGraph

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `URLProtocol` answering requests to hosts registered by each test (a unique host per test, so
/// tests can run in parallel). Nothing leaves the process.
final class StubURLProtocol: URLProtocol {
    enum Answer: Sendable {
        case response(status: Int, headers: [String: String], body: Data)
        case failure(URLError.Code)
    }

    struct Seen: Sendable {
        var method: String
        var url: String
        var headers: [String: String]
        var body: Data?
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var answers: [String: Answer] = [:]
    nonisolated(unsafe) private static var seen: [String: [Seen]] = [:]

    static func register(host: String, _ answer: Answer) { lock.withLock { answers[host] = answer } }
    static func requests(host: String) -> [Seen] { lock.withLock { seen[host] ?? [] } }

    override class func canInit(with request: URLRequest) -> Bool {
        guard let host = request.url?.host else { return false }
        return lock.withLock { answers[host] != nil }
    }

    override class func canonicalRequest(for request: URLRequest) -> URLRequest { request }

    override func startLoading() {
        let host = request.url?.host ?? ""
        var body = request.httpBody
        if body == nil, let stream = request.httpBodyStream {
            stream.open()
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while stream.hasBytesAvailable {
                let count = stream.read(&buffer, maxLength: buffer.count)
                if count <= 0 { break }
                data.append(buffer, count: count)
            }
            stream.close()
            body = data
        }
        let record = Seen(
            method: request.httpMethod ?? "", url: request.url?.absoluteString ?? "",
            headers: request.allHTTPHeaderFields ?? [:], body: body)
        let answer = Self.lock.withLock {
            Self.seen[host, default: []].append(record)
            return Self.answers[host]
        }
        switch answer {
        case .response(let status, let headers, let body)?:
            let response = HTTPURLResponse(
                url: request.url!, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers)!
            client?.urlProtocol(self, didReceive: response, cacheStoragePolicy: .notAllowed)
            client?.urlProtocol(self, didLoad: body)
            client?.urlProtocolDidFinishLoading(self)
        case .failure(let code)?:
            client?.urlProtocol(self, didFailWithError: URLError(code))
        case nil:
            client?.urlProtocol(self, didFailWithError: URLError(.unsupportedURL))
        }
    }

    override func stopLoading() {}
}

@Suite struct URLSessionTransportTests {
    func uniqueHost() -> String { "stub-\(UUID().uuidString.lowercased()).test" }

    @Test func sendsMethodHeadersAndBodyAndReturnsTheResponse() async throws {
        let host = uniqueHost()
        StubURLProtocol.register(
            host: host,
            .response(
                status: 201, headers: ["request-id": "r-1", "Content-Type": "application/json"],
                body: Data(#"{"ok":true}"#.utf8)))
        let transport = URLSessionTransport(protocolClasses: [StubURLProtocol.self])
        let response = try await transport.send(
            HTTPRequest(
                method: .put, url: URL(string: "https://\(host)/v1.0/x")!,
                headers: ["Content-Type": "application/json", "Authorization": "Bearer t"], body: Data("{}".utf8)))
        #expect(response.status == 201)
        #expect(response.headers["Request-Id"] == "r-1")
        #expect(response.body == Data(#"{"ok":true}"#.utf8))
        let seen = try #require(StubURLProtocol.requests(host: host).first)
        #expect(seen.method == "PUT")
        #expect(seen.url == "https://\(host)/v1.0/x")
        #expect(seen.headers["Authorization"] == "Bearer t")
        #expect(seen.body == Data("{}".utf8))
    }

    @Test(arguments: [
        (URLError.Code.timedOut, TransportError.timedOut),
        (URLError.Code.networkConnectionLost, TransportError.connectionLost),
    ])
    func urlErrorsBecomeTransportErrors(_ code: URLError.Code, _ expected: TransportError) async throws {
        let host = uniqueHost()
        StubURLProtocol.register(host: host, .failure(code))
        let transport = URLSessionTransport(protocolClasses: [StubURLProtocol.self])
        do {
            _ = try await transport.send(HTTPRequest(method: .get, url: URL(string: "https://\(host)/")!))
            Issue.record("expected an error")
        } catch let error as TransportError {
            #expect(error == expected)
        }
    }

    @Test func requestsWithABodyUseAFreshConnectionOnLinux() {
        let url = URL(string: "https://graph.example/v1.0/x")!
        #expect(!URLSessionTransport.usesFreshConnection(HTTPRequest(method: .get, url: url)))
        #expect(!URLSessionTransport.usesFreshConnection(HTTPRequest(method: .put, url: url, body: Data())))
        #if canImport(FoundationNetworking)
            #expect(URLSessionTransport.usesFreshConnection(HTTPRequest(method: .put, url: url, body: Data("{}".utf8))))
        #endif
    }

    @Test func refusedConnectionsAreMarkedAsNotSent() async throws {
        let host = uniqueHost()
        StubURLProtocol.register(host: host, .failure(.cannotConnectToHost))
        let transport = URLSessionTransport(protocolClasses: [StubURLProtocol.self])
        do {
            _ = try await transport.send(HTTPRequest(method: .post, url: URL(string: "https://\(host)/")!))
            Issue.record("expected an error")
        } catch let error as TransportError {
            #expect(error.requestWasNotSent)
        }
    }
}
