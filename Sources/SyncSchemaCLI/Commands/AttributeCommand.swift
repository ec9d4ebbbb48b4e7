import SyncSchemaCore

/// `syncschema attribute add|remove`: extension attributes in a schema file.
enum AttributeCommand {
    static let appOption = OptionSpec(
        "--app", short: "a", .value(placeholder: "APP"), help: "The app (schemas/APP.json).")
    static let directoryOption = OptionSpec(
        "--directory", .value(placeholder: "NAME"),
        help: "Directory (default: the source directory of the first object mapping).")
    static let objectOption = OptionSpec(
        "--object", .value(placeholder: "NAME"),
        help: "Object (default: the source object of the first object mapping).")

    static let spec = CommandSpec(
        name: "attribute",
        abstract: "Add or remove attributes (such as API-driven extension attributes) in a schema file.",
        discussion: "",
        options: [], positionals: [],
        examples: [
            "syncschema attribute add --app hr-employees badgeId --namespace contoso",
            "syncschema attribute add --app hr-employees --from-csv hr-export.csv",
            "syncschema attribute remove --app hr-employees urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId",
        ],
        run: { _, _ in ExitCode.usage },
        subcommands: [add, remove])

    static let add = CommandSpec(
        name: "attribute add",
        abstract: "Add an attribute definition (one, or one per column of a CSV header).",
        discussion: """
            In an object that uses SCIM URNs (the API directory of API-driven apps) a bare name becomes
            urn:ietf:params:scim:schemas:extension:<namespace>:1.0:User:<name>, the form the inbound
            provisioning API expects; the namespace comes from --namespace or from the extension
            attributes already in the object. In other objects (Entra, AD) names are used as given. Quotes and whitespace are removed from names
            (with a warning). Adding an attribute that is already there changes nothing. The file is
            validated before it is written, and written canonically.
            """,
        options: [
            appOption,
            OptionSpec(
                "--type", .value(placeholder: "TYPE"), choices: SchemaKind.attributeTypes,
                help: "Attribute type (default String)."),
            OptionSpec("--multivalued", help: "The attribute holds several values."),
            OptionSpec("--required", help: "The attribute is required."),
            OptionSpec(
                "--namespace", .value(placeholder: "NAMESPACE"),
                help: "Extension namespace for bare names (contoso → urn:…:contoso:1.0:User:NAME)."),
            OptionSpec(
                "--from-csv", .value(placeholder: "FILE"),
                help: "Add one attribute per column of this CSV file's header row."),
            directoryOption, objectOption,
        ],
        positionals: [PositionalSpec("NAME", optional: true, help: "Attribute name (bare, or a full urn:… name).")],
        examples: [
            "syncschema attribute add --app hr-employees badgeId --namespace contoso",
            "syncschema attribute add --app hr-employees hireDate --type DateTime",
            "syncschema attribute add --app hr-employees --from-csv hr-export.csv --namespace contoso",
        ],
        run: { arguments, context in
            let session = try EditSession(arguments: arguments, context: context, command: "attribute add")
            var editor = SchemaEditor(file: session.file)
            let location = try session.check { () throws(SchemaEditor.EditError) in
                try editor.locateObject(directory: arguments.value("--directory"), object: arguments.value("--object"))
            }
            var names: [String] = []
            if let csv = arguments.value("--from-csv") {
                do {
                    names = try CSVHeader.columns(try context.readText(csv))
                } catch let error as CSVHeader.ParseError {
                    throw CLIError("\(csv): \(error)")
                }
                if names.isEmpty { throw CLIError("\(csv) has no header row") }
                if let name = arguments.positionals.first { names.insert(name, at: 0) }
            } else if let name = arguments.positionals.first {
                names = [name]
            } else {
                throw UsageError(message: "name the attribute, or pass --from-csv FILE", command: "attribute add")
            }
            let namespace = arguments.value("--namespace") ?? editor.extensionNamespace(at: location)
            let existing = Set(editor.attributes(at: location).compactMap { $0["name"]?.stringValue })
            var changed = false
            for raw in names {
                let (clean, sanitized) = ExtensionAttributeName.sanitized(raw)
                if clean.isEmpty {
                    context.err("warning: skipping an empty column name\n")
                    continue
                }
                if sanitized { context.err("warning: \"\(raw)\" contains quotes or whitespace; using \"\(clean)\"\n") }
                var name = clean
                // Bare names are qualified only in objects that use SCIM URNs (the API directory);
                // Entra and AD attribute names are plain.
                let usesURNs = existing.contains { $0.hasPrefix("urn:") }
                if !name.hasPrefix("urn:") && !existing.contains(name) && (usesURNs || namespace != nil) {
                    guard let namespace else {
                        throw CLIError(
                            "\"\(name)\" is a bare name and the object has no extension attributes to take a namespace from; pass --namespace NAME (e.g. contoso) or a full urn:…:1.0:User:\(name) name"
                        )
                    }
                    name = ExtensionAttributeName.qualified(name, namespace: namespace)
                }
                var attribute = JSONObject()
                attribute["name"] = .string(name)
                if let type = arguments.value("--type"), type != "String" { attribute["type"] = .string(type) }
                if arguments.flag("--required") { attribute["required"] = true }
                if arguments.flag("--multivalued") { attribute["multivalued"] = true }
                if existing.contains(name), arguments.value("--type") == nil, !arguments.flag("--required"),
                    !arguments.flag("--multivalued")
                {
                    context.out("\(name) is already present in \(location.directoryName) › \(location.objectName)\n")
                    continue
                }
                switch editor.addAttribute(attribute, at: location) {
                case .added:
                    changed = true
                    context.out("added \(name) to \(location.directoryName) › \(location.objectName)\n")
                case .replaced(let previous):
                    changed = true
                    context.out("updated \(name) (was \(JSONWriter.compact(previous)))\n")
                case .unchanged, .removed:
                    context.out("\(name) is already present in \(location.directoryName) › \(location.objectName)\n")
                }
            }
            if changed { try session.write(editor.file) }
            return ExitCode.success
        })

    static let remove = CommandSpec(
        name: "attribute remove",
        abstract: "Remove an attribute definition that no mapping or scoping filter uses.",
        discussion: "Refuses while an attribute mapping or a scoping filter still uses the attribute, and names them.",
        options: [appOption, directoryOption, objectOption],
        positionals: [PositionalSpec("NAME", help: "The attribute's full name.")],
        examples: [
            "syncschema attribute remove --app hr-employees urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId"
        ],
        run: { arguments, context in
            let session = try EditSession(arguments: arguments, context: context, command: "attribute remove")
            var editor = SchemaEditor(file: session.file)
            let location = try session.check { () throws(SchemaEditor.EditError) in
                try editor.locateObject(directory: arguments.value("--directory"), object: arguments.value("--object"))
            }
            let name = arguments.positionals[0]
            let outcome = try session.check { () throws(SchemaEditor.EditError) in
                try editor.removeAttribute(named: name, at: location)
            }
            if outcome == .unchanged {
                context.out("\(name) is not in \(location.directoryName) › \(location.objectName); nothing to remove\n")
                return ExitCode.success
            }
            try session.write(editor.file)
            context.out("removed \(name) from \(location.directoryName) › \(location.objectName)\n")
            return ExitCode.success
        })
}

/// Reading, validating and writing the schema file an edit command changes.
struct EditSession {
    let context: CommandContext
    let toolkit: Toolkit
    let path: String
    let file: JSONValue

    init(arguments: ParsedArguments, context: CommandContext, command: String) throws {
        guard let app = arguments.value("--app") else {
            throw UsageError(message: "missing --app APP (the schema file schemas/APP.json)", command: command)
        }
        self.context = context
        self.toolkit = try Toolkit(functionsPath: nil, context: context)
        self.path = "schemas/\(app).json"
        guard context.fileSystem.exists(path) else {
            throw CLIError("\(path) does not exist; create it with `syncschema pull --env ENV --app \(app)`")
        }
        self.file = try toolkit.readSchemaFile(path)
    }

    /// Runs an editor step, turning its refusal into a one-line error.
    func check<T>(_ body: () throws(SchemaEditor.EditError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CLIError("\(path): \(error.message)")
        }
    }

    /// Validates the edited file (errors introduced by the edit stop it) and writes it canonically.
    func write(_ edited: JSONValue) throws {
        let validator = SchemaValidator(functions: toolkit.functions)
        let before = Set(validator.validate(file).filter { $0.severity == .error }.map(\.description))
        let introduced = validator.validate(edited).filter { $0.severity == .error && !before.contains($0.description) }
        if !introduced.isEmpty {
            throw CLIError(
                "not writing \(path): the edit would make it invalid:\n"
                    + introduced.map { "  \($0.description)" }.joined(separator: "\n"))
        }
        let text = JSONWriter().string(toolkit.normalizer.format(edited))
        try context.fileSystem.writeText(text, to: path)
    }
}
