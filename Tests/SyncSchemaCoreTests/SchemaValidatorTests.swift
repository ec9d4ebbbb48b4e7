import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// One test per check of `SchemaValidator` and `SchemaFile.check`: each starts from a schema file
/// that validates cleanly, changes one thing, and expects exactly one finding (code, severity,
/// JSON path, key words of the message).
@Suite struct SchemaValidatorTests {
    /// The matching mapping every object mapping of `schema` starts with.
    static let matchingMapping =
        #"{ "targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 1 }"#

    /// A small schema file: an API source, Entra and AD targets, one rule with one object mapping
    /// whose attribute mappings are the matching one followed by `mappings`.
    static func schema(
        _ mappings: String..., target: String = "Azure Active Directory", scope: String = "null",
        enabled: Bool = true, sourceAttributes: String = "", rule: String = "", mapping: String = ""
    ) -> String {
        let list = ([matchingMapping] + mappings).joined(separator: ",\n            ")
        return """
            {
              "syncschema": 1,
              "directories": [
                { "name": "API", "objects": [{ "name": "User", "attributes": [
                  { "name": "externalId", "anchor": true }, { "name": "userName" }, { "name": "displayName" },
                  { "name": "emails", "multivalued": true }, { "name": "active", "type": "Boolean" }\(sourceAttributes)
                ] }] },
                { "name": "Azure Active Directory", "readOnly": true, "objects": [{ "name": "User", "attributes": [
                  { "name": "employeeId" }, { "name": "displayName" }, { "name": "mail" }, { "name": "password" },
                  { "name": "accountEnabled", "type": "Boolean" }
                ] }] },
                { "name": "Active Directory", "objects": [{ "name": "User", "attributes": [
                  { "name": "employeeId" }, { "name": "displayName" }, { "name": "mail" }, { "name": "password" },
                  { "name": "accountEnabled", "type": "Boolean" }
                ] }] }
              ],
              "synchronizationRules": [{
                "name": "USER_INBOUND", "sourceDirectoryName": "API", "targetDirectoryName": "\(target)"\(rule),
                "objectMappings": [{
                  "name": "Users", "enabled": \(enabled), "sourceObjectName": "User", "targetObjectName": "User",
                  "scope": \(scope)\(mapping),
                  "attributeMappings": [
                    \(list)
                  ]
                }]
              }]
            }
            """
    }

    static let mappingsPath = "synchronizationRules[0].objectMappings[0].attributeMappings"

    func diagnostics(_ text: String) throws -> [Diagnostic] {
        SchemaValidator().validate(try JSONParser.parse(text))
    }

    /// The one finding `text` produces (fails when there are none or several).
    func single(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Diagnostic {
        let found = try diagnostics(text)
        try #require(found.count == 1, "expected one finding, got \(found)", sourceLocation: sourceLocation)
        return found[0]
    }

    func expect(
        _ diagnostic: Diagnostic, _ severity: Diagnostic.Severity, _ code: String, at path: String,
        saying words: String...,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(diagnostic.severity == severity, "\(diagnostic)", sourceLocation: sourceLocation)
        #expect(diagnostic.code == code, "\(diagnostic)", sourceLocation: sourceLocation)
        #expect(diagnostic.path.description == path, "\(diagnostic)", sourceLocation: sourceLocation)
        for word in words {
            #expect(
                diagnostic.message.contains(word), "\(diagnostic.message) lacks \(word)", sourceLocation: sourceLocation
            )
        }
    }

    // MARK: - The baseline

    @Test func theBaseSchemaIsClean() throws {
        #expect(try diagnostics(Self.schema()) == [])
        #expect(
            try diagnostics(Self.schema(#"{ "targetAttributeName": "displayName", "source": "[displayName]" }"#)) == [])
    }

    // MARK: - Uniqueness

    @Test func duplicateDirectory() throws {
        let text = Self.schema().replacingFirst(
            #"{ "name": "Active Directory", "objects""#, with: #"{ "name": "Azure Active Directory", "objects""#)
        expect(
            try single(text), .error, "duplicate-name", at: "directories[2].name",
            saying: #"directory "Azure Active Directory" is defined twice"#, "directories[1]")
    }

    @Test func duplicateObject() throws {
        let text = Self.schema().replacingFirst(
            #"{ "name": "API", "objects": [{ "name": "User", "attributes": ["#,
            with: #"{ "name": "API", "objects": [{ "name": "User" }, { "name": "User", "attributes": ["#)
        expect(
            try single(text), .error, "duplicate-name", at: "directories[0].objects[1].name",
            saying: #"object "User" is defined twice"#)
    }

    @Test func duplicateAttribute() throws {
        let text = Self.schema(sourceAttributes: #", { "name": "userName", "type": "String" }"#)
        expect(
            try single(text), .error, "duplicate-name", at: "directories[0].objects[0].attributes[5].name",
            saying: #"attribute "userName" is defined twice"#, "attributes[1]")
    }

    @Test func duplicateRule() throws {
        let file = try JSONParser.parse(Self.schema())
        guard case .object(var root) = file, let rule = file["synchronizationRules"]?.arrayValue?.first else {
            Issue.record("bad base schema")
            return
        }
        root["synchronizationRules"] = [rule, rule]
        let found = SchemaValidator().validate(.object(root))
        try #require(found.count == 1, "\(found)")
        expect(
            found[0], .error, "duplicate-name", at: "synchronizationRules[1].name",
            saying: #"synchronization rule "USER_INBOUND" is defined twice"#)
    }

    @Test func duplicateObjectMapping() throws {
        let file = try JSONParser.parse(Self.schema())
        let path: JSONPath = [.key("synchronizationRules"), .index(0), .key("objectMappings")]
        let mapping = try #require(file[path: path]?.arrayValue?.first)
        let found = SchemaValidator().validate(file.replacing(at: path, with: [mapping, mapping]))
        try #require(found.count == 1, "\(found)")
        expect(
            found[0], .error, "duplicate-name", at: "synchronizationRules[0].objectMappings[1].name",
            saying: #"object mapping "Users" is defined twice"#)
    }

    @Test func duplicateAttributeMappingTarget() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "[displayName]" }"#,
            #"{ "targetAttributeName": "displayName", "source": "[userName]" }"#)
        expect(
            try single(text), .error, "duplicate-name", at: "\(Self.mappingsPath)[2].targetAttributeName",
            saying: #"attribute mapping "displayName" is defined twice"#, "does not de-duplicate")
    }

    // MARK: - References

    @Test func ruleNamingUnknownSourceDirectory() throws {
        let text = Self.schema().replacingFirst(
            #""sourceDirectoryName": "API""#, with: #""sourceDirectoryName": "APl""#)
        expect(
            try single(text), .error, "unknown-directory", at: "synchronizationRules[0].sourceDirectoryName",
            saying: #"directory "APl" is not defined"#, #"did you mean "API"?"#)
    }

    @Test func ruleNamingUnknownTargetDirectory() throws {
        let text = Self.schema(target: "Azure Active Directry")
        expect(
            try single(text), .error, "unknown-directory", at: "synchronizationRules[0].targetDirectoryName",
            saying: #"directory "Azure Active Directry" is not defined"#, #"did you mean "Azure Active Directory"?"#)
    }

    @Test func objectMappingNamingUnknownObject() throws {
        let text = Self.schema().replacingFirst(#""sourceObjectName": "User""#, with: #""sourceObjectName": "Usr""#)
        expect(
            try single(text), .error, "unknown-object",
            at: "synchronizationRules[0].objectMappings[0].sourceObjectName",
            saying: #"object "Usr" is not defined in directory "API""#, #"did you mean "User"?"#)
    }

    @Test func mappingTargetNotInTargetObject() throws {
        let text = Self.schema(#"{ "targetAttributeName": "displayNme", "source": "[displayName]" }"#)
        expect(
            try single(text), .error, "unknown-target-attribute", at: "\(Self.mappingsPath)[1].targetAttributeName",
            saying: #"target attribute "displayNme" is not defined in object "User""#, #"did you mean "displayName"?"#)
    }

    @Test func expressionAttributeNotInSourceObject() throws {
        let text = Self.schema(#"{ "targetAttributeName": "displayName", "source": "[userNme]" }"#)
        expect(
            try single(text), .error, "unknown-attribute", at: "\(Self.mappingsPath)[1].source",
            saying: "attribute [userNme] is not defined by the source object", "did you mean [userName]?")
    }

    @Test func hugeNamesAreNotQuotedBackInFull() throws {
        let name = String(repeating: "q", count: 5_000)
        let diagnostic = try single(Self.schema(#"{ "targetAttributeName": "\#(name)", "source": "[userName]" }"#))
        #expect(diagnostic.code == "unknown-target-attribute")
        #expect(diagnostic.message.count <= Diagnostic.maximumLineLength)
        #expect(diagnostic.message.hasPrefix(#"target attribute "qqq"#))
        #expect(diagnostic.message.contains("characters omitted"))
        #expect(diagnostic.message.hasSuffix("add it to the target directory's attribute list first"))
    }

    // MARK: - Expressions

    @Test func unknownFunctionWithSuggestion() throws {
        let text = Self.schema(#"{ "targetAttributeName": "displayName", "source": "Jion(\" \", [userName])" }"#)
        expect(
            try single(text), .error, "unknown-function", at: "\(Self.mappingsPath)[1].source",
            saying: "unknown function 'Jion'", "did you mean 'Join'?")
    }

    @Test func wrongArity() throws {
        let tooFew = Self.schema(#"{ "targetAttributeName": "displayName", "source": "Mid([userName], 1)" }"#)
        expect(
            try single(tooFew), .error, "too-few-arguments", at: "\(Self.mappingsPath)[1].source",
            saying: "Mid needs at least 3 arguments", "found 2")
        let tooMany = Self.schema(#"{ "targetAttributeName": "displayName", "source": "Left([userName], 1, 2)" }"#)
        expect(
            try single(tooMany), .error, "too-many-arguments", at: "\(Self.mappingsPath)[1].source",
            saying: "Left takes at most 2 arguments", "found 3")
    }

    @Test func expressionLongerThanTenThousandCharacters() throws {
        // A string constant prints with its two quotes: 9,998 letters make exactly 10,000 characters.
        let atLimit = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "\"\#(String(repeating: "a", count: 9_998))\"" }"#)
        #expect(try diagnostics(atLimit) == [])
        let over = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "\"\#(String(repeating: "a", count: 9_999))\"" }"#)
        expect(
            try single(over), .error, "expression-too-long", at: "\(Self.mappingsPath)[1].source",
            saying: "10001 characters", "at most 10000")
    }

    @Test func expressionSyntaxError() throws {
        let text = Self.schema(#"{ "targetAttributeName": "displayName", "source": "Join(\" \", [userName]" }"#)
        let diagnostic = try single(text)
        expect(diagnostic, .error, "expression-syntax", at: "\(Self.mappingsPath)[1].source", saying: "column")
        #expect(diagnostic.message.contains("^"))
    }

    // MARK: - Matching

    @Test func duplicateMatchingPriority() throws {
        let text = Self.schema(#"{ "targetAttributeName": "mail", "source": "[userName]", "matchingPriority": 1 }"#)
        expect(
            try single(text), .error, "duplicate-matching-priority", at: "\(Self.mappingsPath)[1].matchingPriority",
            saying: "matching priority 1 is already used by attributeMappings[0]")
        // Distinct priorities are fine.
        #expect(
            try diagnostics(
                text.replacingFirst(#""matchingPriority": 1 }"#, with: #""matchingPriority": 2 }"#, last: true)) == [])
    }

    @Test func enabledObjectMappingWithoutMatchingAttribute() throws {
        let unmatched = Self.schema().replacingFirst(#", "matchingPriority": 1"#, with: "")
        expect(
            try single(unmatched), .error, "no-matching-attribute", at: "synchronizationRules[0].objectMappings[0]",
            saying: "no matching attribute")
        let disabled = Self.schema(enabled: false).replacingFirst(#", "matchingPriority": 1"#, with: "")
        #expect(try diagnostics(disabled) == [])
    }

    // MARK: - Scoping filters

    static func scope(_ clause: String) -> String { #"{ "groups": [{ "name": "g", "clauses": [\#(clause)] }] }"# }
    static let clausePath = "synchronizationRules[0].objectMappings[0].scope.groups[0].clauses[0]"

    @Test func knownScopingClausesAreClean() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "EQUALS", "sourceOperandName": "userName", "targetOperand": { "values": ["a"] } }, "#
                    + #"{ "operatorName": "IS TRUE", "sourceOperandName": "active", "targetOperand": { "values": [] } }"#
            ))
        #expect(try diagnostics(text) == [])
    }

    @Test func unknownScopingOperator() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "EQUAL", "sourceOperandName": "userName", "targetOperand": { "values": ["a"] } }"#))
        expect(
            try single(text), .error, "unknown-filter-operator", at: "\(Self.clausePath).operatorName",
            saying: #"unknown scoping operator "EQUAL""#, #"did you mean "EQUALS"?"#)
    }

    @Test func unaryOperatorWithValues() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "IS NULL", "sourceOperandName": "userName", "targetOperand": { "values": ["a"] } }"#
            ))
        expect(
            try single(text), .error, "unary-operator-values", at: "\(Self.clausePath).targetOperand",
            saying: #"operator "IS NULL" takes no values"#)
    }

    @Test func binaryOperatorWithoutValues() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "REGEX MATCH", "sourceOperandName": "userName", "targetOperand": { "values": [] } }"#
            ))
        expect(
            try single(text), .error, "binary-operator-values", at: "\(Self.clausePath).targetOperand",
            saying: #"operator "REGEX MATCH" needs a value"#)
    }

    @Test func filterOnMultiValuedAttribute() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "IS NOT NULL", "sourceOperandName": "emails", "targetOperand": { "values": [] } }"#)
        )
        expect(
            try single(text), .error, "multivalued-filter", at: "\(Self.clausePath).sourceOperandName",
            saying: #"multi-valued attribute "emails""#)
    }

    @Test func unknownFilterAttribute() throws {
        let text = Self.schema(
            scope: Self.scope(
                #"{ "operatorName": "EQUALS", "sourceOperandName": "userNam", "targetOperand": { "values": ["a"] } }"#))
        expect(
            try single(text), .error, "unknown-filter-attribute", at: "\(Self.clausePath).sourceOperandName",
            saying: #"scoping filter attribute "userNam" is not defined"#, #"did you mean "userName"?"#)
    }

    // MARK: - Field lessons

    @Test func emptyStringDefaultValueOfAnAttributeMapping() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "[displayName]", "defaultValue": "" }"#)
        expect(
            try single(text), .warning, "empty-default", at: "\(Self.mappingsPath)[1].defaultValue",
            saying: "empty string", "provisions nothing")
    }

    @Test func emptyStringDefaultValueOfAnAttribute() throws {
        let text = Self.schema(sourceAttributes: #", { "name": "title", "defaultValue": "" }"#)
        expect(
            try single(text), .warning, "empty-default", at: "directories[0].objects[0].attributes[5].defaultValue",
            saying: "empty string", "provisions nothing")
    }

    @Test func emptyStringConstantAsTheWholeMapping() throws {
        let text = Self.schema(#"{ "targetAttributeName": "displayName", "source": "\"\"" }"#)
        expect(
            try single(text), .warning, "empty-constant", at: "\(Self.mappingsPath)[1].source",
            saying: "provisions nothing")
    }

    @Test(arguments: ["RandomString(12, 1, 1, 1, 1)", "Guid()", "Now()"])
    func nondeterministicFunctionFlowingAlways(_ source: String) throws {
        let always = Self.schema(#"{ "targetAttributeName": "password", "source": "\#(source)" }"#)
        expect(
            try single(always), .warning, "nondeterministic-function", at: "\(Self.mappingsPath)[1].source",
            saying: "flows Always", "ObjectAddOnly")
        let explicit = Self.schema(
            #"{ "targetAttributeName": "password", "source": "\#(source)", "flowType": "Always" }"#)
        #expect(try diagnostics(explicit).map(\.code) == ["nondeterministic-function"])
        let onCreate = Self.schema(
            #"{ "targetAttributeName": "password", "source": "\#(source)", "flowType": "ObjectAddOnly" }"#)
        #expect(try diagnostics(onCreate) == [])
    }

    @Test func selectUniqueValueOnAnActiveDirectoryTargetIsFine() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "mail", "source": "SelectUniqueValue([userName], [displayName])" }"#,
            target: "Active Directory")
        #expect(try diagnostics(text) == [])
    }

    @Test func selectUniqueValueNested() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "mail", "source": "Join(\"@\", SelectUniqueValue([userName], [displayName]), \"contoso.com\")" }"#,
            target: "Active Directory")
        expect(
            try single(text), .error, "nested-select-unique-value", at: "\(Self.mappingsPath)[1].source",
            saying: "cannot be nested")
    }

    @Test func selectUniqueValueOnAnEntraTarget() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "mail", "source": "SelectUniqueValue([userName], [displayName])" }"#)
        expect(
            try single(text), .warning, "select-unique-value-target", at: "\(Self.mappingsPath)[1].source",
            saying: "on-premises Active Directory")
    }

    @Test func selectUniqueValueOnAMatchingAttribute() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "mail", "source": "SelectUniqueValue([userName], [displayName])", "matchingPriority": 2 }"#,
            target: "Active Directory")
        expect(
            try single(text), .error, "select-unique-value-matching", at: "\(Self.mappingsPath)[1].source",
            saying: "matching attribute")
    }

    @Test(arguments: [
        #"urn:ietf:params:scim:schemas:extension:contoso:1.0:User:\"badge\""#,
        "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:cost center",
        "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badge\\t",
    ])
    func extensionAttributeNameWithQuotesOrWhitespace(_ name: String) throws {
        let text = Self.schema(sourceAttributes: #", { "name": "\#(name)" }"#)
        expect(
            try single(text), .error, "extension-attribute-name", at: "directories[0].objects[0].attributes[5].name",
            saying: "quotes or whitespace")
    }

    @Test(arguments: [
        "urn:contoso:badge", "urn:ietf:params:scim:schemas:extension:contoso:1.0:badge",
        "urn:ietf:params:scim:schemas:extension:contoso:User:badge",
    ])
    func extensionAttributeNameOfTheWrongForm(_ name: String) throws {
        let text = Self.schema(sourceAttributes: #", { "name": "\#(name)" }"#)
        expect(
            try single(text), .warning, "extension-attribute-name", at: "directories[0].objects[0].attributes[5].name",
            saying: "urn:…:<namespace>:1.0:User:<name>")
    }

    @Test(arguments: [
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badge",
    ])
    func wellFormedExtensionAttributeNames(_ name: String) throws {
        #expect(try diagnostics(Self.schema(sourceAttributes: #", { "name": "\#(name)" }"#)) == [])
    }

    // MARK: - SchemaFile.check

    func checked(_ text: String) throws -> [Diagnostic] { SchemaFile.check(try JSONParser.parse(text)) }

    @Test func missingVersionKeyOfARawGraphSchema() throws {
        let found = try checked(#"{ "directories": [], "synchronizationRules": [] }"#)
        try #require(found.count == 1, "\(found)")
        expect(
            found[0], .error, "version", at: "(root)", saying: #"missing "syncschema" version key"#, "raw Graph schema",
            "syncschema normalize")
    }

    @Test func missingVersionKeyOfSomethingElse() throws {
        let found = try checked(#"{ "name": "x" }"#)
        try #require(found.count == 1, "\(found)")
        expect(found[0], .error, "version", at: "(root)", saying: #"add "syncschema": 1 as the first key"#)
    }

    @Test(arguments: ["2", #""1""#, "true"])
    func wrongVersion(_ version: String) throws {
        let found = try checked(#"{ "syncschema": \#(version), "directories": [] }"#)
        try #require(found.count == 1, "\(found)")
        expect(
            found[0], .error, "version", at: "syncschema", saying: "unsupported schema file version \(version)",
            "reads version 1")
    }

    @Test func topLevelNotAnObject() throws {
        let found = try checked("[]")
        try #require(found.count == 1, "\(found)")
        expect(found[0], .error, "shape", at: "(root)", saying: "expected a JSON object", "found an array")
    }

    @Test(arguments: [
        (#""directories": {}"#, "directories", "expected an array of directories, found an object"),
        (
            #""synchronizationRules": [1]"#, "synchronizationRules[0]",
            "expected a synchronization rule object, found a number"
        ),
        (
            #""directories": [{ "name": "A", "readOnly": "yes" }]"#, "directories[0].readOnly",
            "expected true or false, found a string"
        ),
        (#""directories": [{ "name": 7 }]"#, "directories[0].name", "expected a string, found a number"),
        (
            #""synchronizationRules": [{ "name": "r", "objectMappings": [{ "name": "m", "attributeMappings": [{ "targetAttributeName": "x", "matchingPriority": "1" }] }] }]"#,
            "synchronizationRules[0].objectMappings[0].attributeMappings[0].matchingPriority",
            "expected an integer, found a string"
        ),
        (
            #""synchronizationRules": [{ "name": "r", "objectMappings": [{ "name": "m", "attributeMappings": [{ "targetAttributeName": "x", "source": 3 }] }] }]"#,
            "synchronizationRules[0].objectMappings[0].attributeMappings[0].source", "expected an expression string"
        ),
        (
            #""directories": [{ "name": "A", "objects": [{ "name": "o", "attributes": [{ "name": "a", "type": 1 }] }] }]"#,
            "directories[0].objects[0].attributes[0].type", "expected a string, found a number"
        ),
    ])
    func wrongTypes(_ member: String, _ path: String, _ message: String) throws {
        let found = try checked(#"{ "syncschema": 1, \#(member) }"#)
        try #require(found.count == 1, "\(found)")
        expect(found[0], .error, "type", at: path, saying: message)
    }

    @Test func invalidEnumValueWithSuggestion() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "[displayName]", "flowType": "Allways" }"#)
        expect(
            try single(text), .error, "enum", at: "\(Self.mappingsPath)[1].flowType",
            saying: #"invalid value "Allways""#, "ObjectAddOnly", #"did you mean "Always"?"#)
        let found = try checked(
            #"{ "syncschema": 1, "directories": [{ "name": "A", "objects": [{ "name": "o", "attributes": [{ "name": "a", "type": "Strng" }] }] }] }"#
        )
        try #require(found.count == 1, "\(found)")
        expect(
            found[0], .error, "enum", at: "directories[0].objects[0].attributes[0].type",
            saying: #"did you mean "String"?"#)
    }

    @Test func invalidFlagsWord() throws {
        let text = Self.schema(mapping: #", "flowTypes": "Add, Updte""#)
        expect(
            try single(text), .error, "enum", at: "synchronizationRules[0].objectMappings[0].flowTypes",
            saying: #"invalid flag "Updte""#, "None, Add, Update, Delete")
        // Spacing does not matter to a flags string.
        #expect(try diagnostics(Self.schema(mapping: #", "flowTypes": " Delete ,Add,  Update""#)) == [])
    }

    @Test func misspelledKnownKey() throws {
        let text = Self.schema(#"{ "tragetAttributeName": "displayName", "source": "[displayName]" }"#)
        let found = try diagnostics(text)
        try #require(found.count == 2, "\(found)")
        expect(
            found[0], .error, "unknown-key", at: "\(Self.mappingsPath)[1].tragetAttributeName",
            saying: #"unknown key "tragetAttributeName" in attribute mapping"#, #"did you mean "targetAttributeName"?"#)
        expect(
            found[1], .error, "missing-key", at: "\(Self.mappingsPath)[1]",
            saying: #"attribute mapping has no "targetAttributeName""#)
    }

    @Test func unknownFarAwayKeysAreCarriedSilently() throws {
        let text = Self.schema(
            #"{ "targetAttributeName": "displayName", "source": "[displayName]", "futureProperty": { "nested": [1.0, "${x}"] } }"#,
            rule: #", "someNewGraphSetting": true"#, mapping: #", "x-annotation": "kept""#)
        #expect(try diagnostics(text) == [])
    }

    // MARK: - Golden fixtures

    @Test(arguments: ["api2aad-default", "api2ad-default", "salesforce-objectmapping", "scope-filter"])
    func goldenSchemaFilesValidateWithoutErrors(_ name: String) throws {
        let file = try SchemaFile.read(try Fixtures.text("normalize/\(name)/schema.json"), file: name)
        let errors = SchemaValidator().validate(file).filter { $0.severity == .error }
        #expect(errors == [], "\(errors.map(\.description).joined(separator: "\n"))")
    }
}

extension String {
    /// The text with the first (or last) occurrence of `target` replaced; the target must occur.
    func replacingFirst(_ target: String, with replacement: String, last: Bool = false) -> String {
        guard let range = last ? range(of: target, options: .backwards) : range(of: target) else {
            Issue.record("\(target) not found in the test schema")
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}
