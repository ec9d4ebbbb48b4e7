import SyncSchemaCore

/// One option of a command, declared once; parsing, help text and suggestions all read it.
struct OptionSpec: Sendable {
    /// How an option takes its value.
    enum Kind: Sendable {
        /// `--strict`
        case flag
        /// `--format json` or `--format=json`; the last one wins.
        case value(placeholder: String)
        /// `--var A=1 --var B=2`; every occurrence is kept.
        case repeated(placeholder: String)
    }

    let name: String
    let short: Character?
    let kind: Kind
    let help: String
    /// Allowed values, checked at parse time and listed in help.
    let choices: [String]

    init(_ name: String, short: Character? = nil, _ kind: Kind = .flag, choices: [String] = [], help: String) {
        self.name = name
        self.short = short
        self.kind = kind
        self.help = help
        self.choices = choices
    }

    var takesValue: Bool {
        if case .flag = kind { return false }
        return true
    }

    var placeholder: String? {
        switch kind {
        case .flag: nil
        case .value(let placeholder), .repeated(let placeholder): placeholder
        }
    }
}

/// A positional argument of a command.
struct PositionalSpec: Sendable {
    let name: String
    let help: String
    let optional: Bool
    let repeating: Bool

    init(_ name: String, optional: Bool = false, repeating: Bool = false, help: String) {
        self.name = name
        self.help = help
        self.optional = optional
        self.repeating = repeating
    }
}

/// The typed result of parsing one command line.
struct ParsedArguments: Sendable {
    var flags: Set<String> = []
    var values: [String: [String]] = [:]
    var positionals: [String] = []

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
}

/// A mistake on the command line: exit code 64 and a pointer to `--help`.
struct UsageError: Error, CustomStringConvertible {
    let message: String
    let command: String?

    var description: String {
        let help = command.map { "syncschema \($0) --help" } ?? "syncschema --help"
        return "\(message)\nRun `\(help)` for usage."
    }
}

/// The options every command accepts.
let commonOptions: [OptionSpec] = [
    OptionSpec("--help", short: "h", help: "Show help for this command."),
    OptionSpec("--no-color", help: "Never colour output (also when NO_COLOR is set)."),
]

enum ArgumentParser {
    /// Parses `arguments` against a command's table.
    static func parse(_ arguments: [String], command: CommandSpec) throws(UsageError) -> ParsedArguments {
        let options = command.options + commonOptions
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        func lookup(_ token: String) throws(UsageError) -> OptionSpec {
            if let option = options.first(where: { $0.name == token }) { return option }
            if token.count == 2, token.hasPrefix("-"), !token.hasPrefix("--"),
                let option = options.first(where: { $0.short == token.last })
            {
                return option
            }
            var message = "unknown option '\(token)' for `syncschema \(command.name)`"
            if let suggestion = Suggestions.closest(to: token, in: options.map(\.name)) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw UsageError(message: message, command: command.name)
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") || isNegativeNumber(argument) {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var token = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                token = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            let option = try lookup(token)
            guard option.takesValue else {
                if inlineValue != nil {
                    throw UsageError(message: "option '\(option.name)' takes no value", command: command.name)
                }
                parsed.flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError(
                    message: "option '\(option.name)' needs a value (\(option.placeholder ?? "VALUE"))",
                    command: command.name)
            }
            if !option.choices.isEmpty, !option.choices.contains(value) {
                throw UsageError(
                    message:
                        "invalid value '\(value)' for '\(option.name)'; expected one of: \(option.choices.joined(separator: ", "))",
                    command: command.name)
            }
            parsed.values[option.name, default: []].append(value)
        }
        if parsed.flag("--help") { return parsed }
        let required = command.positionals.filter { !$0.optional }.count
        if parsed.positionals.count < required {
            let missing = command.positionals[parsed.positionals.count]
            throw UsageError(message: "missing argument \(missing.name): \(missing.help)", command: command.name)
        }
        if !(command.positionals.last?.repeating ?? false), parsed.positionals.count > command.positionals.count {
            let extra = parsed.positionals[command.positionals.count]
            throw UsageError(message: "unexpected argument '\(extra)'", command: command.name)
        }
        return parsed
    }

    private static func isNegativeNumber(_ text: String) -> Bool {
        text.count > 1 && text.hasPrefix("-") && text.dropFirst().allSatisfy(\.isNumber)
    }
}

/// Help text in the OVERVIEW / USAGE / ARGUMENTS / OPTIONS / EXAMPLES layout.
enum HelpRenderer {
    static func render(_ command: CommandSpec) -> String {
        var text = "OVERVIEW: \(command.abstract)\n"
        if !command.discussion.isEmpty { text += "\n" + command.discussion + "\n" }
        if !command.subcommands.isEmpty {
            text += "\nUSAGE: syncschema \(command.name) <subcommand> [options]\n"
            text += "\nSUBCOMMANDS:\n"
            text += table(command.subcommands.map { (String($0.name.split(separator: " ").last ?? ""), $0.abstract) })
            text += "\n  See `syncschema help \(command.name) <subcommand>` for each one's options.\n"
            if !command.examples.isEmpty {
                text += "\nEXAMPLES:\n"
                for example in command.examples { text += "  \(example)\n" }
            }
            return text
        }
        text += "\nUSAGE: syncschema \(command.name)\(usageSuffix(command))\n"
        if !command.positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            text += table(command.positionals.map { ("<\($0.name)>" + ($0.repeating ? "..." : ""), $0.help) })
        }
        text += "\nOPTIONS:\n"
        let options = command.options + commonOptions
        text += table(
            options.map { option in
                var left = option.short.map { "-\($0), " } ?? ""
                left += option.name
                if let placeholder = option.placeholder { left += " <\(placeholder)>" }
                var help = option.help
                if !option.choices.isEmpty { help += " (\(option.choices.joined(separator: "|")))" }
                if case .repeated = option.kind { help += " Repeatable." }
                return (left, help)
            })
        if !command.examples.isEmpty {
            text += "\nEXAMPLES:\n"
            for example in command.examples { text += "  \(example)\n" }
        }
        return text
    }

    static func usageSuffix(_ command: CommandSpec) -> String {
        var parts: [String] = []
        for option in command.options {
            var part = option.name
            if let placeholder = option.placeholder { part += " <\(placeholder)>" }
            if case .repeated = option.kind { part += " ..." }
            parts.append("[\(part)]")
        }
        for positional in command.positionals {
            var part = "<\(positional.name)>"
            if positional.repeating { part += " ..." }
            parts.append(positional.optional ? "[\(part)]" : part)
        }
        return parts.isEmpty ? "" : " " + parts.joined(separator: " ")
    }

    static func table(_ rows: [(String, String)]) -> String {
        let width = min(max(rows.map(\.0.count).max() ?? 0, 8), 34)
        var text = ""
        for (left, right) in rows {
            if left.count > width {
                text += "  \(left)\n  \(String(repeating: " ", count: width))  \(right)\n"
            } else {
                text += "  \(left)\(String(repeating: " ", count: width - left.count))  \(right)\n"
            }
        }
        return text
    }
}
