/// The subset of OData `$filter` that service-principal lookups use: `eq` and `startswith` on
/// `id`, `appId` and `displayName`, combined with `and` / `or` (and binds tighter). String
/// literals are single-quoted with `''` for a quote, as OData escapes them.
struct ODataFilter {
    enum Clause {
        case equals(property: String, value: String)
        case startsWith(property: String, value: String)
    }

    /// Why a filter is not supported.
    struct FilterError: Error {
        var message: String
    }

    /// Alternatives of conjunctions.
    var alternatives: [[Clause]]

    private enum Token: Equatable {
        case word(String)
        case string(String)
        case open, close, comma
    }

    /// Parses `text` or explains why it is not supported.
    static func parse(_ text: String) -> Result<ODataFilter, FilterError> {
        guard let tokens = tokenize(text) else {
            return .failure(FilterError(message: "Invalid filter clause: unterminated string literal."))
        }
        var index = 0
        var alternatives: [[Clause]] = [[]]
        func expectString() -> String? {
            guard index < tokens.count, case .string(let value) = tokens[index] else { return nil }
            index += 1
            return value
        }
        while index < tokens.count {
            guard case .word(let word) = tokens[index] else {
                return .failure(FilterError(message: "Invalid filter clause: syntax error."))
            }
            index += 1
            if word.lowercased() == "startswith" {
                guard index + 3 < tokens.count + 1, index < tokens.count, tokens[index] == .open else {
                    return .failure(FilterError(message: "Invalid filter clause: startswith expects '('."))
                }
                index += 1
                guard index < tokens.count, case .word(let property) = tokens[index] else {
                    return .failure(FilterError(message: "Invalid filter clause: startswith expects a property."))
                }
                index += 1
                guard index < tokens.count, tokens[index] == .comma else {
                    return .failure(FilterError(message: "Invalid filter clause: startswith expects ','."))
                }
                index += 1
                guard let value = expectString(), index < tokens.count, tokens[index] == .close else {
                    return .failure(
                        FilterError(message: "Invalid filter clause: startswith expects a string literal and ')'."))
                }
                index += 1
                alternatives[alternatives.count - 1].append(.startsWith(property: property, value: value))
            } else {
                guard index < tokens.count, case .word(let op) = tokens[index], op.lowercased() == "eq" else {
                    return .failure(
                        FilterError(message: "Invalid filter clause: only 'eq' and 'startswith' are supported."))
                }
                index += 1
                guard let value = expectString() else {
                    return .failure(FilterError(message: "Invalid filter clause: 'eq' expects a string literal."))
                }
                alternatives[alternatives.count - 1].append(.equals(property: word, value: value))
            }
            if index < tokens.count {
                guard case .word(let joiner) = tokens[index] else {
                    return .failure(FilterError(message: "Invalid filter clause: syntax error."))
                }
                index += 1
                switch joiner.lowercased() {
                case "and": break
                case "or": alternatives.append([])
                default: return .failure(FilterError(message: "Invalid filter clause: unexpected '\(joiner)'."))
                }
                if index == tokens.count {
                    return .failure(FilterError(message: "Invalid filter clause: dangling '\(joiner)'."))
                }
            }
        }
        if alternatives.contains(where: \.isEmpty) {
            return .failure(FilterError(message: "Invalid filter clause: empty filter."))
        }
        for clause in alternatives.flatMap({ $0 }) {
            let property: String
            switch clause {
            case .equals(let name, _), .startsWith(let name, _): property = name
            }
            if !["id", "appid", "displayname"].contains(property.lowercased()) {
                return .failure(
                    FilterError(
                        message: "Invalid filter clause: property '\(property)' is not supported for filtering."))
            }
        }
        return .success(ODataFilter(alternatives: alternatives))
    }

    /// Whether an entity with these properties (looked up case-insensitively) matches.
    func matches(_ properties: [String: String]) -> Bool {
        func value(_ name: String) -> String {
            properties.first { $0.key.lowercased() == name.lowercased() }?.value ?? ""
        }
        return alternatives.contains { clauses in
            clauses.allSatisfy { clause in
                switch clause {
                case .equals(let property, let expected):
                    value(property).lowercased() == expected.lowercased()
                case .startsWith(let property, let prefix):
                    value(property).lowercased().hasPrefix(prefix.lowercased())
                }
            }
        }
    }

    private static func tokenize(_ text: String) -> [Token]? {
        var tokens: [Token] = []
        var characters = Array(text)[...]
        while let character = characters.first {
            if character == " " || character == "\t" {
                characters.removeFirst()
            } else if character == "(" {
                tokens.append(.open)
                characters.removeFirst()
            } else if character == ")" {
                tokens.append(.close)
                characters.removeFirst()
            } else if character == "," {
                tokens.append(.comma)
                characters.removeFirst()
            } else if character == "'" {
                characters.removeFirst()
                var value = ""
                var closed = false
                while let next = characters.first {
                    characters.removeFirst()
                    if next == "'" {
                        if characters.first == "'" {
                            value.append("'")
                            characters.removeFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(next)
                    }
                }
                if !closed { return nil }
                tokens.append(.string(value))
            } else {
                var word = ""
                while let next = characters.first, !" \t(),'".contains(next) {
                    word.append(next)
                    characters.removeFirst()
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }
}
