/// An Entra provisioning attribute-mapping expression as a tree, so the tool can validate it,
/// print it the way the service does and convert it to and from Graph's `attributeMappingSource`.
///
/// The text form is `Name(arg, …)` calls over `[attribute]` references, `"string"` constants,
/// bare numbers and enum words, with at most one comparison per argument
/// (`IIF([country] = "USA", …)`). `reference/expressions.md` §1 has the grammar.
public indirect enum Expression: Hashable, Sendable {
    /// An attribute reference; the payload is the name without the surrounding brackets
    /// (`[urn:…:User:JobCode]` → `urn:…:User:JobCode`).
    case attribute(String)
    /// A string constant; the payload is the value after unescaping `\"` and `\\`.
    case string(String)
    /// A bare numeric literal kept as written: `1`, `-10`, `1.5`, `&HF`.
    case number(String)
    /// A bare word that is not a call, such as the enum value `vbTextCompare`.
    case identifier(String)
    /// A function call; `nil` marks an omitted argument (`Replace([x], , "a", …)`).
    /// `F()` has no arguments, `F(x, )` has two.
    case call(name: String, arguments: [Expression?])
    /// A comparison such as `Len([x]) <= 5`; meaningful as an `IIF` condition or `CBool` argument.
    case comparison(Expression, ComparisonOperator, Expression)

    /// The service's limit on the length of one attribute-mapping expression (characters).
    /// The parser accepts longer text; validation reports it.
    public static let maximumLength = 10_000
}

/// The comparison operators the `IIF` documentation lists; the raw value is the source spelling.
public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    /// `=`: equal.
    case equal = "="
    /// `<>`: not equal.
    case notEqual = "<>"
    /// `>`
    case greaterThan = ">"
    /// `>=`
    case greaterThanOrEqual = ">="
    /// `<`
    case lessThan = "<"
    /// `<=`
    case lessThanOrEqual = "<="
}

extension Expression {
    /// The text exactly as the service prints it (`reference/expressions.md` §1.5): `Name(` +
    /// arguments joined by `", "` + `)`, omitted arguments empty, strings quoted with `\"` and `\\`
    /// escapes, numbers and enum words bare, comparisons as `lhs=rhs` (no spaces, as in real service output).
    ///
    /// Two shapes have no text form of their own: a call whose only argument is omitted prints as
    /// `F()` (zero arguments), and a comparison nested directly inside a comparison prints without
    /// the grouping the grammar lacks.
    public var canonicalText: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .attribute(let name):
            text += "["
            text += name
            text += "]"
        case .string(let value):
            text += Expression.quoted(value)
        case .number(let literal), .identifier(let literal):
            text += literal
        case .call(let name, let arguments):
            text += name
            text += "("
            for (index, argument) in arguments.enumerated() {
                if index > 0 { text += ", " }
                argument?.write(to: &text)
            }
            text += ")"
        case .comparison(let lhs, let op, let rhs):
            // The service prints comparisons without spaces: `BitAnd([userAccountControl], 2)="0"`
            // (reference/graph-sync-api.md §3.3, a real GET response).
            lhs.write(to: &text)
            text += op.rawValue
            rhs.write(to: &text)
        }
    }

    /// A string constant as it appears in expression text: in double quotes, with `\` and `"`
    /// escaped by a backslash.
    public static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { text.unicodeScalars.append("\\") }
            text.unicodeScalars.append(scalar)
        }
        text += "\""
        return text
    }

    /// A multi-line rendering for long expressions, for people to read and edit in schema files:
    /// a call that does not fit in `lineWidth` puts each argument on its own line, indented by
    /// `indentWidth`, with `)` on a line of its own. Omitted arguments stay on the line of the
    /// argument before them (`"-", , ,`). The result parses back to the same expression.
    public func prettyText(indentWidth: Int = 4, lineWidth: Int = 80) -> String {
        var text = ""
        writePretty(to: &text, indent: 0, indentWidth: max(indentWidth, 0), lineWidth: lineWidth)
        return text
    }

    private func writePretty(to text: inout String, indent: Int, indentWidth: Int, lineWidth: Int) {
        switch self {
        case .call(let name, let arguments)
        where !arguments.isEmpty && indent + canonicalText.utf8.count > lineWidth:
            let inner = String(repeating: " ", count: indent + indentWidth)
            text += name
            text += "("
            for (index, argument) in arguments.enumerated() {
                if let argument {
                    if index > 0 { text += "," }
                    text += "\n"
                    text += inner
                    argument.writePretty(
                        to: &text, indent: indent + indentWidth, indentWidth: indentWidth, lineWidth: lineWidth)
                } else if index > 0 {
                    text += index == arguments.count - 1 ? "," : ", "
                }
            }
            text += "\n"
            text += String(repeating: " ", count: indent)
            text += ")"
        case .comparison(let lhs, let op, let rhs) where indent + canonicalText.utf8.count > lineWidth:
            lhs.writePretty(to: &text, indent: indent, indentWidth: indentWidth, lineWidth: lineWidth)
            text += " "
            text += op.rawValue
            text += " "
            rhs.writePretty(to: &text, indent: indent, indentWidth: indentWidth, lineWidth: lineWidth)
        default:
            write(to: &text)
        }
    }

    /// Every call in the expression, outermost first, with its nesting depth (0 = the whole
    /// expression), so checks can ask "where is this function used".
    public var calls: [(name: String, arguments: [Expression?], depth: Int)] {
        var result: [(name: String, arguments: [Expression?], depth: Int)] = []
        func visit(_ expression: Expression, depth: Int) {
            switch expression {
            case .call(let name, let arguments):
                result.append((name, arguments, depth))
                for argument in arguments { if let argument { visit(argument, depth: depth + 1) } }
            case .comparison(let lhs, _, let rhs):
                visit(lhs, depth: depth)
                visit(rhs, depth: depth)
            default:
                break
            }
        }
        visit(self, depth: 0)
        return result
    }

    /// The names of all attributes the expression reads, in order of appearance (with repeats).
    public var attributeNames: [String] {
        var result: [String] = []
        func visit(_ expression: Expression) {
            switch expression {
            case .attribute(let name): result.append(name)
            case .call(_, let arguments): for argument in arguments { if let argument { visit(argument) } }
            case .comparison(let lhs, _, let rhs):
                visit(lhs)
                visit(rhs)
            default: break
            }
        }
        visit(self)
        return result
    }

    /// Functions whose result changes on every evaluation; with `flowType: Always` they rewrite
    /// the target on every cycle, so callers usually want "only during object creation".
    public static let nondeterministicFunctions: Set<String> = ["randomstring", "guid", "now"]

    /// Whether the expression calls `RandomString`, `Guid` or `Now` (any casing).
    public var usesNondeterministicFunction: Bool {
        calls.contains { Expression.nondeterministicFunctions.contains($0.name.lowercased()) }
    }
}

extension Expression: CustomStringConvertible {
    /// The canonical text, so expressions read naturally in messages and test output.
    public var description: String { canonicalText }
}
