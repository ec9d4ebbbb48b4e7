/// The header row of a CSV file (RFC 4180): what `attribute add --from-csv` turns into attributes,
/// the way admins feed HR exports to API-driven provisioning.
public enum CSVHeader {
    /// Why a header could not be read.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public let column: Int
        public var description: String { "header column \(column): \(message)" }
    }

    /// The column names of the first record. A UTF-8 byte order mark is skipped, quoted names may
    /// hold commas, doubled quotes and line breaks, and surrounding whitespace is trimmed.
    public static func columns(_ text: String) throws(ParseError) -> [String] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var columns: [String] = []
        var current = ""
        var inQuotes = false
        var wasQuoted = false
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        current.unicodeScalars.append("\"")
                        scalars = scalars.dropFirst()
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                if !current.trimmingSpaces.isEmpty {
                    throw ParseError(message: "a quote inside an unquoted name", column: columns.count + 1)
                }
                current = ""
                inQuotes = true
                wasQuoted = true
            case ",":
                columns.append(wasQuoted ? current : current.trimmingSpaces)
                current = ""
                wasQuoted = false
            case "\r", "\n":
                columns.append(wasQuoted ? current : current.trimmingSpaces)
                return columns
            default:
                if wasQuoted {
                    if scalar == " " || scalar == "\t" { continue }
                    throw ParseError(message: "text after a closing quote", column: columns.count + 1)
                }
                current.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw ParseError(message: "unterminated quoted name", column: columns.count + 1) }
        if !current.isEmpty || wasQuoted || !columns.isEmpty {
            columns.append(wasQuoted ? current : current.trimmingSpaces)
        }
        return columns
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
