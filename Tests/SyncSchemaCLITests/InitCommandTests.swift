import SyncSchemaCLI
import SyncSchemaCore
import Testing

@Suite struct InitCommandTests {
    func run(_ fileSystem: InMemoryFileSystem, _ arguments: [String]) async -> (Int32, String) {
        let out = OutputBuffer()
        let code = await CLI.run(
            arguments: arguments,
            environment: CLIEnvironment(
                output: out.sink, errorOutput: out.sink,
                fileSystem: fileSystem))
        return (code, out.contents)
    }

    @Test func scaffoldsAValidProjectAndNeverOverwrites() async throws {
        let fileSystem = InMemoryFileSystem(files: [".gitignore": "mine\n"])
        let (code, output) = await run(fileSystem, ["init", "--tenant", "fabrikam.onmicrosoft.com", "--env", "qa"])
        #expect(code == 0)
        #expect(output.contains("kept     .gitignore"))
        #expect(try fileSystem.readText(".gitignore") == "mine\n")
        let environment = try EnvironmentFile.decode(
            try JSONParser.parse(try fileSystem.readText("environments/qa.json")), file: "environments/qa.json")
        #expect(environment.tenant == "fabrikam.onmicrosoft.com")
        #expect(environment.app(named: "hr-employees") != nil)
        #expect(fileSystem.exists(".github/workflows/syncschema.yml"))
        #expect(
            try fileSystem.readText(".syncschema/schema-file.schema.json")
                == JSONWriter().string(JSONSchemas.schemaFile))
        #expect(
            try fileSystem.readText("environments/qa.json").contains(
                #""$schema": "../.syncschema/environment-file.schema.json""#))
        #expect(try fileSystem.readText(".github/workflows/syncschema.yml").contains("SYNCSCHEMA_QA_SECRET"))
        let before = fileSystem.paths.map { ($0, try? fileSystem.readText($0)) }.description
        let (again, secondOutput) = await run(fileSystem, ["init", "--env", "qa"])
        #expect(again == 0)
        #expect(secondOutput.contains("Nothing to do"))
        #expect(fileSystem.paths.map { ($0, try? fileSystem.readText($0)) }.description == before)
    }
}
