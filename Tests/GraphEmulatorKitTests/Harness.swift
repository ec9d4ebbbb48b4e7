import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP answer as the tests look at it.
struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(bytes: Array(body)) }

    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A running emulator on a free port plus a URLSession to talk to it over real HTTP.
final class Harness: Sendable {
    let server: EmulatorServer
    let session: URLSession

    init(state: EmulatorState = .builtInDefault(), options: EmulatorOptions = EmulatorOptions()) throws {
        server = try EmulatorServer(state: state, port: 0, options: options)
        try server.start()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    func stop() {
        session.invalidateAndCancel()
        server.stop()
    }

    var base: String { "http://127.0.0.1:\(server.port)" }

    func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    /// POSTs a form to the token endpoint.
    func tokenRequest(tenant: String, fields: [(String, String)]) async throws -> Reply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return try await send(
            "POST", "/\(tenant)/oauth2/v2.0/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data(body.utf8))
    }

    /// A token for a client with a secret.
    func token(tenant: String = "dev", client: String = "syncschema-demo", secret: String = "demo-secret")
        async throws -> String
    {
        let reply = try await tokenRequest(
            tenant: tenant,
            fields: [
                ("grant_type", "client_credentials"), ("client_id", client), ("client_secret", secret),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
        #expect(reply.status == 200, "token request failed: \(reply.text)")
        return try #require(reply.json?["access_token"]?.stringValue)
    }

    /// A Graph call with a bearer token.
    func graph(_ method: String, _ path: String, token: String, body: JSONValue? = nil, raw: Data? = nil)
        async throws -> Reply
    {
        var headers = ["Authorization": "Bearer \(token)"]
        var data = raw
        if let body {
            data = Data(JSONWriter.compact(body).utf8)
        }
        if data != nil { headers["Content-Type"] = "application/json" }
        return try await send(method, path, headers: headers, body: data)
    }

    /// Ids of a tenant's first job on the named service principal.
    func ids(tenant: String = "dev", servicePrincipal: String = "HR inbound") throws -> (sp: String, job: String) {
        let state = server.state
        let found = try #require(state.tenant(matching: tenant))
        let sp = try #require(found.servicePrincipals.first { $0.displayName == servicePrincipal })
        return (sp.id, sp.jobs[0].id)
    }

    func schemaPath(_ ids: (sp: String, job: String), version: String = "v1.0") -> String {
        "/\(version)/servicePrincipals/\(ids.sp)/synchronization/jobs/\(ids.job)/schema"
    }
}

/// A tiny raw-socket client for requests URLSession will not send (malformed, pipelined).
enum RawHTTP {
    /// Sends `bytes`, then reads until the server closes or `expectResponses` answers arrived.
    static func exchange(port: Int, _ bytes: [UInt8], closeAfterSend: Bool = false) throws -> String {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        if closeAfterSend { shutdown(descriptor, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// base64url without padding, for building test JWTs.
func base64URL(_ text: String) -> String {
    Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

extension JSONValue {
    /// Array element lookup for tests; `nil` when out of range or not an array.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
