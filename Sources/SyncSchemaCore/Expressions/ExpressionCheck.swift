/// One finding of ``checkExpression(_:functions:knownAttributes:)``: the service would reject the
/// expression (`error`), or would accept it and probably not do what was meant (`warning`), or a
/// fact the caller needs (`note`, e.g. a nondeterministic function to weigh against the flow type).
public struct ExpressionProblem: Hashable, Sendable, CustomStringConvertible {
    /// How serious it is.
    public var severity: Diagnostic.Severity
    /// A stable identifier of the check (`unknown-function`, `too-many-arguments`).
    public var code: String
    /// What is wrong and what to do, for people.
    public var message: String

    /// A finding.
    public init(_ severity: Diagnostic.Severity, _ code: String, _ message: String) {
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// `error: unknown function 'Jion'; did you mean 'Join'? [unknown-function]`
    public var description: String { "\(severity.rawValue): \(message) [\(code)]" }
}

/// Stable codes of the findings ``checkExpression(_:functions:knownAttributes:)`` reports.
public enum ExpressionProblemCode {
    /// A call to a function the table does not know.
    public static let unknownFunction = "unknown-function"
    /// A known function written in a casing other than the canonical one.
    public static let functionCase = "function-name-case"
    /// Fewer arguments than the function requires.
    public static let tooFewArguments = "too-few-arguments"
    /// More arguments than the function takes.
    public static let tooManyArguments = "too-many-arguments"
    /// A required parameter left empty (`Mid([x], , 3)`).
    public static let missingArgument = "missing-argument"
    /// `Switch` keys and values that do not pair up.
    public static let switchPairs = "switch-pairs"
    /// An attribute the source object does not define.
    public static let unknownAttribute = "unknown-attribute"
    /// An attribute that matches a defined one only when case is ignored.
    public static let attributeCase = "attribute-name-case"
    /// Text over ``Expression/maximumLength``.
    public static let tooLong = "expression-too-long"
    /// `""` as the whole mapping or as a default value: accepted, provisions nothing.
    public static let emptyConstant = "empty-constant"
    /// `RandomString`, `Guid` or `Now`: a new value on every evaluation.
    public static let nondeterministic = "nondeterministic-function"
    /// `SelectUniqueValue` anywhere but at the top.
    public static let nestedSelectUniqueValue = "nested-select-unique-value"
    /// A comparison outside an `IIF` condition or `CBool` argument.
    public static let comparisonContext = "comparison-context"
    /// A backslash in a string that is neither `\"` nor `\\` (``ExpressionParser/escapeWarnings(in:)``).
    public static let unknownEscape = "unknown-escape"
}

/// Checks an expression offline the way the service would, collecting every finding: unknown
/// functions (with a suggestion), arity, non-canonical function casing, attributes missing from
/// `knownAttributes` (skipped when `nil`), the 10,000-character limit, empty-string constants used
/// as a value, nondeterministic functions, and `SelectUniqueValue` below the top level.
public func checkExpression(
    _ expression: Expression, functions: FunctionTable, knownAttributes: Set<String>?
) -> [ExpressionProblem] {
    var problems: [ExpressionProblem] = []
    let length = expression.canonicalText.count
    if length > Expression.maximumLength {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.tooLong,
                "expression is \(length) characters long; the service accepts at most \(Expression.maximumLength)"))
    }
    if expression == .string("") {
        problems.append(
            ExpressionProblem(
                .warning, ExpressionProblemCode.emptyConstant,
                "the mapping is the empty constant \"\"; the service accepts it but provisions nothing (use mapping type None with a default value, or remove the mapping)"
            ))
    }
    if case .comparison = expression {
        problems.append(
            ExpressionProblem(
                .warning, ExpressionProblemCode.comparisonContext,
                "a comparison is only meaningful as an IIF condition or CBool argument; wrap it in CBool(…)"))
    }

    var reportedNondeterministic = Set<String>()
    for call in expression.calls {
        guard let signature = functions[call.name] else {
            var message = "unknown function '\(call.name)'"
            if let suggestion = Suggestions.closest(to: call.name, in: functions.functions.map(\.name)) {
                message += "; did you mean '\(suggestion)'?"
            }
            problems.append(ExpressionProblem(.error, ExpressionProblemCode.unknownFunction, message))
            continue
        }
        let name = signature.name
        if call.name != name {
            problems.append(
                ExpressionProblem(
                    .warning, ExpressionProblemCode.functionCase,
                    "function '\(call.name)' is spelled '\(name)'; the service documents names as case-sensitive"))
        }
        checkArguments(call.arguments, of: signature, into: &problems)
        for (index, argument) in call.arguments.enumerated() {
            if case .comparison? = argument, !(name == "IIF" && index == 0) && name != "CBool" {
                problems.append(
                    ExpressionProblem(
                        .warning, ExpressionProblemCode.comparisonContext,
                        "comparison in argument \(index + 1) of \(name); comparisons are only meaningful as an IIF condition or CBool argument"
                    ))
            }
        }
        if Expression.nondeterministicFunctions.contains(name.lowercased()),
            reportedNondeterministic.insert(name).inserted
        {
            problems.append(
                ExpressionProblem(
                    .note, ExpressionProblemCode.nondeterministic,
                    "\(name) produces a new value on every evaluation; apply the mapping only during object creation"))
        }
        if name == "SelectUniqueValue", call.depth > 0 {
            problems.append(
                ExpressionProblem(
                    .error, ExpressionProblemCode.nestedSelectUniqueValue,
                    "SelectUniqueValue must be the whole expression; it cannot be nested inside another function"))
        }
    }

    if let knownAttributes {
        var reported = Set<String>()
        for attribute in expression.attributeNames where !knownAttributes.contains(attribute) {
            guard reported.insert(attribute).inserted else { continue }
            // Only a missing attribute pays for the case-insensitive search (validation of large
            // schemas calls this once per mapping).
            let lowered = attribute.lowercased()
            if let match = knownAttributes.first(where: { $0.lowercased() == lowered }) {
                problems.append(
                    ExpressionProblem(
                        .warning, ExpressionProblemCode.attributeCase,
                        "attribute [\(attribute)] is defined as [\(match)]"))
            } else {
                var message = "attribute [\(attribute)] is not defined by the source object"
                if let suggestion = Suggestions.closest(to: attribute, in: Array(knownAttributes)) {
                    message += "; did you mean [\(suggestion)]?"
                }
                problems.append(ExpressionProblem(.error, ExpressionProblemCode.unknownAttribute, message))
            }
        }
    }
    return problems
}

private func checkArguments(
    _ arguments: [Expression?], of signature: FunctionSignature, into problems: inout [ExpressionProblem]
) {
    let name = signature.name
    let count = arguments.count
    if let maximum = signature.maximumArgumentCount, count > maximum {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.tooManyArguments,
                "\(name) takes at most \(maximum) argument\(maximum == 1 ? "" : "s") (\(parameterList(signature))), found \(count)"
            ))
        return
    }
    if count < signature.minimumArgumentCount {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.tooFewArguments,
                "\(name) needs at least \(signature.minimumArgumentCount) argument\(signature.minimumArgumentCount == 1 ? "" : "s") (\(parameterList(signature))), found \(count)"
            ))
        return
    }
    let slots = signature.parameters(forArgumentCount: count)
    for (index, argument) in arguments.enumerated() {
        guard let parameter = slots[index] else { continue }
        if argument == nil, parameter.isRequired {
            problems.append(
                ExpressionProblem(
                    .error, ExpressionProblemCode.missingArgument,
                    "argument \(index + 1) of \(name) ('\(parameter.name)') is required but empty"))
        }
        if argument == .string(""), parameter.name.lowercased().contains("default") {
            problems.append(
                ExpressionProblem(
                    .warning, ExpressionProblemCode.emptyConstant,
                    "\(name)'s default value is the empty constant \"\"; the service accepts it but provisions nothing when it applies (omit the argument instead)"
                ))
        }
    }
    if name == "Switch", count > 2, (count - 2) % 2 != 0 {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.switchPairs,
                "Switch needs its keys and values in complete pairs after the source and default value; found \(count - 2) key/value argument\(count - 2 == 1 ? "" : "s")"
            ))
    } else if name == "Switch", count <= 2 {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.switchPairs,
                "Switch needs at least one key and value after the source and default value"))
    }
    if name == "SelectUniqueValue", count < 2 {
        problems.append(
            ExpressionProblem(
                .error, ExpressionProblemCode.tooFewArguments,
                "SelectUniqueValue needs at least two rules to choose from, found \(count)"))
    }
}

private func parameterList(_ signature: FunctionSignature) -> String {
    signature.parameters.map { parameter in
        var text = parameter.name
        if parameter.allowsMultipleOccurrences { text += "…" }
        if !parameter.isRequired { text = "[" + text + "]" }
        return text
    }.joined(separator: ", ")
}
