/// The one JSON writer of the project: deterministic, valid JSON with a trailing newline.
///
/// Containers that fit in `lineLength` columns (indentation, key and trailing comma included) are
/// written on one line as `{ "a": 1, "b": 2 }` / `[1, 2]`; larger ones are expanded with one member
/// per line. Applied to schema files this puts one attribute or one mapping on one line, so that
/// one change is one line of a Git diff. Keys are written in the order the object holds them;
/// callers that need a canonical order build objects in that order.
public struct JSONWriter: Sendable {
    /// The column limit for single-line containers.
    public var lineLength: Int
    /// Spaces per indentation level.
    public var indent: Int

    /// A writer with the project's defaults (120 columns, 2 spaces).
    public init(lineLength: Int = 120, indent: Int = 2) {
        self.lineLength = lineLength
        self.indent = indent
    }

    /// The canonical text of `value`, ending in a newline.
    public func string(_ value: JSONValue) -> String {
        var output = ""
        write(value, level: 0, prefixWidth: 0, suffixWidth: 0, into: &output)
        output.append("\n")
        return output
    }

    /// `value` on one line, with no trailing newline (for messages and compact output).
    public static func compact(_ value: JSONValue) -> String {
        var output = ""
        writeInline(value, into: &output)
        return output
    }

    /// Writes `value` starting after `prefixWidth` columns of indentation and key, followed by
    /// `suffixWidth` columns (a comma) on the same line.
    private func write(_ value: JSONValue, level: Int, prefixWidth: Int, suffixWidth: Int, into output: inout String) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            let budget = lineLength - prefixWidth - suffixWidth
            if Self.inlineWidth(value, limit: budget) != nil {
                Self.writeInline(value, into: &output)
                return
            }
            let padding = String(repeating: " ", count: (level + 1) * indent)
            output.append("[\n")
            for (offset, element) in elements.enumerated() {
                output.append(padding)
                let last = offset == elements.count - 1
                write(element, level: level + 1, prefixWidth: padding.count, suffixWidth: last ? 0 : 1, into: &output)
                output.append(last ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: level * indent))
            output.append("]")
        case .object(let object) where !object.isEmpty:
            let budget = lineLength - prefixWidth - suffixWidth
            if Self.inlineWidth(value, limit: budget) != nil {
                Self.writeInline(value, into: &output)
                return
            }
            let padding = String(repeating: " ", count: (level + 1) * indent)
            output.append("{\n")
            let pairs = object.pairs
            for (offset, pair) in pairs.enumerated() {
                output.append(padding)
                let keyStart = output.utf8.count
                Self.writeString(pair.key, into: &output)
                output.append(": ")
                let keyWidth = output.utf8.count - keyStart
                let last = offset == pairs.count - 1
                write(
                    pair.value, level: level + 1, prefixWidth: padding.count + keyWidth, suffixWidth: last ? 0 : 1,
                    into: &output)
                output.append(last ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: level * indent))
            output.append("}")
        default:
            Self.writeInline(value, into: &output)
        }
    }

    /// The one-line width of `value`, or `nil` as soon as it exceeds `limit` (so measuring a large
    /// subtree costs at most `limit` steps) or the value contains a newline-free rendering problem.
    static func inlineWidth(_ value: JSONValue, limit: Int) -> Int? {
        var width = 0
        return measure(value, width: &width, limit: limit) ? width : nil
    }

    private static func measure(_ value: JSONValue, width: inout Int, limit: Int) -> Bool {
        switch value {
        case .null: width += 4
        case .bool(let flag): width += flag ? 4 : 5
        case .number(let number): width += number.text.utf8.count
        case .string(let text): width += escapedWidth(text, limit: limit - width)
        case .array(let elements):
            if elements.isEmpty {
                width += 2
            } else {
                width += 2 + 2 * (elements.count - 1)
                for element in elements {
                    if width > limit || !measure(element, width: &width, limit: limit) { return false }
                }
            }
        case .object(let object):
            if object.isEmpty {
                width += 2
            } else {
                width += 4 + 2 * (object.count - 1)
                for (key, member) in object {
                    width += escapedWidth(key, limit: limit - width) + 2
                    if width > limit || !measure(member, width: &width, limit: limit) { return false }
                }
            }
        }
        return width <= limit
    }

    /// Display width of a quoted, escaped string (characters, not bytes), stopping early past `limit`.
    private static func escapedWidth(_ text: String, limit: Int) -> Int {
        var width = 2
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}": width += 2
            case _ where scalar.value < 0x20: width += 6
            default: width += 1
            }
            if width > limit { return width }
        }
        return width
    }

    static func writeInline(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output.append("null")
        case .bool(let flag): output.append(flag ? "true" : "false")
        case .number(let number): output.append(number.text)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append("[")
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(", ") }
                writeInline(element, into: &output)
            }
            output.append("]")
        case .object(let object):
            if object.isEmpty {
                output.append("{}")
                return
            }
            output.append("{ ")
            var first = true
            for (key, member) in object {
                if !first { output.append(", ") }
                first = false
                writeString(key, into: &output)
                output.append(": ")
                writeInline(member, into: &output)
            }
            output.append(" }")
        }
    }

    /// Writes a JSON string literal. Non-ASCII text stays as UTF-8; only what JSON requires is escaped.
    static func writeString(_ text: String, into output: inout String) {
        output.append("\"")
        var needsEscaping = false
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        if !needsEscaping {
            output.append(text)
            output.append("\"")
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case "\u{08}": output.append("\\b")
            case "\u{0C}": output.append("\\f")
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16, uppercase: true)
                output.append("\\u" + String(repeating: "0", count: 4 - digits.count) + digits)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}
