import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

@Suite("HTTP server, persistence, concurrency and the binary")
struct ServerTests {
    @Test("malformed requests get 400, oversize bodies 413, and the server keeps serving")
    func malformedAndOversize() async throws {
        var options = EmulatorOptions()
        options.maximumBodyBytes = 1000
        let harness = try Harness(options: options)
        defer { harness.stop() }
        let port = harness.server.port
        for garbage in [
            "garbage\r\n\r\n", "GET /x\r\n\r\n", "GET x HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            "PUT / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        ] {
            let answer = try RawHTTP.exchange(port: port, Array(garbage.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(garbage.debugDescription) → \(answer)")
        }
        let big = try RawHTTP.exchange(port: port, Array("PUT /v1.0/x HTTP/1.1\r\nContent-Length: 5000\r\n\r\n".utf8))
        #expect(big.hasPrefix("HTTP/1.1 413 "))
        let oversize = try await harness.send("PUT", "/v1.0/servicePrincipals", body: Data(repeating: 65, count: 2000))
        #expect(oversize.status == 413)
        let chunked = try RawHTTP.exchange(
            port: port, Array("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8))
        #expect(chunked.hasPrefix("HTTP/1.1 411 "))
        #expect(try await harness.send("GET", "/_emulator/faults").status == 200)
    }

    @Test("keep-alive serves several requests on one connection until Connection: close")
    func keepAlive() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let requests =
            "GET /_emulator/faults HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /_emulator/requests HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /_emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let answer = try RawHTTP.exchange(port: harness.server.port, Array(requests.utf8))
        #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 3)
        #expect(answer.contains("Connection: close"))
    }

    @Test("state persists to the state file and a new server starts from it")
    func persistence() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("state.json").path
        var options = EmulatorOptions()
        options.stateFile = file
        let first = try Harness(options: options)
        let token = try await first.token()
        let ids = try first.ids(tenant: "dev")
        let path = first.schemaPath(ids)
        var schema = try #require(try await first.graph("GET", path, token: token).json)
        edit(&schema, ["synchronizationRules", 0, "objectMappings", 0, "attributeMappings"]) { value in
            value = .array(Array(value.arrayValue!.prefix(2)))
        }
        edit(&schema, []) { value in
            var object = value.objectValue!
            object["keepMe"] = .number(JSONNumber(literal: "2.50"))
            value = .object(object)
        }
        #expect(try await first.graph("PUT", path, token: token, body: schema).status == 204)
        #expect(
            try await first.graph(
                "POST", "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs/\(ids.job)/start", token: token
            ).status == 204)
        first.stop()

        let reloaded = try EmulatorState(contentsOf: file)
        let second = try Harness(state: reloaded, options: options)
        defer { second.stop() }
        let secondToken = try await second.token()
        let stored = try #require(try await second.graph("GET", path, token: secondToken).json)
        #expect(stored["version"] == "v1.1")
        #expect(stored["keepMe"] == .number(JSONNumber(literal: "2.50")))
        #expect(stored["synchronizationRules"]?[0]?["objectMappings"]?[0]?["attributeMappings"]?.arrayValue?.count == 2)
        let job = try await second.graph(
            "GET", "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs/\(ids.job)", token: secondToken)
        #expect(job.json?["status"]?["code"] == "Active")
    }

    @Test("a minimal seed derives ids and default apps; bad seeds name the problem")
    func seed() throws {
        let state = try EmulatorState(
            json: try JSONParser.parse(
                #"{"tenants": [{"name": "qa", "servicePrincipals": [{"displayName": "Payroll", "templateId": "API2AD"}]}]}"#
            ))
        let qa = try #require(state.tenant(matching: "qa.contoso.example"))
        #expect(qa.id == DeterministicID.guid("tenant", "qa"))
        #expect(qa.servicePrincipals.count == 1)
        #expect(qa.servicePrincipals[0].jobs[0].id.hasPrefix("API2AD."))
        #expect(qa.clients.map(\.clientId).contains("syncschema-demo"))
        #expect(try EmulatorState(json: state.json) == state)
        #expect(throws: EmulatorStateError.self) {
            try EmulatorState(
                json: try JSONParser.parse(
                    #"{"tenants": [{"name": "qa", "servicePrincipals": [{"displayName": "x", "templateId": "Nope"}]}]}"#
                ))
        }
        #expect(throws: EmulatorStateError("$.tenants[0].name: expected a string")) {
            try EmulatorState(json: try JSONParser.parse(#"{"tenants": [{}]}"#))
        }
    }

    @Test("50 parallel clients: no lost updates, no crash")
    func concurrency() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let path = harness.schemaPath(try harness.ids())
        let schema = try #require(try await harness.graph("GET", path, token: token).json)
        let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<50 {
                group.addTask {
                    var document = schema
                    edit(&document, []) { value in
                        var object = value.objectValue!
                        object["writer"] = .int(index)
                        value = .object(object)
                    }
                    let put = try await harness.graph("PUT", path, token: token, body: document)
                    let get = try await harness.graph("GET", path, token: token)
                    return (put.status, get.status)
                }
            }
            var all: [(Int, Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(statuses.count == 50)
        #expect(statuses.allSatisfy { $0 == (204, 200) })
        let final = try #require(try await harness.graph("GET", path, token: token).json)
        #expect(final["version"] == "v1.50")
        #expect(final["writer"]?.intValue != nil)
        let log = try #require(try await harness.send("GET", "/_emulator/requests").json)
        #expect(log["count"]?.intValue == 1 + 1 + 100 + 1)
    }

    @Test("the graph-emulator binary prints its address first and serves")
    func binary() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [".build/debug/graph-emulator", ".build/release/graph-emulator"].map {
            root.appendingPathComponent($0).path
        }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("skipping: graph-emulator binary not built at \(candidates[0])")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--port", "0", "--fault-429-every", "1000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        let line = String(decoding: received, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        let url = try #require(URL(string: String(line.dropFirst("listening on ".count)) + "/_emulator/faults"))
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try JSONParser.parse(bytes: Array(data))["fault429Every"]?.intValue == 1000)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)

        // SIGINT right after the announcement still shuts down cleanly (no window where it is lost).
        let second = Process()
        second.executableURL = URL(fileURLWithPath: executable)
        let secondOutput = Pipe()
        second.standardOutput = secondOutput
        try second.run()
        var announced = Data()
        while !announced.contains(UInt8(ascii: "\n")) {
            let chunk = secondOutput.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            announced.append(chunk)
        }
        second.interrupt()
        second.waitUntilExit()
        #expect(second.terminationReason == .exit)
        #expect(second.terminationStatus == 0)
    }

    @Test("command line flags parse, with did-you-mean for typos")
    func commandLine() throws {
        let parsed = try EmulatorCommandLine(arguments: [
            "--port", "8080", "--fault-429-every=5", "--retry-after", "2", "--fault-5xx-rate", "0.25", "--fault-seed",
            "9",
            "--latency-ms", "10", "--slow-body-ms", "20", "--fault-drop-rate", "0.1", "--fault-429-rate", "0.5",
        ])
        #expect(parsed.port == 8080)
        #expect(parsed.faults.throttleEvery == 5)
        #expect(parsed.faults.retryAfterSeconds == 2)
        #expect(parsed.faults.serverErrorRate == 0.25)
        #expect(parsed.faults.seed == 9)
        #expect(parsed.faults.dropRate == 0.1)
        #expect(throws: EmulatorStateError("unknown option '--prot'; did you mean '--port'?")) {
            try EmulatorCommandLine(arguments: ["--prot", "1"])
        }
        #expect(throws: EmulatorStateError.self) { try EmulatorCommandLine(arguments: ["--fault-5xx-rate", "2"]) }
    }
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
