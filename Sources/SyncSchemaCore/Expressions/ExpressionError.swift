/// Why an expression's text could not be parsed, and where: people fix expressions in schema
/// files by column, so every error carries the position and can draw a caret under it.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was expected and what was found (`expected ')' to close Join( opened at column 1`).
    public let message: String
    /// Position of the problem in characters from the start of the text (0-based).
    public let offset: Int
    /// Line of the problem (1-based); expressions are usually one line.
    public let line: Int
    /// Column of the problem in characters within its line (1-based).
    public let column: Int

    /// An error at a known position.
    public init(message: String, offset: Int, line: Int = 1, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `column 5: expected …`, or `line 2, column 5: expected …` for multi-line text.
    public var description: String {
        line > 1 ? "line \(line), column \(column): \(message)" : "column \(column): \(message)"
    }

    /// The offending line of `source` with a `^` under the error's column: two lines, or three for
    /// multi-line input, where the first names the line. Lines longer than 120 characters are cut
    /// to a window around the column, marked with `…`.
    public func caretDiagnostic(source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var text = line >= 1 && line <= lines.count ? Substring(lines[line - 1]) : Substring("")
        if text.hasSuffix("\r") { text = text.dropLast() }
        var caretColumn = column
        let window = 120
        if text.count > window {
            let start = max(0, min(column - 1 - window / 2, text.count - window))
            let lower = text.index(text.startIndex, offsetBy: start)
            let upper = text.index(lower, offsetBy: window, limitedBy: text.endIndex) ?? text.endIndex
            let prefix = start > 0 ? "…" : ""
            let suffix = upper < text.endIndex ? "…" : ""
            caretColumn = column - start + prefix.count
            text = Substring(prefix + text[lower..<upper] + suffix)
        }
        var caret = ""
        for character in text.prefix(max(caretColumn - 1, 0)) { caret += character == "\t" ? "\t" : " " }
        caret += String(repeating: " ", count: max(caretColumn - 1 - text.count, 0))
        caret += "^"
        let body = text + "\n" + caret
        return lines.count > 1 ? "line \(line):\n" + body : String(body)
    }
}
