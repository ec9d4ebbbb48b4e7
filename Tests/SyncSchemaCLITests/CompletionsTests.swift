import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import Testing

@Suite struct CompletionsTests {
    func script(_ shell: String) async -> String {
        let out = OutputBuffer()
        _ = await CLI.run(
            arguments: ["completions", shell],
            environment: CLIEnvironment(output: out.sink, errorOutput: OutputSink { _ in }))
        return out.contents
    }

    /// Runs the bash completion function for a partial command line and returns the candidates.
    func complete(_ words: [String]) async throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "syncschema-completion-\(UUID().uuidString).bash")
        try await script("bash").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c",
            "source '\(file.path)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _syncschema; printf '%s\\n' \"${COMPREPLY[@]}\"",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsSubcommandsAndOptions() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        #expect(try await complete(["syncschema", "pl"]) == ["plan"])
        #expect(try await complete(["syncschema", "attribute", "r"]) == ["remove"])
        #expect(try await complete(["syncschema", "attribute", "add", "--nam"]) == ["--namespace"])
        #expect(try await complete(["syncschema", "plan", "--detailed"]) == ["--detailed-exitcode"])
    }

    @Test func everyCommandAppearsInEveryShell() async {
        for shell in CompletionsCommand.shells {
            let text = await script(shell)
            for name in ["plan", "apply", "attribute", "mapping", "validate"] {
                #expect(text.contains(name), "\(shell): \(name)")
            }
        }
    }
}
