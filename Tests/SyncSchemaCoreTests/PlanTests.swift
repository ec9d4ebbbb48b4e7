import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@Suite struct PlanTests {
    let codec = MappingSourceCodec.standard()
    var planner: Planner { Planner(codec: codec) }

    func live() throws -> JSONValue { try Fixtures.json("normalize/api2aad-default/raw.json") }

    func file(_ edit: (String) -> String = { $0 }) throws -> JSONValue {
        let text = try Fixtures.text("normalize/api2aad-default/schema.json")
        return try SchemaFile.read(edit(text))
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array(String(repeating: "a", count: 1000).utf8)
        #expect(SHA256.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func unchangedFileHasNoChanges() throws {
        let plan = try planner.plan(environment: "dev", app: "hr", file: try file(), variables: [:], live: try live())
        #expect(plan.changes.isEmpty)
        #expect(plan.summaryLine == "No changes.")
        #expect(plan.document == (try live()))
    }

    @Test func oneEditedExpressionIsOneChange() throws {
        let edited = try file {
            $0.replacingOccurrences(
                of: #""targetAttributeName": "jobTitle", "source": "[title]""#,
                with: #""targetAttributeName": "jobTitle", "source": "ToUpper([title])""#)
        }
        let plan = try planner.plan(environment: "dev", app: "hr", file: edited, variables: [:], live: try live())
        #expect(plan.summaryLine == "Plan: 0 to add, 1 to change, 0 to remove.")
        let change = try #require(plan.changes.first)
        #expect(change.kind == .attributeMapping && change.name == "jobTitle" && change.action == .change)
        #expect(change.properties == [Change.Property(key: "source", before: "[title]", after: "ToUpper([title])")])
        #expect(change.parents.map(\.kind) == [.rule, .objectMapping])
        #expect(change.risks.isEmpty)
    }

    @Test func addedAttributeAndMappingAreTwoAdds() throws {
        let edited = try file {
            $0.replacingOccurrences(
                of: #"{ "name": "active", "type": "Boolean" },"#,
                with:
                    #"{ "name": "active", "type": "Boolean" }, { "name": "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId" },"#
            )
            .replacingOccurrences(
                of: #"{ "targetAttributeName": "jobTitle", "source": "[title]" }"#,
                with:
                    #"{ "targetAttributeName": "jobTitle", "source": "[title]" }, { "targetAttributeName": "employeeType", "source": "[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId]" }"#
            )
        }
        let plan = try planner.plan(environment: "dev", app: "hr", file: edited, variables: [:], live: try live())
        #expect(plan.summaryLine == "Plan: 2 to add, 0 to change, 0 to remove.", "\(plan.changes)")
        #expect(Set(plan.changes.map(\.kind)) == [.attribute, .attributeMapping])
        #expect(!plan.isDestructive)
    }

    @Test func removalsAndMatchingChangesAreFlagged() throws {
        let edited = try file {
            $0.replacingOccurrences(of: #"{ "targetAttributeName": "jobTitle", "source": "[title]" },"#, with: "")
                .replacingOccurrences(
                    of: #""targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 1"#,
                    with: #""targetAttributeName": "employeeId", "source": "[userName]", "matchingPriority": 1"#)
        }
        let plan = try planner.plan(environment: "dev", app: "hr", file: edited, variables: [:], live: try live())
        #expect(plan.isDestructive)
        let classes = Set(plan.risks.map(\.riskClass))
        #expect(classes == [.removal, .matching], "\(plan.risks)")
    }

    @Test func scopeAndDeleteFlowChangesAreFlagged() throws {
        var object = try #require(try file().objectValue)
        var rules = try #require(object["synchronizationRules"]?.arrayValue)
        var rule = try #require(rules[0].objectValue)
        var mappings = try #require(rule["objectMappings"]?.arrayValue)
        var mapping = try #require(mappings[0].objectValue)
        mapping["flowTypes"] = "Add,Update,Delete"
        mapping["scope"] = [
            "groups": [
                [
                    "name": "Sales",
                    "clauses": [
                        [
                            "operatorName": "EQUALS", "sourceOperandName": "userType",
                            "targetOperand": ["values": ["Employee"]],
                        ]
                    ],
                ]
            ]
        ]
        mappings[0] = .object(mapping)
        rule["objectMappings"] = .array(mappings)
        rules[0] = .object(rule)
        object["synchronizationRules"] = .array(rules)
        let plan = try planner.plan(
            environment: "dev", app: "hr", file: .object(object), variables: [:], live: try live())
        let classes = Set(plan.risks.map(\.riskClass))
        #expect(classes.contains(.scopingFilter))
        let hadDelete = FlagsValue.words(
            try live()[path: [
                .key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0), .key("flowTypes"),
            ]]?.stringValue ?? ""
        ).contains("Delete")
        #expect(classes.contains(.deleteFlow) == !hadDelete)
    }

    @Test func variablesThatOnlyDifferPerEnvironmentPlanClean() throws {
        // The same file renders against two tenants whose extension app ids differ.
        let base = try live()
        func tenantLive(_ appId: String) -> JSONValue {
            JSONValue.string(JSONWriter.compact(base)).stringValue.map {
                try! JSONParser.parse(
                    $0.replacingOccurrences(of: "\"jobTitle\"", with: "\"extension_\(appId)_jobTitle\""))
            }!
        }
        let text = try Fixtures.text("normalize/api2aad-default/schema.json")
            .replacingOccurrences(of: "\"jobTitle\"", with: "\"extension_${extensionAppId}_jobTitle\"")
        let file = try SchemaFile.read(text)
        for appId in ["0b3e", "9f77"] {
            let plan = try planner.plan(
                environment: appId, app: "hr", file: file, variables: ["extensionAppId": appId], live: tenantLive(appId)
            )
            #expect(plan.changes.isEmpty, "\(plan.changes)")
        }
    }

    @Test func fingerprintIgnoresKeyOrder() throws {
        #expect(
            Plan.fingerprint(try JSONParser.parse(#"{"a":1,"b":[{"c":2,"d":3}]}"#))
                == Plan.fingerprint(try JSONParser.parse(#"{"b":[{"d":3,"c":2}],"a":1}"#)))
        #expect(
            Plan.fingerprint(try JSONParser.parse(#"{"a":1}"#)) != Plan.fingerprint(try JSONParser.parse(#"{"a":2}"#)))
    }

    /// Saved plans hold fingerprints, so the fast byte writer must stay exactly the sorted compact JSON.
    @Test func fingerprintIsTheDigestOfSortedCompactJSON() throws {
        let documents = [
            #"{"z":"\"\\\n\r\t\b\f\u0001\u001f","é":["ü",1.0,-2e3,true,null,{}],"B":{"b":[],"a":"日本"},"a":"😀"}"#,
            try Fixtures.text("normalize/api2aad-default/raw.json"),
        ]
        for text in documents {
            let value = try JSONParser.parse(text)
            #expect(Plan.fingerprint(value) == SHA256.hex(Array(JSONWriter.compact(value.sortedKeys()).utf8)))
        }
        // Inputs that end at and around the 56-byte padding and 64-byte block boundaries.
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmmnomnopnopq".utf8))
                == "d17ddb2e3c6e7ee4ea00838f71742fb81c9a8bd785cdf422a4340ea0aa13ddce")
        #expect(
            SHA256.hex((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                == "a08f82c23e6c13629d8e33d0d2a13005fb104363eb793b5e8842044951d27764")
        #expect(
            SHA256.hex((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                == "945acdf575d6a2430bf4d6163e1d03b4b0b896fcef107c8b24bf7ff07a621fa3")
    }
}
