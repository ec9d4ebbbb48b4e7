import Testing

@testable import SyncSchemaCLI

@Suite struct WorkspaceTests {
    @Test func targetsStartRoundRobinOverEnvironments() {
        let environments = ["dev", "dev", "dev", "test", "test", "prod"]
        #expect(Workspace.startOrder(environments) == [0, 3, 5, 1, 4, 2])
        #expect(Workspace.startOrder(["dev", "dev"]) == [0, 1])
        #expect(Workspace.startOrder([]) == [])
    }

    @Test func retryBaseDelayComesFromTheEnvironmentVariable() {
        #expect(Workspace.retryPolicy([:]) == .default)
        #expect(Workspace.retryPolicy(["SYNCSCHEMA_RETRY_BASE_DELAY_MS": "20"]).baseDelay == .milliseconds(20))
        #expect(Workspace.retryPolicy(["SYNCSCHEMA_RETRY_BASE_DELAY_MS": "soon"]) == .default)
    }
}
