import SyncSchemaCore

/// `syncschema validate [FILES…]`: offline checks of schema files.
enum ValidateCommand {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Check schema files offline: structure, references, expressions and lint rules.",
        discussion: """
            Reports every problem with its file and JSON path. Warnings (probable mistakes the service
            would accept) do not fail the run unless --strict is given. Without FILES, checks schemas/*.json.
            """,
        options: [
            OptionSpec("--strict", help: "Treat warnings as errors."),
            OptionSpec("--format", .value(placeholder: "FORMAT"), choices: ["text", "json"], help: "Output format."),
            OptionSpec(
                "--functions", .value(placeholder: "FUNCTIONS.json"),
                help: "A captured GET …/schema/functions response to check expressions with."),
        ],
        positionals: [
            PositionalSpec("FILES", optional: true, repeating: true, help: "Schema files (default: schemas/*.json).")
        ],
        examples: ["syncschema validate", "syncschema validate --strict --format json schemas/hr-employees.json"],
        run: { arguments, context in
            let toolkit = try Toolkit(functionsPath: arguments.value("--functions"), context: context)
            let files = try toolkit.schemaFiles(arguments.positionals)
            let strict = arguments.flag("--strict")
            var all: [Diagnostic] = []
            for path in files {
                let name = toolkit.displayName(path)
                do {
                    let file = try toolkit.readSchemaFile(path)
                    all += toolkit.validate(file).map {
                        var copy = $0; copy.file = name; return copy
                    }
                } catch let error as SchemaError {
                    all += error.diagnostics
                } catch let error as FileSystemError {
                    all.append(Diagnostic(.error, error.reason, file: error.path, code: "io"))
                }
            }
            let failing = all.filter { $0.severity == .error || (strict && $0.severity == .warning) }
            if arguments.value("--format") == "json" {
                let items: [JSONValue] = all.map { diagnostic in
                    [
                        "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code),
                        "file": diagnostic.file.map(JSONValue.string) ?? .null,
                        "path": .string(diagnostic.path.description),
                        "message": .string(diagnostic.message),
                    ]
                }
                let report: JSONValue = [
                    "formatVersion": 1, "valid": .bool(failing.isEmpty), "files": .array(files.map { .string($0) }),
                    "diagnostics": .array(items),
                ]
                context.out(JSONWriter().string(report))
            } else {
                context.printDiagnostics(all)
                let errors = all.filter { $0.severity == .error }.count
                let warnings = all.filter { $0.severity == .warning }.count
                let summary = "\(files.count) file(s) checked: \(errors) error(s), \(warnings) warning(s)"
                if failing.isEmpty {
                    context.out(summary + "\n")
                } else {
                    context.err(summary + (strict ? " (strict)" : "") + "\n")
                }
            }
            return failing.isEmpty ? ExitCode.success : ExitCode.failure
        })
}

extension Toolkit {
    /// Semantic checks of one schema file.
    func validate(_ file: JSONValue) -> [Diagnostic] {
        SchemaValidator(functions: functions).validate(file)
    }
}
