import Foundation
import SyncSchemaTestSupport
import Testing

/// The commands the README and the CI recipes show, run against the emulator, so the documents
/// cannot drift from what the tool does.
@Suite struct DocumentationTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("the README's first run works as written")
    func readmeWalkthrough() async throws {
        let readme = try Self.read("README.md")
        let start = try #require(readme.range(of: "<!-- walkthrough:start -->"))
        let end = try #require(readme.range(of: "<!-- walkthrough:end -->"))
        let block = readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("```") }
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let binaries = Fixtures.repositoryRoot.appendingPathComponent(".build/debug").path
        var script = "set -euo pipefail\nexport PATH=\"\(binaries):$PATH\"\n"
        for line in block {
            // The harness provides what these two lines set up: the built binaries and an emulator.
            if line.hasPrefix("make install") || line.hasPrefix("graph-emulator ") { continue }
            script += line.replacingOccurrences(of: "http://127.0.0.1:8765", with: emulator.baseURL) + "\n"
        }
        #expect(script.contains("syncschema apply"), "the walkthrough lost its apply step")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "syncschema-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await TestProcess.run(
            URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", script], directory: directory,
            environment: [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
                "NO_COLOR": "1",
            ],
            stdin: Data())
        #expect(result.exitCode == 0, "\(result)")
        #expect(
            result.stdout.contains("Plan: 2 to add, 0 to change, 0 to remove."),
            "README says: exactly two additions\n\(result)")
        #expect(result.stdout.contains("Live now matches the plan."), "\(result)")
        #expect(result.stdout.contains("1 checked, 0 drifted."), "\(result)")
        // init put the JSON Schemas in the project; pulled and scaffolded files point editors at them.
        let project = directory.appendingPathComponent("hr-config")
        let schema = try String(
            contentsOf: project.appendingPathComponent("schemas/hr-employees.json"), encoding: .utf8)
        #expect(schema.hasPrefix("{\n  \"$schema\": \"../.syncschema/schema-file.schema.json\",\n  \"syncschema\": 1,"))
        let environment = try String(
            contentsOf: project.appendingPathComponent("environments/dev.json"), encoding: .utf8)
        #expect(environment.contains(#""$schema": "../.syncschema/environment-file.schema.json""#))
        #expect(
            FileManager.default.fileExists(
                atPath: project.appendingPathComponent(".syncschema/schema-file.schema.json").path))
    }

    @Test("every syncschema command in the CI recipes runs against the emulator")
    func ciRecipes() async throws {
        let recipes = try Self.read("docs/ci.md")
        var commands: [[String]] = []
        var inCode = false
        for line in recipes.split(separator: "\n") {
            if line.hasPrefix("```") {
                inCode.toggle()
                continue
            }
            guard inCode, let range = line.range(of: "syncschema ") else { continue }
            let prefix = line[line.startIndex..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            guard prefix.isEmpty || prefix == "- run:" || prefix.hasSuffix("script: \"") else { continue }
            var command = String(line[range.upperBound...])
            for cut in [" >", " ||", "\"", " }"] {
                if let end = command.range(of: cut) { command = String(command[..<end.lowerBound]) }
            }
            let words = command.split(separator: " ").map(String.init)
            if !words.isEmpty, !words[0].hasPrefix("-") { commands.append(words) }
        }
        #expect(commands.count >= 10, "found only \(commands.map { $0.joined(separator: " ") })")
        let scenario = try Scenario()
        // A change to carry through the pipeline, as a merged pull request would.
        try scenario.changeJobTitle()
        for words in commands {
            let result = try await SyncSchemaRunner.run(
                words, in: scenario.project.directory, environment: ["SYNCSCHEMA_DEMO_SECRET": Scenario.secret])
            let allowed: Set<Int32> = words[0] == "drift" || words[0] == "plan" ? [0, 2] : [0]
            #expect(allowed.contains(result.exitCode), "syncschema \(words.joined(separator: " ")): \(result)")
        }
    }
}
