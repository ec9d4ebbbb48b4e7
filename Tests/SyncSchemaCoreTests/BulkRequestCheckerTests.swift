import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// The payload checker against Microsoft's published bulk requests (Tests/Fixtures/payloads, copied
/// verbatim from the Graph and Entra docs) and against one bad request per finding.
@Suite struct BulkRequestCheckerTests {
    /// The example API2AAD schema plus the `urn:contoso:employee` attributes Graph's Example 2 uses.
    static func checker() throws -> BulkRequestChecker {
        try BulkRequestChecker(schemaFile: try SchemaFile.read(try Fixtures.text("payloads/schema.json")))
    }

    static let goodPayloads = [
        "graph-example-1-core-enterprise.json", "graph-example-2-custom-namespace.json", "graph-example-3-update.json",
        "lab-minimum-user.json",
    ]

    @Test(arguments: goodPayloads)
    func publishedPayloadsPass(_ name: String) throws {
        let findings = try Self.checker().check(try Fixtures.json("payloads/\(name)"))
        #expect(findings.isEmpty, Comment(rawValue: findings.map(\.description).joined(separator: "\n")))
    }

    @Test func customNamespaceFailsWithoutItsAttributes() throws {
        // Example 2 against the plain example schema: the contoso attributes would be dropped.
        let checker = try BulkRequestChecker(
            schemaFile: try SchemaFile.read(
                try String(
                    contentsOf: Fixtures.repositoryRoot.appendingPathComponent("schemas/hr-employees.json"),
                    encoding: .utf8)))
        let findings = checker.check(try Fixtures.json("payloads/graph-example-2-custom-namespace.json"))
        #expect(findings.map(\.code) == Array(repeating: "unknown-attribute", count: 4))
        #expect(findings.first?.path.description == #"Operations[0].data["urn:contoso:employee"].HireDate"#)
        #expect(findings.first?.operation == 0)
        #expect(findings.first?.bulkId == "701984")
    }

    @Test func csv2scimSampleGetsEveryLeniencyReported() throws {
        let findings = try Self.checker().check(try Fixtures.json("payloads/csv2scim-sample-lenient.json"))
        let summary = findings.map { "\($0.code) \($0.path)" }
        #expect(
            summary == [
                "path-not-users Operations[0].path",
                #"unknown-attribute Operations[0].data["urn:ietf:params:scim:schemas:extension:sap:2.0:User"].payGrade"#,
                #"unknown-attribute Operations[0].data["urn:ietf:params:scim:schemas:extension:sap:2.0:User"].hireDate"#,
                #"unknown-attribute Operations[0].data["urn:ietf:params:scim:schemas:extension:sap:2.0:User"].onLeave"#,
                "path-not-users Operations[1].path",
                "attribute-case Operations[1].data.username",
                "path-not-users Operations[2].path",
                "bulkid-duplicate Operations[2].bulkId",
                "attribute-case Operations[2].data.username",
            ])
        #expect(findings[2].message.contains("(closest known: urn:contoso:employee:HireDate)"))
        #expect(findings[5].severity == .warning)
    }

    // MARK: - One bad request per finding

    /// A bad request, the finding it must produce, and where.
    struct Case: Sendable, CustomTestStringConvertible {
        let code: String
        let path: String
        let request: String
        var testDescription: String { code }
    }

    /// `{"schemas": [BulkRequest], "Operations": [ … ]}` around operation texts.
    static func request(_ operations: String...) -> String {
        #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ["#
            + operations.joined(separator: ",") + "]}"
    }

    /// A valid operation whose record members are `extra` (JSON members text).
    static func operation(bulkId: String = "1", extra: String = #""userName": "a@example.com""#) -> String {
        #"{"method": "POST", "bulkId": "\#(bulkId)", "path": "/Users", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "\#(bulkId)", \#(extra)}}"#
    }

    static let cases: [Case] = [
        Case(code: "not-an-object", path: "(root)", request: "[]"),
        Case(
            code: "bulk-schema-missing", path: "schemas",
            request:
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "Operations": [\#(operation())]}"#
        ),
        Case(
            code: "operations-misspelled", path: "operations",
            request:
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "operations": [\#(operation())]}"#),
        Case(
            code: "operations-missing", path: "(root)",
            request: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}"#),
        Case(
            code: "operations-not-array", path: "Operations",
            request:
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": \#(operation())}"#),
        Case(code: "no-operations", path: "Operations", request: request()),
        Case(
            code: "too-many-operations", path: "Operations",
            request: #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ["#
                + (1...51).map { operation(bulkId: "\($0)") }.joined(separator: ",") + "]}"),
        Case(code: "operation-not-object", path: "Operations[1]", request: request(operation(), #""POST""#)),
        Case(
            code: "method-not-post", path: "Operations[0].method",
            request: request(operation().replacingOccurrences(of: #""POST""#, with: #""PATCH""#))),
        Case(
            code: "path-not-users", path: "Operations[0].path",
            request: request(operation().replacingOccurrences(of: #""/Users""#, with: #""/users""#))),
        Case(
            code: "bulkid-missing", path: "Operations[0].bulkId",
            request: request(operation().replacingOccurrences(of: #""bulkId": "1", "#, with: ""))),
        Case(
            code: "bulkid-duplicate", path: "Operations[2].bulkId",
            request: request(operation(bulkId: "7"), operation(bulkId: "8"), operation(bulkId: "7"))),
        Case(
            code: "data-missing", path: "Operations[0].data",
            request: request(#"{"method": "POST", "bulkId": "1", "path": "/Users"}"#)),
        Case(
            code: "externalid-missing", path: "Operations[0].data.externalId",
            request: request(operation().replacingOccurrences(of: #""externalId": "1", "#, with: ""))),
        Case(
            code: "unknown-attribute", path: "Operations[0].data.name.givenNam",
            request: request(operation(extra: #""name": {"givenNam": "Barbara"}"#))),
        Case(
            code: "attribute-case", path: "Operations[0].data.displayname",
            request: request(operation(extra: #""displayname": "Babs""#))),
        Case(
            code: "extension-not-declared",
            path: #"Operations[0].data["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]"#,
            request: request(
                operation(
                    extra: #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}"#))),
        Case(
            code: "null-value", path: "Operations[0].data.title", request: request(operation(extra: #""title": null"#))),
        Case(
            code: "empty-string", path: #"Operations[0].data.emails[0].value"#,
            request: request(operation(extra: #""emails": [{"type": "work", "value": ""}]"#))),
    ]

    @Test(arguments: cases)
    func eachFinding(_ testCase: Case) throws {
        let findings = try Self.checker().check(try JSONParser.parse(testCase.request))
        #expect(
            findings.map { "\($0.code) \($0.path)" } == ["\(testCase.code) \(testCase.path)"],
            Comment(rawValue: findings.map(\.description).joined(separator: "\n")))
    }

    @Test func everyDocumentedFindingIsTested() throws {
        let documentation = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/payload-check.md"), encoding: .utf8)
        let findingsSection = documentation.components(separatedBy: "## Findings").last ?? ""
        let documented = findingsSection.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        #expect(Set(documented) == Set(Self.cases.map(\.code)))
        #expect(documented.count == Self.cases.count)
    }

    @Test func operationAndBulkIdAreNamed() throws {
        let request = Self.request(
            Self.operation(bulkId: "a"), Self.operation(bulkId: "b", extra: #""nickname": "x", "title": """#))
        let findings = try Self.checker().check(try JSONParser.parse(request))
        #expect(findings.map(\.operation) == [1, 1])
        #expect(findings.map(\.bulkId) == ["b", "b"])
        #expect(
            findings.first?.description.hasPrefix(
                "at `Operations[1].data.nickname`: warning[attribute-case]: operation 1 (bulkId \"b\"): ") == true)
    }

    @Test func referenceValueIsCheckedButItsReadOnlyMembersAreNot() throws {
        let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        let request = Self.request(
            #"{"method": "POST", "bulkId": "1", "path": "/Users", "data": {"schemas": ["\#(enterprise)"], "externalId": "1", "\#(enterprise)": {"manager": {"value": "", "displayName": "Boss", "$ref": "../Users/1"}}}}"#
        )
        let findings = try Self.checker().check(try JSONParser.parse(request))
        #expect(
            findings.map { "\($0.code) \($0.path)" } == [
                #"empty-string Operations[0].data["\#(enterprise)"].manager.value"#
            ])
    }

    @Test func schemaWithoutRulesIsRefused() {
        #expect(throws: BulkRequestChecker.SetupError.self) {
            try BulkRequestChecker(schemaFile: ["syncschema": 1, "directories": [], "synchronizationRules": []])
        }
    }
}
