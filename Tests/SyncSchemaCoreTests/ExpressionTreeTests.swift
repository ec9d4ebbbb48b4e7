import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@Suite struct ExpressionTreeTests {
    static let verbatimTrees = [
        "a-attribute-mail.json", "a-mid.json", "b-not-mapping.json", "b-replace-mapping.json",
        "b-singleapproleassignment-mapping.json", "c-ispresent.json", "d-trim-mapping.json", "e-constant-mapping.json",
    ]

    /// The tree in a fixture: the `source` of an attribute mapping, or the file itself.
    func tree(_ file: String) throws -> JSONValue {
        let json = try Fixtures.json("expressions/trees/\(file)")
        return json.objectValue?.contains("source") == true ? json["source"]! : json
    }

    @Test func everyVerbatimFixtureIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("expressions/trees").path)
        #expect(Set(files) == Set(Self.verbatimTrees + ["b-none-mapping.json"]))
    }

    @Test(arguments: verbatimTrees)
    func serviceTreesRoundTrip(_ file: String) throws {
        let functions = FunctionTable.builtIn.merging(.cloudSyncExtras)
        let original = try tree(file)
        let expression = try MappingSource.expression(from: original, functions: functions)
        let compiled = try MappingSource.compile(expression, functions: functions)
        #expect(compiled == MappingSource.normalized(original))
        #expect(compiled["expression"] == original["expression"])
        #expect(compiled.objectValue?.keys == ["expression", "name", "parameters", "type"])
    }

    @Test func mappingWithoutSourceIsReportedClearly() throws {
        let mapping = try Fixtures.json("expressions/trees/b-none-mapping.json")
        #expect {
            try MappingSource.expression(from: mapping["source"]!, functions: .builtIn, at: [.key("source")])
        } throws: { error in
            (error as? ExpressionJSONError)?.description.hasPrefix(
                "at `source`: expected an attributeMappingSource object, found null") == true
        }
    }

    @Test func treesReadKeysIntoPositions() throws {
        let replace = try MappingSource.expression(from: tree("b-replace-mapping.json"), functions: .builtIn)
        #expect(replace.canonicalText == #"Replace([preferredLanguage], "-", , , "_", , )"#)
        let mid = try MappingSource.expression(from: tree("a-mid.json"), functions: .builtIn)
        #expect(mid == .call(name: "Mid", arguments: [.attribute("userPrincipalName"), .number("1"), .number("8")]))
        // Without expression text, constants stay strings and trailing omissions are dropped.
        var bare = MappingSource.normalized(try tree("b-replace-mapping.json")).objectValue!
        bare["expression"] = nil
        #expect(
            try MappingSource.expression(from: .object(bare), functions: .builtIn).canonicalText
                == #"Replace([preferredLanguage], "-", , , "_")"#)
    }

    @Test func compileMatchesTheServiceShape() throws {
        let expression = try ExpressionParser.parse(#"mid([userPrincipalName], 1, 8)"#)
        let compiled = try MappingSource.compile(expression, functions: .builtIn)
        #expect(compiled == (try tree("a-mid.json")))
        let replace = try MappingSource.compile(
            try ExpressionParser.parse(#"Replace([preferredLanguage], "-", , , "_", ,  )"#), functions: .builtIn)
        #expect(replace == (try tree("b-replace-mapping.json")))
        let constant = try MappingSource.compile(.string(#"Company name: "Contoso""#), functions: .builtIn)
        #expect(constant["expression"] == #""Company name: \"Contoso\"""#)
        #expect(constant["name"] == #"Company name: "Contoso""#)
    }

    @Test func repeatingParametersRepeatTheirKey() throws {
        let join = try MappingSource.compile(
            try ExpressionParser.parse(#"Join(" ", [a], [b], [c])"#), functions: .builtIn)
        let keys = join["parameters"]?.arrayValue?.compactMap { $0["key"]?.stringValue }
        #expect(keys == ["separator", "source", "source", "source"])
        let switchTree = try MappingSource.compile(
            try ExpressionParser.parse(#"Switch([Active], , "1", "True", "0", "False")"#), functions: .builtIn)
        #expect(
            switchTree["parameters"]?.arrayValue?.compactMap { $0["key"]?.stringValue }
                == ["source", "switchValue", "switchValue", "switchValue", "switchValue"])
        #expect(
            try MappingSource.expression(from: switchTree, functions: .builtIn).canonicalText
                == #"Switch([Active], , "1", "True", "0", "False")"#)
        let coalesce = try MappingSource.compile(
            try ExpressionParser.parse(#"Coalesce([a], [b], "x")"#), functions: .builtIn)
        #expect(
            coalesce["parameters"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == [
                "source", "source", "defaultValue",
            ])
        #expect(
            try MappingSource.expression(from: coalesce, functions: .builtIn).canonicalText
                == #"Coalesce([a], [b], "x")"#)
    }

    @Test func comparisonsCompileToOperatorNodesAndReadBack() throws {
        let expression = try ExpressionParser.parse(#"IIF(Len([x]) <= 5, "short", "long")"#)
        let compiled = try MappingSource.compile(expression, functions: .builtIn)
        let condition = compiled["parameters"]?.arrayValue?.first
        #expect(condition?["key"] == "one")
        #expect(condition?["value"]?["name"] == "<=")
        #expect(condition?["value"]?["type"] == "Function")
        #expect(condition?["value"]?["expression"] == #"Len([x])<=5"#)
        #expect(
            condition?["value"]?["parameters"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == ["left", "right"])
        #expect(try MappingSource.expression(from: compiled, functions: .builtIn) == expression)
    }

    @Test func completedCloudSyncTreeRoundTrips() throws {
        let original = try Fixtures.json("expressions/c-iif-completed.json")
        let expression = try MappingSource.expression(from: original, functions: .builtIn)
        #expect(
            expression.canonicalText
                == #"IIF(IsPresent([userAccountControl]), IIF(BitAnd([userAccountControl], 2)="0", "True", "False"), Not([accountDisabled]))"#
        )
        let compiled = try MappingSource.compile(expression, functions: .builtIn)
        #expect(compiled == MappingSource.normalized(original))
    }

    @Test func unknownKeysFallBackToTheNodesOwnText() throws {
        let source: JSONValue = [
            "expression": #"ToLower([mail], "en-US")"#, "name": "ToLower", "type": "Function",
            "parameters": [
                ["key": "source", "value": ["name": "mail", "type": "Attribute"]],
                ["key": "locale", "value": ["name": "en-US", "type": "Constant"]],
            ],
        ]
        #expect(
            try MappingSource.expression(from: source, functions: .builtIn)
                == .call(name: "ToLower", arguments: [.attribute("mail"), .string("en-US")]))
        var withoutText = source.objectValue!
        withoutText["expression"] = nil
        #expect {
            try MappingSource.expression(from: .object(withoutText), functions: .builtIn, at: [.key("source")])
        } throws: { error in
            (error as? ExpressionJSONError)?.description
                == "at `source.parameters[1].key`: ToLower has no parameter 'locale' (known: source, culture), and the node has no expression text to read instead"
        }
    }

    @Test func handWrittenInputWithoutExpressionOrParameters() throws {
        // Microsoft's own sample PUTs sources like this (reference §3.2).
        #expect(
            try MappingSource.expression(
                from: ["name": "mail", "type": "Attribute", "parameters": []], functions: .builtIn)
                == .attribute("mail"))
        #expect(try MappingSource.expression(from: ["name": "mail"], functions: .builtIn) == .attribute("mail"))
        #expect(
            try MappingSource.expression(from: ["name": "CU3711", "type": "Constant"], functions: .builtIn)
                == .string("CU3711"))
        #expect(throws: ExpressionJSONError.self) {
            try MappingSource.expression(from: ["name": "X", "type": "Operator"], functions: .builtIn)
        }
    }

    @Test func compileRejectsUnknownFunctionsAndSurplusArguments() {
        #expect(throws: ExpressionJSONError.self) {
            try MappingSource.compile(.call(name: "Jion", arguments: []), functions: .builtIn)
        }
        #expect {
            try MappingSource.compile(try ExpressionParser.parse("Not(Mid([a], 1, 2, 3))"), functions: .builtIn)
        } throws: { error in
            (error as? ExpressionJSONError)?.description == "at `parameters[0]`: Mid takes at most 3 arguments, found 4"
        }
    }
}

@Suite struct FunctionTableTests {
    @Test func loadsTheODataWrapperAndOverridesTheBuiltInTable() throws {
        let response = try Fixtures.json("expressions/functions-2017.json")
        let loaded = try FunctionTable(functionsResponse: response)
        #expect(loaded.functions.map(\.name) == ["DefaultDomain", "FormatDateTime", "Join", "Replace", "Switch"])
        #expect(loaded["formatdatetime"]?.parameters.map(\.name) == ["source", "inputFormat", "outputFormat"])
        #expect(loaded["Join"]?.parameters.last?.allowsMultipleOccurrences == true)
        let merged = FunctionTable.builtIn.merging(loaded)
        #expect(merged["FormatDateTime"]?.parameters.count == 3)
        #expect(FunctionTable.builtIn["FormatDateTime"]?.parameters.count == 4)
        #expect(merged["Mid"] != nil)
        let bare = try FunctionTable(functionsResponse: response["value"]!)
        #expect(bare.functions == loaded.functions)
    }

    @Test func lookupIgnoresCaseAndReportsCanonicalNames() {
        #expect(FunctionTable.builtIn["iif"]?.name == "IIF")
        #expect(FunctionTable.builtIn["SELECTUNIQUEVALUE"]?.name == "SelectUniqueValue")
        #expect(FunctionTable.builtIn["AssertNotNull"] == nil)
        #expect(FunctionTable.builtIn.functions.count == 45)
    }

    @Test func badResponsesNameThePath() {
        #expect {
            try FunctionTable(functionsResponse: [
                "value": [["name": "Join", "parameters": [["name": "x", "required": "yes"]]]]
            ])
        } throws: { error in
            (error as? ExpressionJSONError)?.description
                == "at `value[0].parameters[0].required`: expected a boolean, found a string"
        }
        #expect(throws: ExpressionJSONError.self) { try FunctionTable(functionsResponse: "nope") }
    }

    @Test func positionsOfRepeatingParameters() throws {
        let coalesce = try #require(FunctionTable.builtIn["Coalesce"])
        #expect(coalesce.parameters(forArgumentCount: 1).map { $0?.name } == ["source"])
        #expect(coalesce.parameters(forArgumentCount: 3).map { $0?.name } == ["source", "source", "defaultValue"])
        let mid = try #require(FunctionTable.builtIn["Mid"])
        #expect(mid.parameters(forArgumentCount: 4).map { $0?.name } == ["source", "start", "length", nil])
    }
}
