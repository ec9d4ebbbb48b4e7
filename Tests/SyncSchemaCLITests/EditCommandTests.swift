import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// A project holding the API2AAD golden schema as `schemas/hr.json`, plus `extra` files.
func editProject(extra: [String: String] = [:]) throws -> ProjectHarness {
    var files = ["schemas/hr.json": try Fixtures.text("normalize/api2aad-default/schema.json")]
    for (path, text) in extra { files[path] = text }
    return ProjectHarness(files)
}

extension ProjectHarness {
    /// The edited schema file.
    var schema: String { (try? fileSystem.readText("schemas/hr.json")) ?? "" }
}

@Suite struct AttributeCommandTests {
    let badge = "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId"

    @Test func addIsCanonicalAndIdempotent() async throws {
        let harness = try editProject()
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId", "--namespace", "contoso") == 0)
        let once = harness.schema
        #expect(once.contains(#"{ "name": "\#(badge)" }"#))
        #expect(JSONWriter().string(Normalizer(codec: .standard()).format(try SchemaFile.read(once))) == once)
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId") == 0)  // namespace now inferred
        #expect(harness.schema == once)
        #expect(harness.out.contents.contains("already present"))
    }

    @Test func bareNameWithoutNamespaceIsRefused() async throws {
        let harness = try editProject()
        let before = harness.schema
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId") == 1)
        #expect(harness.err.contents.contains("--namespace"))
        #expect(harness.schema == before)
    }

    @Test func csvHeadersWithQuotesAndByteOrderMark() async throws {
        let csv = "\u{FEFF}externalId,\"cost Center\",\"job \"\"code\"\"\",hireDate\r\n1,2,3,4\r\n"
        let harness = try editProject(extra: ["hr.csv": csv])
        #expect(
            await harness.run("attribute", "add", "--app", "hr", "--from-csv", "hr.csv", "--namespace", "contoso") == 0)
        for name in ["costCenter", "jobcode", "hireDate"] {
            #expect(harness.schema.contains("urn:ietf:params:scim:schemas:extension:contoso:1.0:User:\(name)\""))
        }
        #expect(!harness.schema.contains("contoso:1.0:User:externalId"))  // existing attribute kept as it is
        #expect(harness.err.contents.contains("warning: \"cost Center\""))
    }

    @Test func removeRefusesWhileAMappingUsesIt() async throws {
        let harness = try editProject()
        #expect(await harness.run("attribute", "add", "--app", "hr", badge) == 0)
        #expect(
            await harness.run(
                "attribute", "add", "--app", "hr", "--directory", "Azure Active Directory", "--object", "User",
                "employeeType") == 0)
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "employeeType", "--source", "[\(badge)]")
                == 0)
        let before = harness.schema
        #expect(await harness.run("attribute", "remove", "--app", "hr", badge) == 1)
        #expect(harness.err.contents.contains("still used by the mapping to \"employeeType\""))
        #expect(harness.schema == before)
        #expect(await harness.run("mapping", "remove", "--app", "hr", "--target", "employeeType") == 0)
        #expect(await harness.run("attribute", "remove", "--app", "hr", badge) == 0)
        #expect(!harness.schema.contains(badge))
    }
}

@Suite struct MappingCommandTests {
    @Test func setShowsWhatItReplacesAndIsIdempotent() async throws {
        let harness = try editProject()
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "jobTitle", "--source", "ToUpper( [title] )")
                == 0)
        #expect(harness.out.contents.contains("was: source [title]"))
        #expect(harness.schema.contains(#"{ "targetAttributeName": "jobTitle", "source": "ToUpper([title])" }"#))
        let once = harness.schema
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "jobTitle", "--source", "ToUpper([title])")
                == 0)
        #expect(harness.schema == once)
        #expect(harness.out.contents.contains("already present"))
    }

    @Test(arguments: [
        (["--source", "ToUpper([titel])"], "did you mean [title]"),
        (["--source", "ToUpper([title]"], "expected ')'"),
        (["--source", "Frobnicate([title])"], "unknown function"),
        (["--default", ""], "provisions nothing"),
    ])
    func badInputIsRefusedBeforeTheFileIsTouched(_ extra: [String], _ message: String) async throws {
        let harness = try editProject()
        let before = harness.schema
        let code = await harness.run(["mapping", "set", "--app", "hr", "--target", "jobTitle"] + extra)
        #expect(code == 1)
        #expect(harness.err.contents.contains(message), "\(harness.err.contents)")
        #expect(harness.schema == before)
    }

    @Test func targetsMustExistAndFlowTypeIsWritten() async throws {
        let harness = try editProject()
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "employeeType", "--source", #""Employee""#)
                == 1)
        #expect(harness.err.contents.contains(#"target attribute "employeeType" is not defined"#))
        #expect(
            await harness.run(
                "attribute", "add", "--app", "hr", "--directory", "Azure Active Directory", "employeeType") == 0)
        #expect(harness.schema.contains(#"{ "name": "employeeType" }"#))
        #expect(
            await harness.run(
                "mapping", "set", "--app", "hr", "--target", "employeeType", "--source", #""Employee""#, "--flow-type",
                "ObjectAddOnly") == 0)
        #expect(
            harness.schema.contains(
                #""targetAttributeName": "employeeType", "source": "\"Employee\"", "flowType": "ObjectAddOnly""#))
    }
}

@Suite struct CSVHeaderTests {
    @Test(arguments: [
        ("a,b,c\n1,2,3", ["a", "b", "c"]),
        ("\u{FEFF}a, b ,c", ["a", "b", "c"]),
        ("\"x,y\",\"say \"\"hi\"\"\"\r\nrow", ["x,y", "say \"hi\""]),
        ("\"multi\nline\",z", ["multi\nline", "z"]),
        ("", []),
    ])
    func headers(_ text: String, _ expected: [String]) throws {
        #expect(try CSVHeader.columns(text) == expected)
    }

    @Test func malformedHeadersAreErrors() {
        #expect(throws: CSVHeader.ParseError.self) { try CSVHeader.columns("\"open,b") }
        #expect(throws: CSVHeader.ParseError.self) { try CSVHeader.columns("\"a\"b,c") }
    }
}
