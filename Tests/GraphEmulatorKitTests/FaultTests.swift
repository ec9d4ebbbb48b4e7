import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

@Suite("Fault injection and the request log")
struct FaultTests {
    static func options(_ change: (inout FaultSettings) -> Void) -> EmulatorOptions {
        var options = EmulatorOptions()
        change(&options.faults)
        return options
    }

    @Test("every Nth request gets 429 with Retry-After; /_emulator is never faulted")
    func throttleEveryN() async throws {
        let harness = try Harness(
            options: Self.options {
                $0.throttleEvery = 3; $0.retryAfterSeconds = 7
            })
        defer { harness.stop() }
        var statuses: [Int] = []
        for _ in 0..<6 {
            let reply = try await harness.send("GET", "/v1.0/servicePrincipals")
            statuses.append(reply.status)
            if reply.status == 429 {
                #expect(reply.header("Retry-After") == "7")
                #expect(reply.json?["error"]?["code"] == "TooManyRequests")
            }
            #expect(try await harness.send("GET", "/_emulator/requests").status == 200)
        }
        #expect(statuses == [401, 401, 429, 401, 401, 429])
        let log = try #require(try await harness.send("GET", "/_emulator/requests").json)
        #expect(log["count"]?.intValue == 6)
        #expect(log["value"]?[2]?["status"]?.intValue == 429)
        #expect(log["value"]?[2]?["fault"] == "429")
        #expect(log["value"]?[0]?["path"] == "/v1.0/servicePrincipals")
    }

    @Test("probabilistic faults are reproducible from the seed")
    func seededRates() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            let harness = try Harness(
                options: Self.options {
                    $0.throttleRate = 0.3; $0.serverErrorRate = 0.3; $0.seed = seed
                })
            defer { harness.stop() }
            var statuses: [Int] = []
            for _ in 0..<30 { statuses.append(try await harness.send("GET", "/v1.0/servicePrincipals").status) }
            return statuses
        }
        let first = try await run(seed: 42)
        let second = try await run(seed: 42)
        let other = try await run(seed: 7)
        #expect(first == second)
        #expect(first != other)
        #expect(first.contains(429))
        #expect(first.contains { $0 == 500 || $0 == 503 })
        #expect(first.contains(401))
    }

    @Test("5xx rate 1 answers 500 or 503; faults switch at runtime")
    func serverErrorsAndRuntimeSwitch() async throws {
        let harness = try Harness(options: Self.options { $0.serverErrorRate = 1 })
        defer { harness.stop() }
        for _ in 0..<5 {
            let reply = try await harness.send("GET", "/v1.0/servicePrincipals")
            #expect(reply.status == 500 || reply.status == 503)
            if reply.status == 503 { #expect(reply.header("Retry-After") == "1") }
        }
        let switched = try await harness.send(
            "POST", "/_emulator/faults", body: Data(#"{"fault429Every": 2, "retryAfter": 3}"#.utf8))
        #expect(switched.status == 200)
        #expect(switched.json?["fault5xxRate"]?.intValue == nil)
        #expect(try await harness.send("GET", "/v1.0/servicePrincipals").status == 401)
        let throttled = try await harness.send("GET", "/v1.0/servicePrincipals")
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "3")
        #expect(try await harness.send("POST", "/_emulator/faults", body: Data(#"{"bogus": 1}"#.utf8)).status == 400)
        #expect(try await harness.send("GET", "/_emulator/faults").json?["fault429Every"]?.intValue == 2)
    }

    @Test("dropped connections fail the request; latency and slow bodies delay it")
    func dropLatencySlowBody() async throws {
        let harness = try Harness(options: Self.options { $0.dropRate = 1 })
        defer { harness.stop() }
        await #expect(throws: (any Error).self) { _ = try await harness.send("GET", "/v1.0/servicePrincipals") }
        let log = try #require(try await harness.send("GET", "/_emulator/requests").json)
        #expect(log["value"]?.arrayValue?.allSatisfy { $0["fault"] == "drop" && $0["status"]?.intValue == 0 } == true)

        _ = try await harness.send("POST", "/_emulator/faults", body: Data(#"{"latencyMs": 120}"#.utf8))
        _ = try await harness.send("DELETE", "/_emulator/requests")
        let started = Date()
        #expect(try await harness.send("GET", "/v1.0/servicePrincipals").status == 401)
        #expect(Date().timeIntervalSince(started) >= 0.12)
        let logged = try #require(
            try await harness.send("GET", "/_emulator/requests").json?["value"]?[0]?["durationMs"])
        guard case .number(let duration) = logged else { Issue.record("durationMs not a number"); return }
        #expect((duration.doubleValue ?? 0) >= 120)

        _ = try await harness.send("POST", "/_emulator/faults", body: Data(#"{"slowBodyMs": 150}"#.utf8))
        let slowStart = Date()
        let slow = try await harness.send("GET", "/v1.0/servicePrincipals")
        #expect(slow.status == 401)
        #expect(slow.json?["error"]?["code"] == "InvalidAuthenticationToken")
        #expect(Date().timeIntervalSince(slowStart) >= 0.13)
    }

    @Test("request log clears and reset restores the initial state")
    func logAndReset() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let path = harness.schemaPath(try harness.ids())
        #expect(try await harness.send("DELETE", "/_emulator/requests").status == 204)
        #expect(try await harness.graph("DELETE", path, token: token).status == 204)
        #expect(try await harness.graph("GET", path, token: token).json?["version"] == "v1.1")
        let log = try #require(try await harness.send("GET", "/_emulator/requests").json)
        #expect(log["value"]?.arrayValue?.map { $0["method"] } == ["DELETE", "GET"])
        #expect(!JSONWriter.compact(log).contains(token))
        #expect(try await harness.send("POST", "/_emulator/reset").status == 204)
        #expect(try await harness.graph("GET", path, token: token).json?["version"] == "v1.0")
        let tenants = try await harness.send("GET", "/_emulator/tenants")
        #expect(tenants.json?["value"]?.arrayValue?.map { $0["name"] } == ["dev", "test", "prod"])
    }
}
