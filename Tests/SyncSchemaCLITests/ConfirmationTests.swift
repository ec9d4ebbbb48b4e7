import Foundation
import GraphEmulatorKit
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaGraph
import SyncSchemaTestSupport
import Testing

/// Interactive confirmation, which the end-to-end tests cannot reach (their stdin is never a
/// terminal): the CLI runs in process against an in-process emulator, with a scripted answer.
@Suite struct ConfirmationTests {
    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var queue: [String]
        private(set) var asked = 0
        init(_ answers: [String]) { queue = answers }
        func next() -> String? {
            lock.withLock {
                asked += 1
                return queue.isEmpty ? nil : queue.removeFirst()
            }
        }
    }

    /// Applies a one-line change to `environment` (made protected when asked), answering `answer`.
    func apply(_ environment: String, protected: Bool, answer: String) async throws -> (
        Int32, OutputBuffer, JSONValue, JSONValue, Answers, InMemoryFileSystem
    ) {
        let server = try EmulatorServer(state: .builtInDefault(), port: 0)
        try server.start()
        defer { server.stop() }
        let base = server.baseURL.absoluteString
        let root = Fixtures.repositoryRoot
        var environmentFile = try String(
            contentsOf: root.appendingPathComponent("environments/\(environment).json"), encoding: .utf8)
        environmentFile = environmentFile.replacingOccurrences(of: "http://127.0.0.1:8765", with: base)
        environmentFile = environmentFile.replacingOccurrences(
            of: #""protected": false"#, with: #""protected": \#(protected)"#)
        environmentFile = environmentFile.replacingOccurrences(
            of: #""protected": true"#, with: #""protected": \#(protected)"#)
        var schema = try String(contentsOf: root.appendingPathComponent("schemas/hr-employees.json"), encoding: .utf8)
        schema = schema.replacingOccurrences(
            of: #""targetAttributeName": "jobTitle", "source": "[title]""#,
            with: #""targetAttributeName": "jobTitle", "source": "ToUpper([title])""#)
        let fileSystem = InMemoryFileSystem(files: [
            "environments/\(environment).json": environmentFile, "schemas/hr-employees.json": schema,
        ])
        let answers = Answers([answer])
        let output = OutputBuffer()
        let variables = ["SYNCSCHEMA_DEMO_SECRET": "demo-secret"]
        let client = URLSessionTransport()
        let before = try liveSchema(server, environment)
        let code = await CLI.run(
            arguments: ["apply", "--env", environment],
            environment: CLIEnvironment(
                output: output.sink, errorOutput: output.sink, variables: variables, fileSystem: fileSystem,
                isInputTerminal: true, readLine: { answers.next() }, transport: client))
        let after = try liveSchema(server, environment)
        return (code, output, before, after, answers, fileSystem)
    }

    /// The job's stored schema (`null` while it is still the template's: nothing was written).
    func liveSchema(_ server: EmulatorServer, _ tenant: String) throws -> JSONValue {
        let state = server.state
        let job = try #require(
            state.tenants.first { $0.name == tenant }?.servicePrincipals.first { $0.displayName == "HR inbound" }?.jobs
                .first)
        return job.customSchema ?? .null
    }

    @Test func yesApplies() async throws {
        let (code, output, before, after, answers, fileSystem) = try await apply("dev", protected: false, answer: "yes")
        #expect(code == 0, "\(output.contents)")
        #expect(answers.asked == 1)
        #expect(output.contents.contains("Type 'yes' to confirm"))
        #expect(before != after)
        #expect(fileSystem.paths.contains { $0.hasPrefix("snapshots/dev/hr-employees/") })
    }

    @Test func anythingElseLeavesLiveAlone() async throws {
        let (code, output, before, after, _, fileSystem) = try await apply("dev", protected: false, answer: "y")
        #expect(code == 1)
        #expect(output.contents.contains("not applied (confirmation was not 'yes')"))
        #expect(before == after)
        #expect(!fileSystem.paths.contains { $0.hasPrefix("snapshots/") }, "no snapshot without a write")
    }

    @Test func protectedEnvironmentsAskForTheirName() async throws {
        let (refused, refusedOutput, before, after, _, _) = try await apply("prod", protected: true, answer: "yes")
        #expect(refused == 1)
        #expect(refusedOutput.contents.contains("Type 'prod' to confirm"))
        #expect(before == after)
        let (code, output, _, applied, _, _) = try await apply("prod", protected: true, answer: "prod")
        #expect(code == 0, "\(output.contents)")
        #expect(applied != before)
    }
}
