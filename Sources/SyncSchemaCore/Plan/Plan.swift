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
    /// SHA-256 of the live raw document's compact canonical JSON, to refuse stale plans.
    public var liveHash: String
    /// The document a PUT would send.
    public var document: JSONValue

    public init(
        environment: String, app: String, changes: [Change], liveVersion: String?, liveHash: String, document: JSONValue
    ) {
        self.environment = environment
        self.app = app
        self.changes = changes
        self.liveVersion = liveVersion
        self.liveHash = liveHash
        self.document = document
    }

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

    /// Fingerprint of a raw schema document, independent of key order and whitespace.
    public static func fingerprint(_ raw: JSONValue) -> String {
        SHA256.hex(Array(JSONWriter.compact(raw.sortedKeys()).utf8))
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
            liveVersion: live["version"]?.stringValue, liveHash: Plan.fingerprint(live), document: document)
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
