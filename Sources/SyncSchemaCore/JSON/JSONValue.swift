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
    /// Keys in insertion order.
    public private(set) var keys: [String]
    private var storage: [String: JSONValue]

    /// An empty object.
    public init() {
        keys = []
        storage = [:]
    }

    /// An object from ordered pairs; a later duplicate key replaces the earlier value in place.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads a member; setting `nil` removes it, setting a new key appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Appends a member whose key is not yet present, with one hash lookup; `false` (and no
    /// change) when the key is already there. For the parser, which refuses duplicate keys.
    mutating func appendNew(_ key: String, _ value: JSONValue) -> Bool {
        let before = storage.count
        // A modify access through `default:` inserts `value` only when the key is absent.
        Self.touch(&storage[key, default: value])
        guard storage.count > before else { return false }
        keys.append(key)
        return true
    }

    private static func touch(_ value: inout JSONValue) {}

    /// Whether a member with this key exists (even if its value is `null`).
    public func contains(_ key: String) -> Bool { storage[key] != nil }

    /// Members in key order.
    public var pairs: [(key: String, value: JSONValue)] { keys.map { ($0, storage[$0]!) } }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        pairs.makeIterator()
    }

    /// Reorders the keys: those named in `order` first (in that order), then the rest as they were.
    public func ordered(by order: [String]) -> JSONObject {
        var result = JSONObject()
        for key in order { if let value = storage[key] { result[key] = value } }
        for key in keys where result.storage[key] == nil { result[key] = storage[key]! }
        return result
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
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
