import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@testable import SyncSchemaCLI

/// Golden files for the three plan formats, on a plan that has every kind of change and risk.
@Suite struct PlanOutputTests {
    static func plan() throws -> Plan {
        let live = try Fixtures.json("normalize/api2aad-default/raw.json")
        var text = try Fixtures.text("normalize/api2aad-default/schema.json")
        func edit(_ old: String, _ new: String) {
            precondition(text.components(separatedBy: old).count == 2, "fixture changed: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        edit(
            #"{ "name": "active", "type": "Boolean" },"#,
            #"{ "name": "active", "type": "Boolean" }, { "name": "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId" },"#
        )
        edit(
            #"{ "targetAttributeName": "jobTitle", "source": "[title]" },"#,
            #"{ "targetAttributeName": "jobTitle", "source": "Join(\" \", [title], [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department])" },"#
        )
        edit(
            #""targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 1"#,
            #""targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 2"#)
        var file = try SchemaFile.read(text)
        // Remove one mapping and add a scoping filter.
        let mappingPath: JSONPath = [.key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0)]
        var mapping = try #require(file[path: mappingPath]?.objectValue)
        var mappings = try #require(mapping["attributeMappings"]?.arrayValue)
        mappings.removeAll { $0["targetAttributeName"] == "telephoneNumber" }
        mapping["attributeMappings"] = .array(mappings)
        mapping["scope"] = [
            "groups": [
                [
                    "name": "Employees",
                    "clauses": [
                        [
                            "operatorName": "EQUALS", "sourceOperandName": "userType",
                            "targetOperand": ["values": ["Employee"]],
                        ]
                    ],
                ]
            ]
        ]
        file = file.replacing(at: mappingPath, with: .object(mapping))
        return try Planner(codec: .standard()).plan(
            environment: "dev", app: "hr-employees", file: file, variables: [:], live: live)
    }

    @Test func text() throws {
        let output = PlanRenderer.text(try Self.plan(), color: false)
        if let mismatch = goldenMismatch(output, file: "plans/plan.txt") { Issue.record(Comment(rawValue: mismatch)) }
        #expect(output.hasSuffix("Plan: 1 to add, 3 to change, 1 to remove.\n"))
    }

    @Test func markdown() throws {
        let output = PlanRenderer.markdown(try Self.plan())
        if let mismatch = goldenMismatch(output, file: "plans/plan.md") { Issue.record(Comment(rawValue: mismatch)) }
        #expect(!output.contains("\u{1B}["), "no terminal colour codes in Markdown")
        let riskBlock = try #require(output.range(of: "> [!WARNING]"))
        let changes = try #require(output.range(of: "```diff"))
        #expect(riskBlock.lowerBound < changes.lowerBound, "risks come before the changes")
    }

    @Test func json() throws {
        let output = JSONWriter().string(PlanRenderer.json(try Self.plan()))
        if let mismatch = goldenMismatch(output, file: "plans/plan.json") { Issue.record(Comment(rawValue: mismatch)) }
        let parsed = try JSONParser.parse(output)
        #expect(parsed["formatVersion"] == 1)
        #expect(parsed["summary"] == ["add": 1, "change": 3, "remove": 1])
        let classes = Set((parsed["risks"]?.arrayValue ?? []).compactMap { $0["class"]?.stringValue })
        #expect(classes == ["removal", "matching", "scoping-filter"])
    }
}
