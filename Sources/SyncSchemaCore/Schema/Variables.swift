/// `${name}` placeholders in schema files: one desired file renders differently per environment.
///
/// Inside the per-tenant extension prefix, `extension_${appId}_…`, the value is written without
/// dashes, the way Entra names directory extension attributes, so an environment can declare the
/// extension app id as the portal shows it.
///
/// `$${` writes a literal `${` (so .NET regex replacement templates such as `"${phoneNumber}"`
/// survive: normalize escapes every `${` it finds in live data, render turns it back).
public enum Variables {
    /// Replaces every `${name}` in every string of `value` (keys included) with its value.
    /// Unknown names and malformed references are reported, each with its JSON path, and left as written.
    public static func substitute(
        in value: JSONValue, values: [String: String], at path: JSONPath = .root, into diagnostics: inout [Diagnostic]
    ) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(substitute(text, values: values, at: path, into: &diagnostics))
        case .array(let elements):
            return .array(
                elements.enumerated().map {
                    substitute(in: $1, values: values, at: path.appending($0), into: &diagnostics)
                })
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object {
                let newKey = substitute(key, values: values, at: path.appending(key), into: &diagnostics)
                result[newKey] = substitute(in: member, values: values, at: path.appending(key), into: &diagnostics)
            }
            return .object(result)
        default:
            return value
        }
    }

    /// Substitutes one string.
    public static func substitute(
        _ text: String, values: [String: String], at path: JSONPath, into diagnostics: inout [Diagnostic]
    ) -> String {
        // A byte scan: `contains("$")` with a string argument resolves to Foundation's NSString
        // search, which dominated plan time on large schemas.
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        var output = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            if scalar == "$" {
                let rest = scalars.dropFirst()
                if rest.starts(with: ["$", "{"]) {
                    output += "${"
                    scalars = rest.dropFirst(2)
                    continue
                }
                if rest.first == "{" {
                    let body = rest.dropFirst()
                    if let close = body.firstIndex(of: "}") {
                        let name = String(String.UnicodeScalarView(body[body.startIndex..<close]))
                        if isValidName(name) {
                            if let replacement = values[name] {
                                // `extension_${appId}_name`: Entra writes the app id without dashes.
                                let afterClose = body[body.index(after: close)...]
                                if output.hasSuffix("extension_"), afterClose.first == "_" {
                                    output += replacement.filter { $0 != "-" }
                                } else {
                                    output += replacement
                                }
                            } else {
                                let known = values.keys.sorted()
                                var message = "unknown variable ${\(name)}"
                                if let suggestion = Suggestions.closest(to: name, in: known) {
                                    message += "; did you mean ${\(suggestion)}?"
                                } else if known.isEmpty {
                                    message += "; declare it under \"variables\" in the environment file"
                                } else {
                                    message += "; declared variables: \(known.joined(separator: ", "))"
                                }
                                message += " (write $${ for a literal ${)"
                                diagnostics.append(Diagnostic(.error, message, at: path, code: "unknown-variable"))
                                output += "${\(name)}"
                            }
                            scalars = body[body.index(after: close)...]
                            continue
                        }
                    }
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            "malformed variable reference in \"\(text)\": expected ${name}; write $${ for a literal ${",
                            at: path, code: "malformed-variable"))
                    output += "${"
                    scalars = body
                    continue
                }
            }
            output.unicodeScalars.append(scalar)
            scalars = scalars.dropFirst()
        }
        return output
    }

    /// Escapes every `${` as `$${`, so that a string from live data renders back to itself.
    public static func escape(_ text: String) -> String {
        containsPlaceholderStart(text) ? text.replacingAll("${", with: "$${") : text
    }

    /// Whether `text` contains `${`, by a byte scan (see ``substitute(_:values:at:into:)``).
    static func containsPlaceholderStart(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    /// Escapes every string (keys included) inside `value`.
    public static func escape(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(escape(text))
        case .array(let elements): return .array(elements.map(escape))
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object { result[escape(key)] = escape(member) }
            return .object(result)
        default: return value
        }
    }

    /// Variable names: a letter or `_`, then letters, digits, `_`, `-` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0)
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced (Core keeps Foundation out of its hot paths).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[rest.startIndex..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    /// The first range of `target`, by unicode scalars (what JSON strings hold).
    fileprivate func range(of target: String) -> Range<Index>? {
        let needle = Array(target.unicodeScalars)
        var index = startIndex
        while index < endIndex {
            if self.unicodeScalars[index...].starts(with: needle) {
                let end = self.unicodeScalars.index(index, offsetBy: needle.count)
                return index..<end
            }
            index = self.unicodeScalars.index(after: index)
        }
        return nil
    }
}
