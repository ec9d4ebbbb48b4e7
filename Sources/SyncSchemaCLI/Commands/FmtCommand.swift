import SyncSchemaCore

/// `syncschema fmt [--check] [FILES…]`: rewrite schema files canonically.
enum FmtCommand {
    static let spec = CommandSpec(
        name: "fmt",
        abstract: "Rewrite schema files in canonical form (or check that they are).",
        discussion: """
            Canonical form: stable key order, attribute and mapping lists sorted, defaults omitted, flags
            and expressions in the service's spelling, one attribute or mapping per line. Files already
            canonical are left untouched. Without FILES, formats schemas/*.json.
            """,
        options: [
            OptionSpec("--check", help: "Change nothing; exit 1 and name the files that are not canonical.")
        ],
        positionals: [
            PositionalSpec("FILES", optional: true, repeating: true, help: "Schema files (default: schemas/*.json).")
        ],
        examples: ["syncschema fmt", "syncschema fmt --check schemas/hr-employees.json"],
        run: { arguments, context in
            let toolkit = try Toolkit(functionsPath: nil, context: context)
            let files = try toolkit.schemaFiles(arguments.positionals)
            var failed = false
            var unformatted: [String] = []
            for path in files {
                let text: String
                let file: JSONValue
                do {
                    text = try context.readText(path)
                    file = try SchemaFile.read(text, file: path)
                } catch {
                    failed = true
                    _ = CLI.report(error, context: context)
                    continue
                }
                let formatted = JSONWriter().string(toolkit.normalizer.format(file))
                if formatted == text { continue }
                unformatted.append(path)
                if !arguments.flag("--check") {
                    try context.fileSystem.writeText(formatted, to: path)
                    context.out("formatted \(path)\n")
                }
            }
            if arguments.flag("--check") {
                for path in unformatted { context.out("\(path): not canonical; run `syncschema fmt \(path)`\n") }
                return failed || !unformatted.isEmpty ? ExitCode.failure : ExitCode.success
            }
            if unformatted.isEmpty && !failed { context.out("\(files.count) file(s) already canonical\n") }
            return failed ? ExitCode.failure : ExitCode.success
        })
}
