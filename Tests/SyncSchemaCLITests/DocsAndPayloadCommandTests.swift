import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@Suite struct DocsCommandTests {
    /// Schema files documented by golden files under Tests/Fixtures/docs/.
    static let goldens: [(schema: String, golden: String)] = [
        ("schemas/hr-employees.json", "docs/hr-employees.md"),
        ("Tests/Fixtures/normalize/scope-filter/schema.json", "docs/scope-filter.md"),
        ("Tests/Fixtures/normalize/expression-trees/schema.json", "docs/expression-trees.md"),
    ]

    @Test(arguments: goldens.map(\.golden))
    func matchesTheGoldenFile(_ golden: String) async throws {
        let schema = try #require(Self.goldens.first { $0.golden == golden }?.schema)
        let app = String(golden.dropFirst("docs/".count).dropLast(".md".count))
        let harness = ProjectHarness(["schemas/\(app).json": try ProjectHarness.repositoryText(schema)])
        #expect(await harness.run("docs", "--app", app) == 0, Comment(rawValue: harness.err.contents))
        if let mismatch = goldenMismatch(harness.out.contents, file: golden) {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    @Test func scopingFiltersAndLongExpressionsReadAsWords() async throws {
        let scope = try Fixtures.text("docs/scope-filter.md")
        #expect(
            scope.contains(
                "- `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department EQUALS 'Sales' AND externalId IS NOT NULL`"
            ))
        #expect(
            scope.contains(
                "  - OR `active IS TRUE AND externalId REGEX MATCH '^\\d{5,}$'` (Active employees with numeric id)"))
        let trees = try Fixtures.text("docs/expression-trees.md")
        #expect(trees.contains("| `CommunityNickname` | *expression below* |  | only on create |"))
        #expect(
            trees.contains(
                "```\nJoin(\n    \"\",\n    Replace([userName], , \"(?<Suffix>@(.)*)\", \"Suffix\", \"\", , ),\n"))
        let hr = try Fixtures.text("docs/hr-employees.md")
        #expect(hr.contains("<details>\n<summary>54 attributes</summary>"))
        #expect(hr.contains("  1. `employeeId` matched with `[externalId]`"))
    }

    @Test func environmentFillsInVariables() async throws {
        let harness = ProjectHarness([
            "schemas/hr.json": try ProjectHarness.repositoryText("schemas/hr-employees.json"),
            "environments/dev.json": try ProjectHarness.repositoryText("environments/dev.json"),
        ])
        #expect(await harness.run("docs", "--app", "hr") == 0)
        #expect(harness.out.contents.contains("`extension_${extensionAppId}_badgeId`"))
        let placeholders = harness.out.contents
        #expect(await harness.run("docs", "--app", "hr", "--env", "dev") == 0)
        let filled = String(harness.out.contents.dropFirst(placeholders.count))
        #expect(filled.contains("`extension_93c108b5628348eeaaf18aaa451ee417_badgeId`"))
        #expect(!filled.contains("${"))
        #expect(filled.contains("Variables have the values of the environment `dev`."))
    }

    @Test func unknownVariableFails() async throws {
        let harness = ProjectHarness([
            "schemas/hr.json": try ProjectHarness.repositoryText("schemas/hr-employees.json"),
            "environments/bare.json": #"{"syncschema": 1, "tenant": "t", "auth": {"method": "azure-cli"}}"#,
        ])
        #expect(await harness.run("docs", "--app", "hr", "--env", "bare") == 1)
        #expect(harness.err.contents.contains("unknown variable ${extensionAppId}"))
        #expect(harness.out.contents.isEmpty)
    }

    @Test func outWritesOnceAndIsIdempotent() async throws {
        let harness = ProjectHarness(["schemas/hr.json": try ProjectHarness.repositoryText("schemas/hr-employees.json")]
        )
        #expect(await harness.run("docs", "--app", "hr", "--out", "docs/hr.md") == 0)
        let written = try harness.fileSystem.readText("docs/hr.md")
        #expect(written.hasPrefix("# hr\n"))
        #expect(await harness.run("docs", "--app", "hr", "--out", "docs/hr.md") == 0)
        #expect(harness.err.contents.contains("docs/hr.md is already up to date"))
        #expect(try harness.fileSystem.readText("docs/hr.md") == written)
        #expect(harness.out.contents.isEmpty)
    }

    @Test func missingAppIsAUsageError() async throws {
        let harness = ProjectHarness([:])
        #expect(await harness.run("docs") == 64)
        #expect(await harness.run("docs", "--app", "nope") == 1)
        #expect(harness.err.contents.contains("schemas/nope.json does not exist"))
    }
}

@Suite struct PayloadCommandTests {
    func harness(_ payloads: [String]) throws -> ProjectHarness {
        var files = ["schemas/hr.json": try Fixtures.text("payloads/schema.json")]
        for name in payloads { files[name] = try Fixtures.text("payloads/\(name)") }
        return ProjectHarness(files)
    }

    @Test func goodPayloadPassesWithASummary() async throws {
        let harness = try harness(["graph-example-2-custom-namespace.json"])
        #expect(await harness.run("payload", "check", "--app", "hr", "graph-example-2-custom-namespace.json") == 0)
        #expect(
            harness.out.contents
                == "graph-example-2-custom-namespace.json: 2 operations checked against the API directory of hr: no findings\n"
        )
    }

    @Test func findingsAreOneLineEachAndErrorsExitOne() async throws {
        let harness = try harness(["csv2scim-sample-lenient.json"])
        #expect(await harness.run("payload", "check", "--app", "hr", "csv2scim-sample-lenient.json") == 1)
        let lines = harness.out.contents.split(separator: "\n")
        #expect(lines.count == 10)
        #expect(
            lines[0].hasPrefix(
                "csv2scim-sample-lenient.json: at `Operations[0].path`: error[path-not-users]: operation 0 (bulkId \"897401c2-"
            ))
        #expect(
            lines.last
                == "csv2scim-sample-lenient.json: 3 operations checked against the API directory of hr: 7 errors, 2 warnings"
        )
    }

    @Test func warningsAloneExitZero() async throws {
        let request =
            #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [{"method": "POST", "bulkId": "1", "path": "/Users", "data": {"externalId": "1", "username": "a"}}]}"#
        let harness = ProjectHarness([
            "schemas/hr.json": try Fixtures.text("payloads/schema.json"), "bulk.json": request,
        ])
        #expect(await harness.run("payload", "check", "--app", "hr", "bulk.json") == 0)
        #expect(harness.out.contents.contains("warning[attribute-case]"))
    }

    @Test func jsonFormatHasAVersionAndEveryFinding() async throws {
        let harness = try harness(["csv2scim-sample-lenient.json"])
        #expect(
            await harness.run("payload", "check", "--app", "hr", "--format", "json", "csv2scim-sample-lenient.json")
                == 1)
        let report = try JSONParser.parse(harness.out.contents)
        #expect(report["formatVersion"] == 1)
        #expect(report["valid"] == false)
        #expect(report["errors"] == 7)
        let findings = try #require(report["findings"]?.arrayValue)
        #expect(findings.count == 9)
        #expect(findings[7]["code"] == "bulkid-duplicate")
        #expect(findings[7]["operation"] == 2)
        #expect(findings[7]["path"] == "Operations[2].bulkId")
    }

    @Test func invalidJSONAndUnknownSubcommand() async throws {
        let harness = ProjectHarness([
            "schemas/hr.json": try Fixtures.text("payloads/schema.json"), "bulk.json": "{\"Operations\": [",
        ])
        #expect(await harness.run("payload", "check", "--app", "hr", "bulk.json") == 1)
        #expect(harness.err.contents.contains("bulk.json: invalid JSON at line 1"))
        #expect(await harness.run("payload", "chek") == 64)
        #expect(harness.err.contents.contains("did you mean 'check'?"))
    }
}
