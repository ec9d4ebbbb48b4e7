import Foundation
import SyncSchemaCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One entry of the emulator's request log (`GET /_emulator/requests`).
public struct LoggedRequest: Hashable, Sendable, CustomStringConvertible {
    /// `GET`, `PUT`, `POST`…
    public let method: String
    /// The path, without the query.
    public let path: String
    /// The status sent, 0 for a dropped connection.
    public let status: Int
    /// The injected fault (`429`, `500`, `503`, `drop`), if any.
    public let fault: String?

    /// Whether this is a token request (`/{tenant}/oauth2/v2.0/token`).
    public var isToken: Bool { path.hasSuffix("/oauth2/v2.0/token") }
    /// Whether this is a request for a job's schema.
    public var isSchema: Bool { path.hasSuffix("/schema") }

    /// `GET /v1.0/… 200`, for failure messages.
    public var description: String { "\(method) \(path) \(status)\(fault.map { " (fault \($0))" } ?? "")" }
}

/// The built `graph-emulator` binary running as a child process on a free port, for one test.
///
/// It is started with `--port 0`, its address read from the first line it prints, and it is
/// stopped with SIGTERM by ``stop()`` or when the value is released.
public final class EmulatorProcess: @unchecked Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let process: Process
    private let session: URLSession
    private let lock = NSLock()

    /// Starts `graph-emulator --port 0 extraArguments…` and waits (at most 20 s) for its first line.
    public init(arguments extraArguments: [String] = []) throws {
        let executable = try BuiltBinary.url("graph-emulator")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0"] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let box = DataBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var received = Data()
            while !received.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            box.set(received)
            done.signal()
        }
        guard done.wait(timeout: .now() + 20) == .success else {
            process.terminate()
            process.waitUntilExit()
            throw EndToEndError("graph-emulator printed no address within 20 seconds")
        }
        let line = String(decoding: box.value, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let prefix = "listening on "
        guard line.hasPrefix(prefix + "http://127.0.0.1:") else {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            throw EndToEndError(
                "graph-emulator did not announce its address (first line: '\(line)', exit \(process.isRunning ? "-" : "\(process.terminationStatus)"))"
            )
        }
        self.baseURL = String(line.dropFirst(prefix.count))
        self.process = process
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    deinit { stop() }

    /// Stops the emulator with SIGTERM and waits for it to exit. Safe to call more than once.
    public func stop() {
        lock.withLock {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        session.finishTasksAndInvalidate()
    }

    // MARK: - HTTP

    /// Sends a request to the emulator and returns status and body.
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil)
        async throws -> (status: Int, body: Data)
    {
        guard let url = URL(string: baseURL + path) else { throw EndToEndError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Sends a request and parses the JSON answer, failing on a non-2xx status.
    public func json(_ method: String, _ path: String, headers: [String: String] = [:], body: JSONValue? = nil)
        async throws -> JSONValue
    {
        var headers = headers
        if body != nil { headers["Content-Type"] = "application/json" }
        let (status, data) = try await send(
            method, path, headers: headers, body: body.map { Data(JSONWriter.compact($0).utf8) })
        guard (200..<300).contains(status) else {
            throw EndToEndError("\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return data.isEmpty ? .null : try JSONParser.parse(bytes: Array(data))
    }

    // MARK: - Control routes

    /// The request log since the start or the last ``clearRequests()``.
    public func requests() async throws -> [LoggedRequest] {
        let log = try await json("GET", "/_emulator/requests")
        return (log["value"]?.arrayValue ?? []).map { entry in
            LoggedRequest(
                method: entry["method"]?.stringValue ?? "", path: entry["path"]?.stringValue ?? "",
                status: entry["status"]?.intValue ?? -1, fault: entry["fault"]?.stringValue)
        }
    }

    /// Empties the request log.
    public func clearRequests() async throws {
        _ = try await json("DELETE", "/_emulator/requests")
    }

    /// Replaces the fault settings (`{"fault429Rate": 1, "retryAfter": 0, …}`; `[:]` turns them off).
    public func setFaults(_ settings: JSONValue) async throws {
        _ = try await json("POST", "/_emulator/faults", body: settings)
    }

    /// `GET /_emulator/tenants`: tenants, their extension app ids, service principals and job ids.
    public func tenants() async throws -> JSONValue {
        try await json("GET", "/_emulator/tenants")
    }

    /// The ids of a tenant's service principal (by display name) and its first job.
    public func ids(tenant: String, servicePrincipal: String) async throws -> (
        tenantID: String, servicePrincipalID: String, jobID: String
    ) {
        let all = try await tenants()
        guard let entry = all["value"]?.arrayValue?.first(where: { $0["name"]?.stringValue == tenant }),
            let principal = entry["servicePrincipals"]?.arrayValue?.first(where: {
                $0["displayName"]?.stringValue == servicePrincipal
            }),
            let principalID = principal["id"]?.stringValue,
            let jobID = principal["jobs"]?.arrayValue?.first?["id"]?.stringValue,
            let tenantID = entry["id"]?.stringValue
        else {
            throw EndToEndError(
                "the emulator has no service principal '\(servicePrincipal)' with a job in tenant '\(tenant)'")
        }
        return (tenantID, principalID, jobID)
    }

    // MARK: - Graph, directly

    /// A token of `syncschema-demo` for a tenant.
    public func token(tenant: String, secret: String = "demo-secret") async throws -> String {
        let form = [
            "grant_type=client_credentials", "client_id=syncschema-demo", "client_secret=\(secret)",
            "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
        ].joined(separator: "&")
        let answer = try await json(
            "POST", "/\(tenant)/oauth2/v2.0/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            bodyData: Data(form.utf8))
        guard let token = answer["access_token"]?.stringValue else {
            throw EndToEndError("no access_token in the token answer")
        }
        return token
    }

    private func json(_ method: String, _ path: String, headers: [String: String], bodyData: Data) async throws
        -> JSONValue
    {
        let (status, data) = try await send(method, path, headers: headers, body: bodyData)
        guard (200..<300).contains(status) else {
            throw EndToEndError("\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONParser.parse(bytes: Array(data))
    }

    /// The live raw schema of a tenant's service principal's job, read directly (not through syncschema).
    public func schema(tenant: String, servicePrincipal: String = "HR inbound") async throws -> JSONValue {
        let ids = try await ids(tenant: tenant, servicePrincipal: servicePrincipal)
        let token = try await token(tenant: tenant)
        return try await json(
            "GET", "/v1.0/servicePrincipals/\(ids.servicePrincipalID)/synchronization/jobs/\(ids.jobID)/schema",
            headers: ["Authorization": "Bearer \(token)"])
    }

    /// Replaces a job's schema directly, as another writer would.
    public func putSchema(_ schema: JSONValue, tenant: String, servicePrincipal: String = "HR inbound") async throws {
        let ids = try await ids(tenant: tenant, servicePrincipal: servicePrincipal)
        let token = try await token(tenant: tenant)
        _ = try await json(
            "PUT", "/v1.0/servicePrincipals/\(ids.servicePrincipalID)/synchronization/jobs/\(ids.jobID)/schema",
            headers: ["Authorization": "Bearer \(token)"], body: schema)
    }
}

/// Carries bytes from a reader thread.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    var value: Data { lock.withLock { data } }
    func set(_ value: Data) { lock.withLock { data = value } }
}
