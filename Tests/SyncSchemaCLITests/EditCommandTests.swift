import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// Collects what a command writes, from any thread.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    var text: String { lock.withLock { buffer } }
    func append(_ text: String) { lock.withLock { buffer += text } }
}

/// Runs the CLI on an in-memory project holding the API2AAD golden schema as `schemas/hr.json`.
struct EditHarness {
    let fileSystem: InMemoryFileSystem
    let out = Captured()
    let err = Captured()

    init(extra: [String: String] = [:]) throws {
        var files = ["schemas/hr.json": try Fixtures.text("normalize/api2aad-default/schema.json")]
        for (path, text) in extra { files[path] = text }
        fileSystem = InMemoryFileSystem(files: files)
    }

    var schema: String { (try? fileSystem.readText("schemas/hr.json")) ?? "" }

    func run(_ arguments: String...) async -> Int32 {
        let out = self.out, err = self.err
        return await CLI.run(
            arguments: arguments,
            environment: CLIEnvironment(
                output: OutputSink { out.append($0) }, errorOutput: OutputSink { err.append($0) },
                fileSystem: fileSystem))
    }
}

@Suite struct AttributeCommandTests {
    let badge = "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId"

    @Test func addIsCanonicalAndIdempotent() async throws {
        let harness = try EditHarness()
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId", "--namespace", "contoso") == 0)
        let once = harness.schema
        #expect(once.contains(#"{ "name": "\#(badge)" }"#))
        #expect(JSONWriter().string(Normalizer(codec: .standard()).format(try SchemaFile.read(once))) == once)
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId") == 0)  // namespace now inferred
        #expect(harness.schema == once)
        #expect(harness.out.text.contains("already present"))
    }

    @Test func bareNameWithoutNamespaceIsRefused() async throws {
        let harness = try EditHarness()
        let before = harness.schema
        #expect(await harness.run("attribute", "add", "--app", "hr", "badgeId") == 1)
        #expect(harness.err.text.contains("--namespace"))
        #expect(harness.schema == before)
    }

    @Test func csvHeadersWithQuotesAndByteOrderMark() async throws {
        let csv = "\u{FEFF}externalId,\"cost Center\",\"job \"\"code\"\"\",hireDate\r\n1,2,3,4\r\n"
        let harness = try EditHarness(extra: ["hr.csv": csv])
        #expect(
            await harness.run("attribute", "add", "--app", "hr", "--from-csv", "hr.csv", "--namespace", "contoso") == 0)
        for name in ["costCenter", "jobcode", "hireDate"] {
            #expect(harness.schema.contains("urn:ietf:params:scim:schemas:extension:contoso:1.0:User:\(name)\""))
        }
        #expect(!harness.schema.contains("contoso:1.0:User:externalId"))  // existing attribute kept as it is
        #expect(harness.err.text.contains("warning: \"cost Center\""))
    }

    @Test func removeRefusesWhileAMappingUsesIt() async throws {
        let harness = try EditHarness()
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
        #expect(harness.err.text.contains("still used by the mapping to \"employeeType\""))
        #expect(harness.schema == before)
        #expect(await harness.run("mapping", "remove", "--app", "hr", "--target", "employeeType") == 0)
        #expect(await harness.run("attribute", "remove", "--app", "hr", badge) == 0)
        #expect(!harness.schema.contains(badge))
    }
}

@Suite struct MappingCommandTests {
    @Test func setShowsWhatItReplacesAndIsIdempotent() async throws {
        let harness = try EditHarness()
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "jobTitle", "--source", "ToUpper( [title] )")
                == 0)
        #expect(harness.out.text.contains("was: source [title]"))
        #expect(harness.schema.contains(#"{ "targetAttributeName": "jobTitle", "source": "ToUpper([title])" }"#))
        let once = harness.schema
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "jobTitle", "--source", "ToUpper([title])")
                == 0)
        #expect(harness.schema == once)
        #expect(harness.out.text.contains("already present"))
    }

    @Test(arguments: [
        (["--source", "ToUpper([titel])"], "did you mean [title]"),
        (["--source", "ToUpper([title]"], "expected ')'"),
        (["--source", "Frobnicate([title])"], "unknown function"),
        (["--default", ""], "provisions nothing"),
    ])
    func badInputIsRefusedBeforeTheFileIsTouched(_ extra: [String], _ message: String) async throws {
        let harness = try EditHarness()
        let before = harness.schema
        let code = await CLI.run(
            arguments: ["mapping", "set", "--app", "hr", "--target", "jobTitle"] + extra,
            environment: CLIEnvironment(
                output: OutputSink { harness.out.append($0) }, errorOutput: OutputSink { harness.err.append($0) },
                fileSystem: harness.fileSystem))
        #expect(code == 1)
        #expect(harness.err.text.contains(message), "\(harness.err.text)")
        #expect(harness.schema == before)
    }

    @Test func targetsMustExistAndFlowTypeIsWritten() async throws {
        let harness = try EditHarness()
        #expect(
            await harness.run("mapping", "set", "--app", "hr", "--target", "employeeType", "--source", #""Employee""#)
                == 1)
        #expect(harness.err.text.contains(#"target attribute "employeeType" is not defined"#))
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
