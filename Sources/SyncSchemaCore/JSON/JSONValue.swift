/// A JSON document as Graph sends it, kept exactly: numbers keep their literal text, objects keep
/// their key order, nothing is ever coerced through `Any` or `NSNumber`.
///
/// Graph's schema PUT replaces the whole document, so every value we do not understand must come
/// back out byte for byte; this type is the carrier that makes that possible.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number as its literal JSON text (`1`, `1.0`, `-2.5e10`, `123456789012345678901234567890`).
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON number kept as the exact text it was written with, so `1.0` stays `1.0` and big integers
/// never lose digits.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The literal, already validated against JSON's number grammar.
    public let text: String

    /// Wraps literal text that the caller knows to be a valid JSON number.
    public init(literal text: String) { self.text = text }

    /// A number from an integer.
    public init(_ value: Int) { self.text = String(value) }

    /// The value as an `Int` when the literal is an integer that fits.
    public var intValue: Int? { Int(text) }

    /// The value as a `Double` (may round).
    public var doubleValue: Double? { Double(text) }

    public var description: String { text }
}

/// A JSON object that remembers its key order (for faithful, readable output) and compares by
/// content (key order aside), which is how Graph treats objects.
public struct JSONObject: Hashable, Sendable, Sequence {
    // Members in order, and where each key is: iteration reads the array without hashing, lookups
    // hash once.
    private var entries: [(key: String, value: JSONValue)]
    private var positions: [String: Int]

    /// An empty object.
    public init() {
        entries = []
        positions = [:]
    }

    /// An object from ordered pairs; a later duplicate key replaces the earlier value in place.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Keys in insertion order.
    public var keys: [String] { entries.map(\.key) }

    /// The number of members.
    public var count: Int { entries.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// Reads a member; setting `nil` removes it, setting a new key appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get { positions[key].map { entries[$0].value } }
        set {
            if let newValue {
                if let position = positions[key] {
                    entries[position].value = newValue
                } else {
                    positions[key] = entries.count
                    entries.append((key, newValue))
                }
            } else if let position = positions.removeValue(forKey: key) {
                entries.remove(at: position)
                for later in position..<entries.count { positions[entries[later].key] = later }
            }
        }
    }

    /// Appends a member whose key is not yet present, with one hash lookup; `false` (and no
    /// change) when the key is already there. For the parser, which refuses duplicate keys.
    mutating func appendNew(_ key: String, _ value: JSONValue) -> Bool {
        let position = entries.count
        // A modify access through `default:` inserts the new position only when the key is absent.
        Self.touch(&positions[key, default: position])
        guard positions.count > position else { return false }
        entries.append((key, value))
        return true
    }

    private static func touch(_ value: inout Int) {}

    /// Whether a member with this key exists (even if its value is `null`).
    public func contains(_ key: String) -> Bool { positions[key] != nil }

    /// Members in key order.
    public var pairs: [(key: String, value: JSONValue)] { entries }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        entries.makeIterator()
    }

    /// Reorders the keys: those named in `order` first (in that order), then the rest as they were.
    public func ordered(by order: [String]) -> JSONObject {
        var result = JSONObject()
        result.entries.reserveCapacity(entries.count)
        for key in order { if let value = self[key] { result[key] = value } }
        for (key, value) in entries where result.positions[key] == nil { result[key] = value }
        return result
    }

    /// Equal when the members are, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (key, value) in lhs.entries {
            guard let position = rhs.positions[key], rhs.entries[position].value == value else { return false }
        }
        return true
    }

    /// Independent of member order, like `==`: the members' hashes are combined commutatively.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for (key, value) in entries {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            combined = combined &+ member.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}

extension JSONValue {
    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object payload, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array payload, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer value, if this is a number literal holding an integer.
    public var intValue: Int? {
        if case .number(let value) = self { return value.intValue }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// Member lookup on objects; `nil` for other kinds.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// A short name of the JSON kind, for error messages ("a string", "an object").
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// An integer number value.
    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}
