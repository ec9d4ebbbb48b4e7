import SyncSchemaCore

/// `syncschema payload check`: bulk requests for API-driven apps, checked before they are sent.
enum PayloadCommand {
    /// The version of the `--format json` output.
    static let formatVersion = 1

    static let spec = CommandSpec(
        name: "payload",
        abstract: "Check SCIM bulk requests for API-driven provisioning apps before sending them.",
        discussion: "",
        options: [], positionals: [],
        examples: ["syncschema payload check --app hr-employees bulk.json"],
        run: { _, _ in ExitCode.usage },
        subcommands: [check])

    static let check = CommandSpec(
        name: "payload check",
        abstract: "Check a /bulkUpload request against the app's API directory, offline.",
        discussion: """
            The inbound provisioning API accepts most requests with 202 and then drops what it cannot
            use without saying so. This checks what it would drop or refuse: the BulkRequest schema
            URN, the "Operations" key (capital O), at most 50 operations, method POST, path /Users,
            unique bulkIds, an externalId in each record, every attribute present in the app's API
            directory (the source directory of the first rule in schemas/APP.json), extension
            namespaces listed in each record's "schemas", and no empty strings or nulls. Exit code 1
            when there are errors. docs/payload-check.md lists every finding.
            """,
        options: [
            OptionSpec(
                "--app", short: "a", .value(placeholder: "APP"),
                help: "The app whose API directory to check against (schemas/APP.json)."),
            OptionSpec(
                "--format", .value(placeholder: "FORMAT"), choices: ["text", "json"],
                help: "Output format (default text)."),
        ],
        positionals: [PositionalSpec("BULK.json", help: "The bulk request body ('-' for standard input).")],
        examples: [
            "syncschema payload check --app hr-employees bulk.json",
            "syncschema payload check --app hr-employees --format json - < bulk.json",
        ],
        run: { arguments, context in
            guard let app = arguments.value("--app") else {
                throw UsageError(
                    message: "missing --app APP (the schema file schemas/APP.json)", command: "payload check")
            }
            let workspace = try Workspace(arguments: arguments, context: context)
            let schema = try workspace.schemaFile(for: app)
            let checker: BulkRequestChecker
            do {
                checker = try BulkRequestChecker(schemaFile: schema)
            } catch let error as BulkRequestChecker.SetupError {
                throw CLIError("schemas/\(app).json: \(error.message)")
            }
            let path = arguments.positionals[0]
            let name = workspace.toolkit.displayName(path)
            let request = try workspace.toolkit.readJSON(path)
            let findings = checker.check(request)
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.filter { $0.severity == .warning }.count
            let operations = request["Operations"]?.arrayValue?.count ?? 0
            if arguments.value("--format") == "json" {
                let report: JSONValue = [
                    "formatVersion": .int(formatVersion), "file": .string(name), "app": .string(app),
                    "directory": .string(checker.directoryName), "operations": .int(operations),
                    "valid": .bool(errors == 0),
                    "errors": .int(errors), "warnings": .int(warnings), "findings": .array(findings.map(\.json)),
                ]
                context.out(JSONWriter().string(report))
            } else {
                for finding in findings { context.out("\(name): \(finding.description)\n") }
                var summary =
                    "\(name): \(count(operations, "operation")) checked against the \(checker.directoryName) directory of \(app): "
                summary += findings.isEmpty ? "no findings" : "\(count(errors, "error")), \(count(warnings, "warning"))"
                context.out(summary + "\n")
            }
            return errors > 0 ? ExitCode.failure : ExitCode.success
        })

    private static func count(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
