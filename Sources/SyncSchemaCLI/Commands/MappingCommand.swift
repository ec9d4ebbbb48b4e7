import SyncSchemaCore

/// `syncschema mapping set|remove`: attribute mappings in a schema file.
enum MappingCommand {
    static let objectMappingOption = OptionSpec(
        "--object-mapping", .value(placeholder: "NAME"), help: "Object mapping (default: the first enabled one).")
    static let targetOption = OptionSpec("--target", .value(placeholder: "ATTRIBUTE"), help: "The target attribute.")

    static let spec = CommandSpec(
        name: "mapping",
        abstract: "Set or remove attribute mappings in a schema file.",
        discussion: "",
        options: [], positionals: [],
        examples: [
            #"syncschema mapping set --app hr-employees --target 'extension_${extensionAppId}_badgeId' --source '[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId]'"#,
            "syncschema mapping remove --app hr-employees --target jobTitle",
        ],
        run: { _, _ in ExitCode.usage },
        subcommands: [set, remove])

    static let set = CommandSpec(
        name: "mapping set",
        abstract: "Add or replace the mapping to a target attribute.",
        discussion: """
            The expression is parsed and checked against the source object's attributes and the function
            table before the file is touched; an existing mapping to the same target is replaced and the
            old one is shown. Setting the same mapping again changes nothing.
            """,
        options: [
            AttributeCommand.appOption, targetOption,
            OptionSpec(
                "--source", .value(placeholder: "EXPRESSION"),
                help: "The source expression ([attribute], \"constant\" or Function(…))."),
            OptionSpec("--default", .value(placeholder: "VALUE"), help: "Default value when the source is null."),
            OptionSpec(
                "--flow-type", .value(placeholder: "TYPE"), choices: SchemaKind.attributeFlowTypes,
                help: "When the mapping applies (default Always)."),
            OptionSpec(
                "--match", .value(placeholder: "N"), help: "Use for matching objects, with precedence N (1 first)."),
            objectMappingOption,
        ],
        positionals: [],
        examples: [
            #"syncschema mapping set --app hr-employees --target jobTitle --source 'ToUpper([title], )'"#,
            #"syncschema mapping set --app hr-employees --target employeeId --source '[externalId]' --match 1"#,
            #"syncschema mapping set --app hr-employees --target usageLocation --default US"#,
        ],
        run: { arguments, context in
            let session = try EditSession(arguments: arguments, context: context, command: "mapping set")
            guard let target = arguments.value("--target") else {
                throw UsageError(message: "missing --target ATTRIBUTE", command: "mapping set")
            }
            let source = arguments.value("--source")
            if source == nil, arguments.value("--default") == nil {
                throw UsageError(message: "give --source EXPRESSION, --default VALUE, or both", command: "mapping set")
            }
            var editor = SchemaEditor(file: session.file)
            let location = try session.check { () throws(SchemaEditor.EditError) in
                try editor.locateMapping(named: arguments.value("--object-mapping"))
            }
            var mapping = JSONObject()
            mapping["targetAttributeName"] = .string(target)
            if let source {
                let expression: Expression
                do throws(ExpressionError) {
                    expression = try ExpressionParser.parse(source)
                } catch {
                    throw CLIError(
                        "--source: \(error.message) (column \(error.column))\n\(error.caretDiagnostic(source: source))")
                }
                let known = editor.attributeNames(
                    directory: location.sourceDirectoryName, object: location.sourceObjectName)
                let problems = checkExpression(expression, functions: session.toolkit.functions, knownAttributes: known)
                let errors = problems.filter { $0.severity == .error }
                if !errors.isEmpty {
                    throw CLIError("--source: " + errors.map(\.message).joined(separator: "\n--source: "))
                }
                for problem in problems where problem.severity == .warning {
                    context.err("warning: --source: \(problem.message)\n")
                }
                mapping["source"] = .string(expression.canonicalText)
            }
            if let value = arguments.value("--default") {
                if value.isEmpty {
                    throw CLIError(
                        "--default is empty; the service accepts an empty default but then provisions nothing — leave it out instead"
                    )
                }
                mapping["defaultValue"] = .string(value)
            }
            if let text = arguments.value("--match") {
                guard let priority = Int(text), priority >= 1 else {
                    throw UsageError(
                        message: "--match expects a precedence number from 1, got '\(text)'", command: "mapping set")
                }
                mapping["matchingPriority"] = .int(priority)
            }
            if let flowType = arguments.value("--flow-type"), flowType != "Always" {
                mapping["flowType"] = .string(flowType)
            }
            let outcome = editor.setMapping(mapping, at: location)
            switch outcome {
            case .unchanged, .removed:
                context.out("the mapping to \(target) is already present in \"\(location.name)\"\n")
                return ExitCode.success
            case .added:
                context.out("added the mapping to \(target) in \"\(location.name)\"\n")
            case .replaced(let previous):
                context.out("replaced the mapping to \(target) in \"\(location.name)\"\n")
                context.out("  was: \(describe(previous))\n  now: \(describe(.object(mapping)))\n")
            }
            try session.write(editor.file)
            return ExitCode.success
        })

    static let remove = CommandSpec(
        name: "mapping remove",
        abstract: "Remove the mapping to a target attribute.",
        discussion: "Removing a mapping is destructive when applied: `apply` will ask for --allow-destructive.",
        options: [AttributeCommand.appOption, targetOption, objectMappingOption],
        positionals: [],
        examples: ["syncschema mapping remove --app hr-employees --target jobTitle"],
        run: { arguments, context in
            let session = try EditSession(arguments: arguments, context: context, command: "mapping remove")
            guard let target = arguments.value("--target") else {
                throw UsageError(message: "missing --target ATTRIBUTE", command: "mapping remove")
            }
            var editor = SchemaEditor(file: session.file)
            let location = try session.check { () throws(SchemaEditor.EditError) in
                try editor.locateMapping(named: arguments.value("--object-mapping"))
            }
            guard editor.removeMapping(target: target, at: location) == .removed else {
                context.out("there is no mapping to \(target) in \"\(location.name)\"; nothing to remove\n")
                return ExitCode.success
            }
            try session.write(editor.file)
            context.out("removed the mapping to \(target) from \"\(location.name)\"\n")
            return ExitCode.success
        })

    /// `source [title], matching priority 1`.
    static func describe(_ mapping: JSONValue) -> String {
        var parts: [String] = []
        if let source = mapping["source"] { parts.append("source \(PlanRenderer.show(source))") }
        if let value = mapping["defaultValue"], value != .null { parts.append("default \(PlanRenderer.show(value))") }
        if let priority = mapping["matchingPriority"]?.intValue, priority > 0 {
            parts.append("matching priority \(priority)")
        }
        if let flow = mapping["flowType"]?.stringValue { parts.append("flow \(flow)") }
        return parts.isEmpty ? "(no source)" : parts.joined(separator: ", ")
    }
}
