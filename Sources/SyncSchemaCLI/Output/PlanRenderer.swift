import SyncSchemaCore

/// Plans as people and machines read them: terminal text, Markdown for pull-request comments,
/// JSON with a `formatVersion`.
enum PlanRenderer {
    /// The version of the JSON plan format.
    static let formatVersion = 1

    /// One line written at the end of every non-empty plan.
    static let initialCycleNote =
        "Any schema change makes the next provisioning cycle an initial cycle: every object in scope is re-evaluated."

    // MARK: - Text

    static func text(_ plan: Plan, color: Bool) -> String {
        let palette = Palette(enabled: color)
        var text = "\(palette.bold("Plan for \(plan.app) in \(plan.environment)"))"
        if let version = plan.liveVersion { text += " (live version \(version))" }
        text += "\n"
        guard plan.hasChanges else { return text + "\nNo changes. The live schema matches schemas/\(plan.app).json.\n" }
        for group in groups(plan.changes) {
            text += "\n  \(palette.dim(group.heading))\n"
            for change in group.changes {
                let line = "  \(change.action.symbol) \(RiskRules.describe(change))"
                text += palette.action(change.action, line) + "\n"
                for detail in details(change) { text += "      \(detail)\n" }
            }
        }
        let risks = plan.risks
        if !risks.isEmpty {
            text += "\n" + palette.yellow("Risks:") + "\n"
            for risk in risks { text += palette.yellow("  ! \(risk.riskClass.rawValue): \(risk.message)") + "\n" }
        }
        text += "\n\(initialCycleNote)\n\n\(palette.bold(plan.summaryLine))\n"
        return text
    }

    // MARK: - Markdown

    static func markdown(_ plan: Plan) -> String {
        var text = "### syncschema plan: `\(plan.app)` → `\(plan.environment)`\n\n"
        text += "**\(plan.summaryLine)**"
        if let version = plan.liveVersion { text += " Live version `\(version)`." }
        text += "\n"
        guard plan.hasChanges else { return text }
        let risks = plan.risks
        if !risks.isEmpty {
            text +=
                "\n> [!WARNING]\n> **\(risks.count) risk\(risks.count == 1 ? "" : "s") to review before applying**\n>\n"
            for risk in risks { text += "> - **\(risk.riskClass.rawValue)**: \(escapeMarkdown(risk.message))\n" }
        }
        var body = "```diff\n"
        for group in groups(plan.changes) {
            body += "# \(group.heading)\n"
            for change in group.changes {
                body += "\(change.action.symbol == "~" ? "!" : change.action.symbol) \(RiskRules.describe(change))\n"
                for detail in details(change) { body += "      \(detail)\n" }
            }
        }
        body += "```\n"
        let lineCount = body.split(separator: "\n").count
        if lineCount > 25 {
            text +=
                "\n<details><summary>\(plan.changes.count) changes (\(lineCount) lines)</summary>\n\n\(body)\n</details>\n"
        } else {
            text += "\n" + body
        }
        text += "\n_\(initialCycleNote)_\n"
        return text
    }

    private static func escapeMarkdown(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("<", with: "&lt;")
    }

    // MARK: - JSON

    static func json(_ plan: Plan) -> JSONValue {
        let (add, change, remove) = plan.summary
        return [
            "formatVersion": .int(formatVersion),
            "environment": .string(plan.environment),
            "app": .string(plan.app),
            "liveVersion": plan.liveVersion.map(JSONValue.string) ?? .null,
            "liveHash": .string(plan.liveHash),
            "summary": ["add": .int(add), "change": .int(change), "remove": .int(remove)],
            "risks": .array(
                plan.changes.flatMap { change in
                    change.risks.map { risk in
                        [
                            "class": .string(risk.riskClass.rawValue), "message": .string(risk.message),
                            "subject": .string(RiskRules.describe(change)),
                        ]
                    }
                }),
            "changes": .array(plan.changes.map(json)),
        ]
    }

    static func json(_ change: Change) -> JSONValue {
        var object = JSONObject([
            ("action", .string(change.action.rawValue)), ("kind", .string(change.kind.rawValue)),
            ("name", .string(change.name)),
            ("parents", .array(change.parents.map { ["kind": .string($0.kind.rawValue), "name": .string($0.name)] })),
            ("path", .string(change.location.description)),
        ])
        if !change.properties.isEmpty {
            object["properties"] = .array(
                change.properties.map {
                    ["key": .string($0.key), "before": $0.before ?? .null, "after": $0.after ?? .null]
                })
        }
        if let node = change.node { object["node"] = node }
        return .object(object)
    }

    // MARK: - Shared

    struct Group {
        let heading: String
        var changes: [Change]
    }

    /// Consecutive changes with the same parents, headed by their path (`rule "X" › object mapping "Y"`).
    static func groups(_ changes: [Change]) -> [Group] {
        var result: [Group] = []
        for change in changes {
            let heading =
                change.parents.isEmpty
                ? "schema"
                : change.parents.map { "\(RiskRules.label($0.kind)) \"\($0.name)\"" }.joined(separator: " › ")
            if let last = result.last, last.heading == heading {
                result[result.count - 1].changes.append(change)
            } else {
                result.append(Group(heading: heading, changes: [change]))
            }
        }
        return result
    }

    /// The lines under a change: before → after per property, or the added/removed node's settings.
    static func details(_ change: Change) -> [String] {
        switch change.action {
        case .change:
            return change.properties.flatMap { property -> [String] in
                let isScope = change.kind == .objectMapping && property.key == "scope"
                let before = isScope ? SchemaDocumentation.scopeWords(property.before) : show(property.before)
                let after = isScope ? SchemaDocumentation.scopeWords(property.after) : show(property.after)
                if before.count + after.count > 80 {
                    return ["\(property.key):", "  - \(before)", "  + \(after)"]
                }
                return ["\(property.key): \(before) → \(after)"]
            }
        case .add, .remove:
            guard let node = change.node?.objectValue else { return [] }
            let identity = SchemaKind.of(change.kind).leadingKeys.first
            var lines: [String] = []
            for (key, value) in node where key != identity {
                if SchemaKind.of(change.kind).children.contains(where: { $0.key == key }) {
                    lines.append("\(key): \(value.arrayValue?.count ?? 0) item(s)")
                } else {
                    lines.append("\(key): \(show(value))")
                }
            }
            return lines
        }
    }

    /// A value on one line: expression text as itself, other JSON compactly, absent as `(default)`.
    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "(default)" }
        if case .string(let text) = value { return text }
        let compact = JSONWriter.compact(value)
        return compact.count > 300 ? String(compact.prefix(297)) + "..." : compact
    }
}

/// ANSI colour, only when enabled (a terminal without `NO_COLOR`).
struct Palette {
    let enabled: Bool

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { wrap("1", text) }
    func dim(_ text: String) -> String { wrap("2", text) }
    func yellow(_ text: String) -> String { wrap("33", text) }
    func red(_ text: String) -> String { wrap("31", text) }
    func green(_ text: String) -> String { wrap("32", text) }

    func action(_ action: Change.Action, _ text: String) -> String {
        switch action {
        case .add: green(text)
        case .change: yellow(text)
        case .remove: red(text)
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
