/// Turns expression text into an ``Expression``: a hand-written tokenizer and recursive-descent
/// parser for the grammar of `reference/expressions.md` §1.4, linear in the input length.
public enum ExpressionParser {
    /// How deeply calls may nest. Real expressions stay far below; the bound turns hostile input
    /// into an error instead of a stack overflow.
    public static let maximumDepth = 100

    /// Parses one whole expression. Whitespace (including line breaks) may appear between any two
    /// tokens, even between a function name and its `(`. Text over
    /// ``Expression/maximumLength`` is parsed anyway; validation reports the length.
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = Parser(text: text)
        return try parser.parseWhole()
    }

    /// Warnings for backslashes in string constants that are neither `\"` nor `\\`. The parser
    /// keeps such a backslash literally (`"\d"` is the two characters `\d`), but the service only
    /// documents the two escapes, so a regex written with single backslashes may not mean what it
    /// seems. Code `unknown-escape`.
    public static func escapeWarnings(in text: String) -> [ExpressionProblem] {
        var problems: [ExpressionProblem] = []
        var inString = false
        var escapePending = false
        var attributeDepth = 0
        var line = 1
        var column = 0
        for character in text {
            column += 1
            defer {
                if character == "\n" || character == "\r\n" {
                    line += 1
                    column = 0
                }
            }
            if inString {
                if escapePending {
                    escapePending = false
                    if character != "\"" && character != "\\" {
                        let place = line > 1 ? "line \(line), column \(column - 1)" : "column \(column - 1)"
                        problems.append(
                            ExpressionProblem(
                                .warning, ExpressionProblemCode.unknownEscape,
                                "'\\\(character)' at \(place) is not an escape; the backslash is kept as is (write '\\\\\(character)' to say so)"
                            ))
                    }
                } else if character == "\\" {
                    escapePending = true
                } else if character == "\"" {
                    inString = false
                }
            } else if attributeDepth > 0 {
                if character == "[" { attributeDepth += 1 }
                if character == "]" { attributeDepth -= 1 }
            } else if character == "\"" {
                inString = true
            } else if character == "[" {
                attributeDepth = 1
            }
        }
        return problems
    }
}

/// The parser's state: the text as UTF-8 bytes (every token boundary is ASCII) and a cursor.
private struct Parser {
    let text: String
    let bytes: [UInt8]
    var position = 0

    init(text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    // MARK: Grammar

    mutating func parseWhole() throws(ExpressionError) -> Expression {
        skipWhitespace()
        if position == bytes.count {
            throw error(
                "expected an expression (a function call, [attribute], \"string\" or number), found end of input")
        }
        let expression = try parseTerm(depth: 0)
        skipWhitespace()
        if position < bytes.count {
            throw error("unexpected \(describeCurrent()) after the end of the expression")
        }
        return expression
    }

    /// term = operand [ cmpOp operand ]
    mutating func parseTerm(depth: Int) throws(ExpressionError) -> Expression {
        if depth > ExpressionParser.maximumDepth {
            throw error("expression is nested too deeply (more than \(ExpressionParser.maximumDepth) levels)")
        }
        let lhs = try parseOperand(depth: depth)
        skipWhitespace()
        let operatorStart = position
        guard let op = scanComparisonOperator() else { return lhs }
        skipWhitespace()
        if position == bytes.count || !startsOperand(bytes[position]) {
            throw error(
                "expected a value after '\(op.rawValue)' at \(locationText(operatorStart)), found \(describeCurrent())")
        }
        let rhs = try parseOperand(depth: depth)
        return .comparison(lhs, op, rhs)
    }

    mutating func parseOperand(depth: Int) throws(ExpressionError) -> Expression {
        guard position < bytes.count else {
            throw error("expected a value (a function call, [attribute], \"string\" or number), found end of input")
        }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "["): return try parseAttribute()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "&"): return try parseHexNumber()
        default:
            guard isNameStart(byte) else {
                throw error(
                    "expected a value (a function call, [attribute], \"string\" or number), found \(describeCurrent())")
            }
            return try parseNameOrCall(depth: depth)
        }
    }

    mutating func parseNameOrCall(depth: Int) throws(ExpressionError) -> Expression {
        let start = position
        while position < bytes.count, isNameContinuation(bytes[position]) { position += 1 }
        let name = string(start..<position)
        let afterName = position
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "(") else {
            position = afterName
            return .identifier(name)
        }
        position += 1
        func opened() -> String { "\(name)( opened at \(locationText(start))" }
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: ")") {
            position += 1
            return .call(name: name, arguments: [])
        }
        var arguments: [Expression?] = []
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("expected ')' to close \(opened()), found end of input") }
            if bytes[position] == UInt8(ascii: ",") || bytes[position] == UInt8(ascii: ")") {
                arguments.append(nil)
            } else {
                arguments.append(try parseTerm(depth: depth + 1))
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("expected ')' to close \(opened()), found end of input") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: ")"):
                position += 1
                return .call(name: name, arguments: arguments)
            default:
                throw error(
                    "expected ',' or ')' after argument \(arguments.count) of \(opened()), found \(describeCurrent())")
            }
        }
    }

    /// `[` name `]` where the name may hold balanced `[…]` and literal quotes
    /// (`[emails[type eq "work"].value]`).
    mutating func parseAttribute() throws(ExpressionError) -> Expression {
        let open = position
        position += 1
        var depth = 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    let name = string(open + 1..<position)
                    position += 1
                    if name.isEmpty { throw error("empty attribute name '[]'", at: open) }
                    return .attribute(name)
                }
            default: break
            }
            position += 1
        }
        throw error("expected ']' to close the attribute name opened at \(locationText(open)), found end of input")
    }

    /// `"` … `"` with `\"` and `\\` escapes; any other backslash is kept literally.
    mutating func parseString() throws(ExpressionError) -> String {
        let open = position
        position += 1
        var value: [UInt8] = []
        var segmentStart = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                value.append(contentsOf: bytes[segmentStart..<position])
                position += 1
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\")
            where position + 1 < bytes.count
                && (bytes[position + 1] == UInt8(ascii: "\"") || bytes[position + 1] == UInt8(ascii: "\\")):
                value.append(contentsOf: bytes[segmentStart..<position])
                value.append(bytes[position + 1])
                position += 2
                segmentStart = position
            default:
                position += 1
            }
        }
        throw error("expected '\"' to close the string opened at \(locationText(open)), found end of input")
    }

    /// `[-] digits [. digits]`
    mutating func parseNumber() throws(ExpressionError) -> Expression {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard scanDigits() else { throw error("expected a digit after '-', found \(describeCurrent())") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard scanDigits() else { throw error("expected a digit after '.', found \(describeCurrent())") }
        }
        return .number(string(start..<position))
    }

    /// `&H` hex digits (VB hexadecimal literal).
    mutating func parseHexNumber() throws(ExpressionError) -> Expression {
        let start = position
        position += 1
        guard position < bytes.count, bytes[position] == UInt8(ascii: "H") || bytes[position] == UInt8(ascii: "h")
        else { throw error("expected 'H' after '&' (a hexadecimal literal such as &HF7), found \(describeCurrent())") }
        position += 1
        let digitsStart = position
        while position < bytes.count, isHexDigit(bytes[position]) { position += 1 }
        if position == digitsStart {
            throw error("expected hexadecimal digits after '&H', found \(describeCurrent())")
        }
        return .number(string(start..<position))
    }

    // MARK: Tokens

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): position += 1
            default: return
            }
        }
    }

    mutating func scanDigits() -> Bool {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position > start
    }

    mutating func scanComparisonOperator() -> ComparisonOperator? {
        guard position < bytes.count else { return nil }
        let next: UInt8? = position + 1 < bytes.count ? bytes[position + 1] : nil
        switch bytes[position] {
        case UInt8(ascii: "="):
            position += 1
            return .equal
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: ">") {
                position += 2
                return .notEqual
            }
            if next == UInt8(ascii: "=") {
                position += 2
                return .lessThanOrEqual
            }
            position += 1
            return .lessThan
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") {
                position += 2
                return .greaterThanOrEqual
            }
            position += 1
            return .greaterThan
        default:
            return nil
        }
    }

    func startsOperand(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "&"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: isNameStart(byte)
        }
    }

    func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    func isNameContinuation(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    // MARK: Errors

    /// `'x'`, `a line break` or `end of input` for the character at the cursor.
    func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        if bytes[position] == UInt8(ascii: "\n") || bytes[position] == UInt8(ascii: "\r") { return "a line break" }
        let index = text.utf8.index(text.utf8.startIndex, offsetBy: position)
        guard let character = text[index...].first else { return "end of input" }
        return "'\(character)'"
    }

    /// Character offset, line and column of a byte position. Only called on the error path, so
    /// its linear cost never adds up.
    func location(_ byteOffset: Int) -> (offset: Int, line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<byteOffset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let utf8 = text.utf8
        let target = utf8.index(utf8.startIndex, offsetBy: byteOffset)
        let lineIndex = utf8.index(utf8.startIndex, offsetBy: lineStart)
        return (text[..<target].count, line, text[lineIndex..<target].count + 1)
    }

    func locationText(_ byteOffset: Int) -> String {
        let place = location(byteOffset)
        return place.line > 1 ? "line \(place.line), column \(place.column)" : "column \(place.column)"
    }

    func error(_ message: String, at byteOffset: Int? = nil) -> ExpressionError {
        let place = location(byteOffset ?? position)
        return ExpressionError(message: message, offset: place.offset, line: place.line, column: place.column)
    }
}
