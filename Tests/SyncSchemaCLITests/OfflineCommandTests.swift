import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// The lines of error output that report problems (the summary line of `validate` aside).
func problemLines(_ err: String) -> [Substring] {
    err.split(separator: "\n").filter { !$0.contains("file(s) checked") }
}

/// Messages are for people: no Swift type names, decoding errors or crash reports.
func expectClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for marker in ["Swift.", "DecodingError", "Fatal error", "internal error", "Stack dump", "SyncSchemaCore."] {
        #expect(
            !text.contains(marker), "output contains \(marker): \(text.prefix(500))", sourceLocation: sourceLocation)
    }
}

/// A schema file with one warning (an empty-string default) and nothing else to report.
let schemaWithWarning = """
    {
      "syncschema": 1,
      "directories": [
        { "name": "API", "objects": [{ "name": "User", "attributes": [{ "name": "externalId" }, { "name": "userName" }] }] },
        { "name": "Azure Active Directory", "objects": [{ "name": "User", "attributes": [
          { "name": "employeeId" }, { "name": "displayName" }, { "name": "extension_${appId}_badge" }
        ] }] }
      ],
      "synchronizationRules": [{
        "name": "USER_INBOUND", "sourceDirectoryName": "API", "targetDirectoryName": "Azure Active Directory",
        "objectMappings": [{ "name": "Users", "enabled": true, "sourceObjectName": "User", "targetObjectName": "User",
          "attributeMappings": [
            { "targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 1 },
            { "targetAttributeName": "displayName", "source": "[userName]", "defaultValue": "" }
          ] }]
      }]
    }
    """

@Suite struct OfflineCommandTests {
    // MARK: - normalize, render, fmt

    @Test(arguments: ["api2aad-default", "scope-filter", "salesforce-objectmapping"])
    func normalizePrintsTheGoldenSchemaFile(_ name: String) async throws {
        let raw = try Fixtures.text("normalize/\(name)/raw.json")
        let result = await syncschema("normalize", "raw.json", files: ["raw.json": raw])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err == "")
        if let mismatch = goldenMismatch(result.out, file: "normalize/\(name)/schema.json") {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    @Test func renderSubstitutesVariables() async throws {
        let result = await syncschema(
            "render", "app.json", "--var", "appId=0b3e", files: ["app.json": schemaWithWarning])
        #expect(result.code == 0, "\(result.err)")
        let raw = try JSONParser.parse(result.out)
        let names = raw[path: [.key("directories"), .index(1), .key("objects"), .index(0), .key("attributes")]]?
            .arrayValue?
            .map { $0["name"] }
        #expect(names == ["employeeId", "displayName", "extension_0b3e_badge"])
        // Rendered offline: defaults expanded, expressions compiled.
        let mapping = raw[
            path: [
                .key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0), .key("attributeMappings"),
                .index(0),
            ]]
        #expect(mapping?["flowType"] == "Always")
        #expect(mapping?["source"]?["type"] == "Attribute" && mapping?["source"]?["name"] == "externalId")

        let missing = await syncschema("render", "app.json", files: ["app.json": schemaWithWarning])
        #expect(missing.code == 1)
        #expect(missing.out == "")
        #expect(
            missing.err.contains(
                "app.json: at `directories[1].objects[0].attributes[2].name`: error: unknown variable ${appId}"))
        expectClean(missing.err)
    }

    @Test func renderOntoLiveGivesLiveBack() async throws {
        let raw = try Fixtures.text("normalize/api2aad-default/raw.json")
        let schema = try Fixtures.text("normalize/api2aad-default/schema.json")
        let result = await syncschema(
            "render", "schema.json", "--live", "live.json", files: ["schema.json": schema, "live.json": raw])
        #expect(result.code == 0, "\(result.err)")
        #expect(try JSONParser.parse(result.out) == JSONParser.parse(raw))
        // And the file comes back from what was rendered.
        let again = await syncschema("normalize", "put.json", files: ["put.json": result.out])
        #expect(again.out == schema)
    }

    @Test func fmtRewritesOnceThenSaysAlreadyCanonical() async throws {
        let canonical = try Fixtures.text("normalize/scope-filter/schema.json")
        let messy = JSONWriter.compact(try JSONParser.parse(canonical))
        #expect(messy != canonical)
        let fileSystem = InMemoryFileSystem(files: ["schemas/hr.json": messy])
        let first = await syncschema("fmt", fileSystem: fileSystem)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out == "formatted schemas/hr.json\n")
        #expect(try fileSystem.readText("schemas/hr.json") == canonical)
        let second = await syncschema("fmt", "schemas/hr.json", fileSystem: fileSystem)
        #expect(second.code == 0)
        #expect(second.out == "1 file(s) already canonical\n")
        #expect(try fileSystem.readText("schemas/hr.json") == canonical)
    }

    @Test func fmtCheckNamesTheFileAndChangesNothing() async throws {
        let canonical = try Fixtures.text("normalize/scope-filter/schema.json")
        let messy = canonical.replacingOccurrences(of: #""name": "API""#, with: #""name":   "API""#)
        let fileSystem = InMemoryFileSystem(files: ["schemas/a.json": canonical, "schemas/b.json": messy])
        let result = await syncschema("fmt", "--check", fileSystem: fileSystem)
        #expect(result.code == 1)
        #expect(result.out == "schemas/b.json: not canonical; run `syncschema fmt schemas/b.json`\n")
        #expect(try fileSystem.readText("schemas/b.json") == messy)
        let clean = await syncschema("fmt", "--check", "schemas/a.json", fileSystem: fileSystem)
        #expect(clean.code == 0 && clean.out == "")
    }

    // MARK: - validate

    @Test func validateJSONReport() async throws {
        let result = await syncschema(
            "validate", "--format", "json", "app.json", files: ["app.json": schemaWithWarning])
        #expect(result.code == 0, "\(result.err)")
        let report = try JSONParser.parse(result.out)
        #expect(report["formatVersion"] == 1)
        #expect(report["valid"] == true)
        #expect(report["files"] == ["app.json"])
        #expect(
            report["diagnostics"] == [
                [
                    "severity": "warning", "code": "empty-default", "file": "app.json",
                    "path": "synchronizationRules[0].objectMappings[0].attributeMappings[1].defaultValue",
                    "message": report[path: [.key("diagnostics"), .index(0), .key("message")]] ?? .null,
                ]
            ])
        #expect(
            report[path: [.key("diagnostics"), .index(0), .key("message")]]?.stringValue?.contains("empty string")
                == true)
    }

    @Test func validateStrictTurnsAWarningIntoFailure() async throws {
        let lenient = await syncschema("validate", "app.json", files: ["app.json": schemaWithWarning])
        #expect(lenient.code == 0)
        #expect(lenient.out == "1 file(s) checked: 0 error(s), 1 warning(s)\n")
        #expect(
            lenient.err.hasPrefix(
                "app.json: at `synchronizationRules[0].objectMappings[0].attributeMappings[1].defaultValue`: warning:"))
        let strict = await syncschema("validate", "--strict", "app.json", files: ["app.json": schemaWithWarning])
        #expect(strict.code == 1)
        #expect(strict.err.hasSuffix("1 file(s) checked: 0 error(s), 1 warning(s) (strict)\n"))
        let json = await syncschema(
            "validate", "--strict", "--format=json", "app.json", files: ["app.json": schemaWithWarning])
        #expect(json.code == 1)
        #expect(try JSONParser.parse(json.out)["valid"] == false)
    }

    // MARK: - expr

    @Test func exprPrintsCanonicalText() async {
        let result = await syncschema("expr", #"Join(" ",[name.givenName],   [name.familyName] )"#)
        #expect(result.code == 0)
        #expect(result.out == #"Join(" ", [name.givenName], [name.familyName])"# + "\n")
        #expect(result.err == "")
    }

    @Test func exprJSONPrintsTheTree() async throws {
        let result = await syncschema("expr", "--json", #"ToLower([mail], )"#)
        #expect(result.code == 0, "\(result.err)")
        let tree = try JSONParser.parse(result.out)
        #expect(tree["name"] == "ToLower" && tree["type"] == "Function")
        #expect(tree["expression"] == "ToLower([mail], )")
        #expect(tree["parameters"]?.arrayValue?.count == 1)
        #expect(tree[path: [.key("parameters"), .index(0), .key("value"), .key("name")]] == "mail")
    }

    @Test func exprSyntaxErrorShowsACaret() async {
        let result = await syncschema("expr", #"Join(" ", [a]"#)
        #expect(result.code == 1)
        #expect(result.out == "")
        let lines = result.err.split(separator: "\n")
        #expect(lines.first?.hasPrefix("error: expression:") == true, "\(result.err)")
        #expect(lines.first?.contains("column") == true)
        #expect(
            lines.contains {
                $0.hasPrefix("error: ") && $0.dropFirst(7).trimmingCharacters(in: .whitespaces).hasPrefix("^")
            })
        expectClean(result.err)
    }

    @Test func exprUnknownFunctionFailsWithASuggestion() async {
        let result = await syncschema("expr", "Jion(\",\", [a])")
        #expect(result.code == 1)
        #expect(result.err.contains("did you mean 'Join'?"))
    }

    // MARK: - usage errors and help

    @Test func unknownCommandSuggests() async {
        let result = await syncschema("nomralize", "raw.json")
        #expect(result.code == 64)
        #expect(result.err.hasPrefix("error: unknown command 'nomralize'; did you mean 'normalize'?\n"))
        #expect(result.out == "")
    }

    @Test func unknownOptionSuggests() async {
        let result = await syncschema("validate", "--stirct", "a.json")
        #expect(result.code == 64)
        #expect(result.err.contains("unknown option '--stirct' for `syncschema validate`; did you mean '--strict'?"))
        #expect(result.err.contains("syncschema validate --help"))
    }

    @Test func missingArgument() async {
        let result = await syncschema("normalize")
        #expect(result.code == 64)
        #expect(result.err.hasPrefix("error: missing argument RAW.json"))
        let noValue = await syncschema("render", "a.json", "--live")
        #expect(noValue.code == 64)
        #expect(noValue.err.contains("option '--live' needs a value"))
    }

    @Test func invalidChoice() async {
        let result = await syncschema("validate", "--format", "yaml", "a.json")
        #expect(result.code == 64)
        #expect(result.err.contains("invalid value 'yaml' for '--format'; expected one of: text, json"))
    }

    @Test func helpHasItsSections() async {
        for arguments in [["--help"], ["help"]] {
            let out = await syncschema(arguments, fileSystem: InMemoryFileSystem())
            #expect(out.code == 0)
            for section in [
                "OVERVIEW:", "USAGE: syncschema <subcommand>", "SUBCOMMANDS:", "OPTIONS:", "normalize", "validate",
                "expr",
            ] {
                #expect(out.out.contains(section), "\(arguments) lacks \(section)")
            }
        }
        for arguments in [["help", "validate"], ["validate", "--help"], ["validate", "-h"]] {
            let out = await syncschema(arguments, fileSystem: InMemoryFileSystem())
            #expect(out.code == 0)
            for section in [
                "OVERVIEW:", "USAGE: syncschema validate", "OPTIONS:", "--strict", "--format <FORMAT>", "(text|json)",
            ] {
                #expect(out.out.contains(section), "\(arguments) lacks \(section)")
            }
        }
        let unknown = await syncschema("help", "valdate")
        #expect(unknown.code == 64 && unknown.err.contains("did you mean 'validate'?"))
    }

    @Test func version() async {
        let result = await syncschema("--version")
        #expect(result.code == 0)
        #expect(result.out == "syncschema \(syncschemaVersion)\n")
        #expect(syncschemaVersion.split(separator: ".").count == 3)
    }

    // MARK: - malformed input

    @Test func truncatedJSONNamesLineAndColumn() async {
        let text = "{\n  \"syncschema\": 1,\n  \"directories\": [\n    { \"name\": \"A"
        for command in ["normalize", "validate", "render", "fmt"] {
            let result = await syncschema(command, "bad.json", files: ["bad.json": text])
            #expect(result.code == 1, "\(command)")
            #expect(
                result.err.hasPrefix("error: bad.json: invalid JSON at line 4, column ")
                    || result.err.hasPrefix("bad.json: error: invalid JSON at line 4, column "),
                "\(command): \(result.err)")
            #expect(problemLines(result.err).count == 1, "\(command): \(result.err)")
            expectClean(result.err)
        }
    }

    @Test func topLevelArray() async {
        let normalize = await syncschema("normalize", "a.json", files: ["a.json": "[1, 2]"])
        #expect(normalize.code == 1)
        #expect(
            normalize.err
                == "a.json: error: expected a synchronization schema object at the top level, found an array\n")
        let validate = await syncschema("validate", "a.json", files: ["a.json": "[1, 2]"])
        #expect(validate.code == 1)
        #expect(validate.err.hasPrefix("a.json: error: expected a JSON object at the top level, found an array\n"))
    }

    @Test func wrongTypesAndUnknownVersion() async {
        let types = await syncschema(
            "validate", "a.json", files: ["a.json": #"{ "syncschema": 1, "directories": [{ "name": 5 }] }"#])
        #expect(types.code == 1)
        #expect(types.err.hasPrefix("a.json: at `directories[0].name`: error: expected a string, found a number\n"))
        expectClean(types.err)
        let version = await syncschema("render", "a.json", files: ["a.json": #"{ "syncschema": 7 }"#])
        #expect(version.code == 1)
        #expect(version.err.hasPrefix("a.json: at `syncschema`: error: unsupported schema file version 7"))
        #expect(version.out == "")
    }

    @Test func unbalancedExpressionBrackets() async {
        let text = schemaWithWarning.replacingOccurrences(
            of: #""source": "[userName]""#, with: #""source": "Join(\",\", [userName""#)
        let validate = await syncschema("validate", "a.json", files: ["a.json": text])
        #expect(validate.code == 1)
        #expect(
            validate.err.contains(
                "a.json: at `synchronizationRules[0].objectMappings[0].attributeMappings[1].source`: error:"))
        #expect(validate.err.contains("column"))
        let render = await syncschema("render", "a.json", "--var", "appId=x", files: ["a.json": text])
        #expect(render.code == 1)
        #expect(
            render.err.hasPrefix(
                "a.json: at `synchronizationRules[0].objectMappings[0].attributeMappings[1].source`: error: expression does not compile"
            ))
        #expect(render.out == "")
        expectClean(validate.err + render.err)
        let expr = await syncschema("expr", "[userName")
        #expect(expr.code == 1 && expr.err.contains("column"))
    }

    @Test func tenMegabyteStringFinishesCleanly() async throws {
        let huge = String(repeating: "x", count: 10_000_000)
        let places = [
            schemaWithWarning.replacingOccurrences(of: #""defaultValue": """#, with: #""defaultValue": "\#(huge)""#),
            schemaWithWarning.replacingOccurrences(
                of: #""name": "userName""#, with: #""name": "userName", "note": "\#(huge)""#),
            schemaWithWarning.replacingOccurrences(of: #""source": "[userName]""#, with: #""source": "\"\#(huge)\"""#),
            schemaWithWarning.replacingOccurrences(
                of: #""targetAttributeName": "displayName""#, with: #""targetAttributeName": "\#(huge)""#),
            schemaWithWarning.replacingOccurrences(of: #""enabled": true"#, with: #""enabled": true, "\#(huge)": 1"#),
        ]
        for (offset, text) in places.enumerated() {
            #expect(text.utf8.count > 10_000_000)
            let fileSystem = InMemoryFileSystem(files: ["schemas/a.json": text])
            for arguments in [["validate"], ["fmt", "--check"], ["render", "schemas/a.json", "--var", "appId=x"]] {
                let clock = ContinuousClock()
                let start = clock.now
                let result = await syncschema(arguments, fileSystem: fileSystem)
                // Linear work takes about a second in a debug build; quadratic work took minutes.
                #expect(clock.now - start < .seconds(30), "\(offset) \(arguments)")
                #expect([0, 1].contains(result.code), "\(offset) \(arguments): \(result.code)")
                expectClean(result.err)
                // A finding never quotes megabytes back at the reader.
                #expect(
                    result.err.utf8.count < 10_000, "\(offset) \(arguments): \(result.err.utf8.count) bytes of errors")
            }
        }
    }

    @Test func invalidUTF8() async throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.write(
            Array(#"{ "syncschema": 1, "x": ""#.utf8) + [0xFF, 0xFE] + Array(#"" }"#.utf8), to: "bad.json")
        for command in ["normalize", "validate", "render", "fmt"] {
            let result = await syncschema(command, "bad.json", fileSystem: fileSystem)
            #expect(result.code == 1, "\(command)")
            #expect(result.err.contains("bad.json"), "\(command): \(result.err)")
            #expect(result.err.contains("UTF-8"), "\(command): \(result.err)")
            #expect(problemLines(result.err).count == 1, "\(command): \(result.err)")
            expectClean(result.err)
        }
    }

    @Test func missingFile() async {
        for arguments in [
            ["normalize", "nope.json"], ["validate", "nope.json"], ["render", "nope.json"], ["fmt", "nope.json"],
            ["render", "a.json", "--live", "nope.json"], ["expr", "--functions", "nope.json", "[a]"],
        ] {
            let result = await syncschema(
                arguments, fileSystem: InMemoryFileSystem(files: ["a.json": #"{ "syncschema": 1 }"#]))
            #expect(result.code == 1, "\(arguments)")
            #expect(
                result.err.contains("nope.json") && result.err.contains("no such file"), "\(arguments): \(result.err)")
            #expect(problemLines(result.err).count == 1, "\(arguments): \(result.err)")
            expectClean(result.err)
        }
        let noSchemas = await syncschema("validate")
        #expect(noSchemas.code == 1 && noSchemas.err.contains("no schemas/ directory"))
    }
}
