/// What applying one schema file to one environment's app would do: the changes, their risks, and
/// the exact document that would be PUT, tied to the live schema it was computed from.
public struct Plan: Sendable {
    /// The environment name (`dev`).
    public var environment: String
    /// The app key (`hr-employees`).
    public var app: String
    /// The differences, grouped rule → object mapping → attribute mapping by their `parents`.
    public var changes: [Change]
    /// The live schema's `version` when the plan was made.
    public var liveVersion: String?
    /// The live raw document the plan was computed from.
    public var live: JSONValue
    /// The document a PUT would send.
    public var document: JSONValue

    public init(
        environment: String, app: String, changes: [Change], liveVersion: String?, live: JSONValue, document: JSONValue
    ) {
        self.environment = environment
        self.app = app
        self.changes = changes
        self.liveVersion = liveVersion
        self.live = live
        self.document = document
    }

    /// SHA-256 of the live raw document's compact canonical JSON, to refuse stale plans. Computed
    /// when asked (saved plans, JSON output, failed writes): hashing a large schema costs more than
    /// the rest of a text plan.
    public var liveHash: String { Plan.fingerprint(live) }

    /// Counts for the summary line.
    public var summary: (add: Int, change: Int, remove: Int) {
        (
            changes.filter { $0.action == .add }.count, changes.filter { $0.action == .change }.count,
            changes.filter { $0.action == .remove }.count
        )
    }

    /// Whether anything would change.
    public var hasChanges: Bool { !changes.isEmpty }

    /// Whether anything is removed (what `--allow-destructive` guards).
    public var isDestructive: Bool { changes.contains { $0.action == .remove } }

    /// Every risk of every change, in order.
    public var risks: [Risk] { changes.flatMap(\.risks) }

    /// `Plan: 1 to add, 2 to change, 0 to remove.` or `No changes.`
    public var summaryLine: String {
        guard hasChanges else { return "No changes." }
        let (add, change, remove) = summary
        return "Plan: \(add) to add, \(change) to change, \(remove) to remove."
    }

    /// Fingerprint of a raw schema document, independent of key order and whitespace: SHA-256 of
    /// `JSONWriter.compact(raw.sortedKeys())`, written straight to bytes without the sorted copy.
    public static func fingerprint(_ raw: JSONValue) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16)
        writeSortedCompact(raw, into: &bytes)
        return SHA256.hex(bytes)
    }

    /// The UTF-8 of `JSONWriter.compact(value.sortedKeys())`, byte for byte (fingerprints in saved
    /// plans depend on it; a test compares the two).
    static func writeSortedCompact(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.text.utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(contentsOf: ", ".utf8) }
                writeSortedCompact(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(contentsOf: "{ ".utf8)
            for (offset, key) in object.keys.sorted().enumerated() {
                if offset > 0 { output.append(contentsOf: ", ".utf8) }
                writeString(key, into: &output)
                output.append(contentsOf: ": ".utf8)
                writeSortedCompact(object[key]!, into: &output)
            }
            output.append(contentsOf: " }".utf8)
        }
    }

    /// A JSON string literal with the escapes of `JSONWriter.writeString` (all of them ASCII, so
    /// bytes can be handled one at a time).
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                let digits = Array("0123456789ABCDEF".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// Computes plans: the desired file rendered onto live, then both sides normalized and compared, so
/// the plan shows exactly what the PUT would change and nothing else.
public struct Planner: Sendable {
    public var codec: MappingSourceCodec

    public init(codec: MappingSourceCodec) { self.codec = codec }

    /// The plan for one environment and app.
    public func plan(
        environment: String, app: String, file: JSONValue, variables: [String: String], live: JSONValue
    ) throws(SchemaError) -> Plan {
        let document = try Renderer(codec: codec).render(file, variables: variables, live: live)
        let normalizer = Normalizer(codec: codec)
        let before = try normalizer.normalize(live)
        let after = try normalizer.normalize(document)
        return Plan(
            environment: environment, app: app, changes: SchemaDiff.changes(live: before, desired: after),
            liveVersion: live["version"]?.stringValue, live: live, document: document)
    }
}

extension JSONValue {
    /// A copy with every object's keys in sorted order (for fingerprints).
    public func sortedKeys() -> JSONValue {
        switch self {
        case .object(let object):
            var sorted = JSONObject()
            for key in object.keys.sorted() { sorted[key] = object[key]!.sortedKeys() }
            return .object(sorted)
        case .array(let elements): return .array(elements.map { $0.sortedKeys() })
        default: return self
        }
    }
}
