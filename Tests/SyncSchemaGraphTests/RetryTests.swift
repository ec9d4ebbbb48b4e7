import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

@Suite struct RetryTests {
    let schemaPath = GraphPath("servicePrincipals", "sp", "synchronization", "jobs", "job", "schema")

    @Test func throttlingHonoursRetryAfterSeconds() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([
            Stub.json(
                429, #"{"error":{"code":"TooManyRequests","message":"slow down"}}"#, headers: [("Retry-After", "7")]),
            Stub.json(429, "{}", headers: [("Retry-After", "3")]),
            Stub.json(200, #"{"version":"1"}"#),
        ])
        let client = makeClient(transport: transport, clock: clock)
        let schema = try await client.get(schemaPath, purpose: "read the schema")
        #expect(schema == ["version": "1"])
        #expect(clock.sleeps == [.seconds(7), .seconds(3)])
        #expect(transport.requests.count == 3)
    }

    @Test func serviceUnavailableHonoursRetryAfterHTTPDate() async throws {
        let clock = TestClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        // 1_800_000_020 is Fri, 15 Jan 2027 08:00:20 GMT: twenty seconds after the clock's start.
        let transport = ScriptedTransport([
            Stub.status(503, headers: [("Retry-After", "Fri, 15 Jan 2027 08:00:20 GMT")]),
            Stub.json(200, "{}"),
        ])
        let client = makeClient(transport: transport, clock: clock)
        _ = try await client.get(schemaPath, purpose: "read the schema")
        #expect(clock.sleeps == [.seconds(20)])
    }

    @Test func serverErrorsBackOffExponentiallyWithJitter() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([Stub.status(500), Stub.status(502), Stub.status(504), Stub.json(200, "{}")])
        let client = makeClient(transport: transport, clock: clock, random: 0.5)
        _ = try await client.get(schemaPath, purpose: "read the schema")
        // Full jitter at 0.5 of ceilings 1 s, 2 s, 4 s.
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(2)])
    }

    @Test func backoffIsBoundedByMaxDelayAndAttempts() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([], fallback: Stub.status(503))
        let policy = RetryPolicy(
            maxAttempts: 7, baseDelay: .seconds(1), maxDelay: .seconds(4), totalBudget: .seconds(1000))
        let client = makeClient(transport: transport, clock: clock, random: 1.0, retry: policy)
        let text = await errorText { _ = try await client.get(schemaPath, purpose: "read the schema") }
        #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4), .seconds(4)])
        #expect(transport.requests.count == 7)
        #expect(text.contains("HTTP 503 Service Unavailable after 7 attempts"))
    }

    @Test func totalBudgetStopsRetrying() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport(
            [
                Stub.json(
                    429, #"{"error":{"code":"TooManyRequests","message":"Too many requests"}}"#,
                    headers: [("Retry-After", "30"), ("request-id", "req-429")])
            ],
            fallback: Stub.json(
                429, #"{"error":{"code":"TooManyRequests","message":"Too many requests"}}"#,
                headers: [("Retry-After", "45"), ("request-id", "req-429")]))
        let policy = RetryPolicy(maxAttempts: 10, totalBudget: .seconds(60))
        let client = makeClient(transport: transport, clock: clock, retry: policy)
        let text = await errorText { _ = try await client.get(schemaPath, purpose: "read the schema") }
        // 30 s fits the budget; 30 + 45 does not, so it gives up instead of waiting.
        #expect(clock.sleeps == [.seconds(30)])
        #expect(transport.requests.count == 2)
        #expect(
            text
                == "Could not read the schema (GET /v1.0/servicePrincipals/sp/synchronization/jobs/job/schema): HTTP 429 Too Many Requests after 2 attempts, TooManyRequests: Too many requests (request-id req-429); Graph is throttling this app; retry later"
        )
    }

    @Test func timeoutsAndDroppedConnectionsAreRetriedForReads() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([Stub.fail(.timedOut), Stub.fail(.connectionLost), Stub.json(200, "{}")])
        let client = makeClient(transport: transport, clock: clock)
        _ = try await client.get(schemaPath, purpose: "read the schema")
        #expect(clock.sleeps.count == 2)
        #expect(transport.requests.count == 3)
    }

    @Test func schemaPutIsRetriedBecauseItIsIdempotent() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([Stub.status(500), Stub.fail(.timedOut), Stub.status(204)])
        let client = makeClient(transport: transport, clock: clock)
        try await client.putSchema(servicePrincipalID: "sp", jobID: "job", schema: ["version": "1"])
        #expect(transport.requests.count == 3)
        #expect(transport.requests.allSatisfy { $0.method == .put && $0.body == Data(#"{ "version": "1" }"#.utf8) })
    }

    @Test func restartIsNotRepeatedAfterAnAmbiguousFailure() async throws {
        for failure in [Stub.status(500), Stub.fail(.timedOut), Stub.fail(.connectionLost)] {
            let clock = TestClock()
            let transport = ScriptedTransport([failure], fallback: Stub.status(204))
            let client = makeClient(transport: transport, clock: clock)
            await #expect(throws: GraphError.self) {
                try await client.restartJob(servicePrincipalID: "sp", jobID: "job")
            }
            #expect(transport.requests.count == 1)
            #expect(clock.sleeps.isEmpty)
        }
    }

    @Test func restartIsRepeatedWhenTheServerSurelyDidNotAct() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([
            Stub.status(429, headers: [("Retry-After", "2")]), Stub.fail(.cannotConnect("refused")), Stub.status(204),
        ])
        let client = makeClient(transport: transport, clock: clock)
        try await client.restartJob(servicePrincipalID: "sp", jobID: "job", resetScope: "Full")
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps.first == .seconds(2))
        #expect(
            String(decoding: transport.requests[2].body ?? Data(), as: UTF8.self)
                == #"{ "criteria": { "resetScope": "Full" } }"#)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([Stub.status(400)], fallback: Stub.json(200, "{}"))
        let client = makeClient(transport: transport, clock: clock)
        await #expect(throws: GraphError.self) { _ = try await client.get(schemaPath, purpose: "read the schema") }
        #expect(transport.requests.count == 1)
    }

    @Test func backoffFormulaIsFullJitterUnderACeiling() {
        let policy = RetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(10))
        #expect(policy.backoff(beforeRetry: 1, random: 0.25) == .milliseconds(500))
        #expect(policy.backoff(beforeRetry: 3, random: 1) == .seconds(8))
        #expect(policy.backoff(beforeRetry: 9, random: 1) == .seconds(10))
        #expect(policy.backoff(beforeRetry: 9, random: 0) == .zero)
    }
}

@Suite struct TokenCacheTests {
    @Test func oneTokenPerTenantForConcurrentRequests() async throws {
        let clock = TestClock()
        let provider = CountingTokenProvider(clock: clock)
        let transport = ScriptedTransport([], fallback: Stub.json(200, "{}"))
        let client = makeClient(transport: transport, clock: clock, tokens: provider)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask { _ = try await client.get(GraphPath("servicePrincipals", "\(index)"), purpose: "read") }
            }
            try await group.waitForAll()
        }
        #expect(provider.calls == 1)
        #expect(
            transport.requests.allSatisfy { $0.headers["Authorization"] == "Bearer token-contoso.onmicrosoft.com-1" })
    }

    @Test func anExpiringTokenIsRefreshed() async throws {
        let clock = TestClock()
        let provider = CountingTokenProvider(clock: clock, lifetime: 3600)
        let transport = ScriptedTransport([], fallback: Stub.json(200, "{}"))
        let client = makeClient(transport: transport, clock: clock, tokens: provider)
        _ = try await client.get(GraphPath("a"), purpose: "read")
        clock.advance(by: 3000)  // 600 s left: still good
        _ = try await client.get(GraphPath("a"), purpose: "read")
        #expect(provider.calls == 1)
        clock.advance(by: 400)  // 200 s left: within the five-minute refresh margin
        _ = try await client.get(GraphPath("a"), purpose: "read")
        #expect(provider.calls == 2)
        #expect(transport.requests.last?.headers["Authorization"] == "Bearer token-contoso.onmicrosoft.com-2")
    }

    @Test func aRejectedTokenIsReplacedOnce() async throws {
        let clock = TestClock()
        let provider = CountingTokenProvider(clock: clock)
        let transport = ScriptedTransport([Stub.status(401), Stub.status(401)], fallback: Stub.json(200, "{}"))
        let client = makeClient(transport: transport, clock: clock, tokens: provider)
        let text = await errorText { _ = try await client.get(GraphPath("a"), purpose: "read a") }
        #expect(provider.calls == 2)
        #expect(transport.requests.count == 2)
        #expect(text.contains("HTTP 401 Unauthorized"))
        #expect(text.contains("check the credentials"))
    }
}
