import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@testable import GraphEmulatorKit

/// One end-to-end test's world: its own `graph-emulator` process and its own copy of the example
/// project pointing at it. Nothing is shared between tests, so they run in parallel.
final class Scenario: Sendable {
    let emulator: EmulatorProcess
    let project: TemporaryProject

    /// The secret the example environments read from `SYNCSCHEMA_DEMO_SECRET`.
    static let secret = "demo-secret"
    static let schemaPath = "schemas/hr-employees.json"

    init(emulatorArguments: [String] = []) throws {
        emulator = try EmulatorProcess(arguments: emulatorArguments)
        project = try TemporaryProject(pointingAt: emulator.baseURL)
    }

    deinit { emulator.stop() }

    /// Runs the real `syncschema` binary in the project, signed in with the demo secret.
    func syncschema(_ arguments: String..., secret: String = Scenario.secret, stdin: String = "") async throws
        -> RunResult
    {
        try await SyncSchemaRunner.run(
            arguments, in: project.directory, environment: ["SYNCSCHEMA_DEMO_SECRET": secret], stdin: stdin)
    }

    /// The live raw schema of `HR inbound` in a tenant, read directly from the emulator.
    func live(_ tenant: String) async throws -> JSONValue {
        try await emulator.schema(tenant: tenant)
    }

    /// Edits the schema file by replacing one exact piece of text, which must occur once.
    func editSchema(replacing old: String, with new: String) throws {
        let text = try project.read(Self.schemaPath)
        let parts = text.components(separatedBy: old)
        #expect(parts.count == 2, "expected exactly one '\(old)' in \(Self.schemaPath)")
        try project.write(Self.schemaPath, parts.joined(separator: new))
    }

    /// The one-line change most tests make: the `jobTitle` mapping's source expression.
    static let jobTitleBefore = #"{ "targetAttributeName": "jobTitle", "source": "[title]" },"#
    static let jobTitleAfter = #"{ "targetAttributeName": "jobTitle", "source": "ToUpper([title])" },"#

    /// Changes the `jobTitle` mapping to `ToUpper([title])`.
    func changeJobTitle() throws { try editSchema(replacing: Self.jobTitleBefore, with: Self.jobTitleAfter) }

    /// Rewrites `environments/<env>.json` to name the service principal by object id and the job
    /// by job id (ids from `GET /_emulator/tenants`), so no lookup requests are needed.
    func useIDLocators(_ environment: String) async throws {
        let ids = try await emulator.ids(tenant: environment, servicePrincipal: "HR inbound")
        let path = "environments/\(environment).json"
        let text = try project.read(path).replacingOccurrences(
            of: #"{ "servicePrincipal": "HR inbound", "job": "API2AAD" }"#,
            with: #"{ "servicePrincipal": "\#(ids.servicePrincipalID)", "job": "\#(ids.jobID)" }"#)
        #expect(text.contains(ids.jobID), "the app locator of \(path) was not rewritten")
        try project.write(path, text)
    }

    /// The snapshot files apply wrote for an environment.
    func snapshots(_ environment: String) -> [String] { project.files(in: "snapshots/\(environment)/hr-employees") }

    /// A snapshot file, parsed.
    func json(_ relativePath: String) throws -> JSONValue { try JSONParser.parse(project.read(relativePath)) }

    /// The request log as `METHOD kind` lines, where kind is `token`, `schema`, `servicePrincipals`
    /// or `jobs`, so assertions read like the protocol.
    func requestKinds() async throws -> [String] {
        try await emulator.requests().map(Self.kind)
    }

    static func kind(_ request: LoggedRequest) -> String {
        let kind: String
        if request.isToken {
            kind = "token(\(request.path.split(separator: "/").first ?? ""))"
        } else if request.isSchema {
            kind = "schema"
        } else if request.path.hasSuffix("/synchronization/jobs") {
            kind = "jobs"
        } else if request.path.hasSuffix("/servicePrincipals") {
            kind = "servicePrincipals"
        } else {
            kind = request.path
        }
        return "\(request.method) \(kind)\(request.fault.map { " [\($0)]" } ?? "")"
    }
}

extension String {
    /// The line that starts with `prefix`, if any.
    func line(startingWith prefix: String) -> String? {
        split(separator: "\n").map(String.init).first { $0.hasPrefix(prefix) }
    }

    /// The non-empty lines.
    var nonEmptyLines: [String] { split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
}

/// The emulator's fault decisions, computed offline with its own injector: lets a test pick the
/// first seed whose sequence of decisions puts a fault exactly on the request it targets.
enum FaultPlan {
    enum Kind: Equatable {
        case none, throttle, serverError(Int), drop
    }

    /// The first seed (from 1) for which the first `pattern.count` decisions are `pattern`.
    static func seed(_ settings: (inout FaultSettings) -> Void, pattern: [Kind]) -> UInt64? {
        for seed in UInt64(1)...200_000 {
            var faults = FaultSettings()
            settings(&faults)
            faults.seed = seed
            var injector = FaultInjector(settings: faults)
            var matches = true
            for expected in pattern {
                let decision: Kind =
                    switch injector.next() {
                    case .none: .none
                    case .throttle: .throttle
                    case .serverError(let status): .serverError(status)
                    case .drop: .drop
                    }
                if decision != expected {
                    matches = false
                    break
                }
            }
            if matches { return seed }
        }
        return nil
    }
}

extension JSONValue {
    /// A probability for the emulator's fault settings.
    static func rate(_ value: Double) -> JSONValue { .number(JSONNumber(literal: String(value))) }
}
