/// The reverse of variable substitution, for `pull`: declared variable values found in a freshly
/// normalized file become `${name}` again, so a file pulled from dev plans clean against test where
/// only variables differ.
///
/// A value is replaced only where that is safe: values shorter than `minimumLength` and values
/// shared by two variables are left alone with a warning, never silently rewritten. The
/// per-tenant `extension_<appId>_` prefix is recognised when the variable holds the app id with
/// dashes (as the portal shows it) and the attribute name has it without.
public enum Templatizer {
    /// Shorter values are too likely to occur by accident (`"1"`, `"US"`).
    public static let minimumLength = 4

    /// The file with variable values replaced, and warnings about values that were not.
    public static func templatize(_ file: JSONValue, variables: [String: String]) -> (JSONValue, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var byValue: [String: [String]] = [:]
        for (name, value) in variables { byValue[Variables.escape(value), default: []].append(name) }
        var replacements: [(value: String, name: String)] = []
        for (value, names) in byValue.sorted(by: { $0.key < $1.key }) {
            let sortedNames = names.sorted()
            if value.isEmpty { continue }
            if sortedNames.count > 1 {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "variables \(sortedNames.map { "${\($0)}" }.joined(separator: " and ")) have the same value; pull leaves that value as written — give each its own value",
                        code: "ambiguous-variable"))
                continue
            }
            if value.count < minimumLength {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "variable ${\(sortedNames[0])} is too short (\(value.count) characters) to find safely; pull leaves its value as written",
                        code: "short-variable"))
                continue
            }
            replacements.append((value, sortedNames[0]))
        }
        // Longest first, so a value containing another is replaced whole.
        replacements.sort { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.name < $1.name }
        let extensionIds: [(dashless: String, name: String)] = replacements.compactMap { replacement in
            let dashless = replacement.value.filter { $0 != "-" }
            guard dashless.count == 32, dashless.allSatisfy(\.isHexDigit) else { return nil }
            return (dashless.lowercased(), replacement.name)
        }
        func rewrite(_ text: String) -> String {
            var result = text
            for (dashless, name) in extensionIds {
                result = result.replacingAllCaseInsensitiveHex("extension_\(dashless)_", with: "extension_${\(name)}_")
            }
            for (value, name) in replacements { result = result.replacingAll(value, with: "${\(name)}") }
            return result
        }
        func walk(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): return .string(rewrite(text))
            case .array(let elements): return .array(elements.map(walk))
            case .object(let object):
                var result = JSONObject()
                for (key, member) in object { result[key] = key == "syncschema" ? member : walk(member) }
                return .object(result)
            default: return value
            }
        }
        return (walk(file), diagnostics)
    }
}

extension String {
    /// Replaces `target` (ASCII, compared case-insensitively) everywhere.
    fileprivate func replacingAllCaseInsensitiveHex(_ target: String, with replacement: String) -> String {
        let lowered = lowercased()
        guard lowered.contains(target) else { return self }
        var result = ""
        var index = startIndex
        let targetCount = target.count
        while index < endIndex {
            if let end = self.index(index, offsetBy: targetCount, limitedBy: endIndex),
                self[index..<end].lowercased() == target
            {
                result += replacement
                index = end
            } else {
                result.append(self[index])
                index = self.index(after: index)
            }
        }
        return result
    }
}
