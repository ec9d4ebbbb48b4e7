/// One difference between the live schema and the desired one, at the level people review:
/// an attribute, an attribute mapping, an object mapping's own settings, a directory or a rule.
public struct Change: Hashable, Sendable {
    /// What happens to the node.
    public enum Action: String, Hashable, Sendable, Codable {
        case add, change, remove

        /// `+`, `~`, `-`.
        public var symbol: String {
            switch self {
            case .add: "+"
            case .change: "~"
            case .remove: "-"
            }
        }
    }

    /// One property that differs on a changed node.
    public struct Property: Hashable, Sendable {
        /// The property name (`source`, `flowType`, `scope`…).
        public var key: String
        /// Live value, `nil` when absent (the default).
        public var before: JSONValue?
        /// Desired value, `nil` when absent (the default).
        public var after: JSONValue?

        public init(key: String, before: JSONValue?, after: JSONValue?) {
            self.key = key
            self.before = before
            self.after = after
        }
    }

    public var action: Action
    /// The kind of node.
    public var kind: KindName
    /// The node's identity (`displayName`, `USER_INBOUND_USER`).
    public var name: String
    /// The enclosing nodes, outermost first, as `(kind, name)` pairs — how the plan groups changes.
    public var parents: [Parent]
    /// Where the node is in the desired file (or in live, for removals).
    public var location: JSONPath
    /// For `change`: the properties that differ. Empty for add and remove.
    public var properties: [Property]
    /// For add: the desired node; for remove: the live node.
    public var node: JSONValue?
    /// What this change risks on the next provisioning cycle.
    public var risks: [Risk]

    /// An enclosing node.
    public struct Parent: Hashable, Sendable {
        public var kind: KindName
        public var name: String
    }
}

/// A consequence of a change that a reviewer must see before approving it.
public struct Risk: Hashable, Sendable {
    /// The classes of risk the plan flags.
    public enum Class: String, Hashable, Sendable, CaseIterable {
        /// A scoping filter changed: objects leaving scope are disabled or deleted.
        case scopingFilter = "scoping-filter"
        /// Matching attributes or their precedence changed: existing objects may not be found.
        case matching
        /// Something is removed (needs `--allow-destructive`).
        case removal
        /// An attribute's type changes.
        case targetType = "target-type"
        /// `Delete` was added to an object mapping's flow types.
        case deleteFlow = "delete-flow"
        /// An object mapping was disabled or enabled.
        case objectMappingEnabled = "object-mapping-enabled"
    }

    public var riskClass: Class
    /// One line on what the change does to the next provisioning cycle.
    public var message: String

    public init(_ riskClass: Class, _ message: String) {
        self.riskClass = riskClass
        self.message = message
    }
}

/// The semantic difference between two schema files (both in normalized file form, variables
/// resolved): what a PUT of `desired` would change in `live`, grouped the way people review it.
public enum SchemaDiff {
    /// The changes from `live` to `desired`, in desired-file order, removals after what stays.
    public static func changes(live: JSONValue, desired: JSONValue) -> [Change] {
        var walker = Walker()
        walker.node(
            live.objectValue ?? JSONObject(), desired.objectValue ?? JSONObject(), kind: .schema, name: "schema",
            parents: [],
            at: .root)
        return walker.changes
    }

    private struct Walker {
        var changes: [Change] = []

        mutating func node(
            _ live: JSONObject, _ desired: JSONObject, kind name: KindName, name identity: String,
            parents: [Change.Parent],
            at path: JSONPath
        ) {
            let kind = SchemaKind.of(name)
            var properties: [Change.Property] = []
            var keys = live.keys
            for key in desired.keys where !live.contains(key) { keys.append(key) }
            for key in keys
            where key != "syncschema" && key != "$schema" && !kind.children.contains(where: { $0.key == key }) {
                let before = live[key].flatMap { kind.isDefault(key, $0) ? nil : $0 }
                let after = desired[key].flatMap { kind.isDefault(key, $0) ? nil : $0 }
                if before == after { continue }
                if kind.flags[key] != nil, case .string(let a)? = before, case .string(let b)? = after,
                    FlagsValue.sameSet(a, b)
                {
                    continue
                }
                properties.append(Change.Property(key: key, before: before, after: after))
            }
            let here = parents + [Change.Parent(kind: name, name: identity)]
            if !properties.isEmpty {
                let change = Change(
                    action: .change, kind: name, name: identity, parents: parents, location: path,
                    properties: properties,
                    node: nil, risks: [])
                changes.append(withRisks(change, live: .object(live), desired: .object(desired)))
            }
            for child in kind.children {
                list(
                    live[child.key]?.arrayValue ?? [], desired[child.key]?.arrayValue ?? [], child,
                    parents: name == .schema ? [] : here, at: path.appending(child.key))
            }
        }

        mutating func list(
            _ live: [JSONValue], _ desired: [JSONValue], _ child: SchemaKind.ChildList, parents: [Change.Parent],
            at path: JSONPath
        ) {
            var liveIndex: [String: [Int]] = [:]
            for (offset, element) in live.enumerated() {
                if let id = SchemaKind.identity(of: element, child.identity) {
                    liveIndex[id, default: []].append(offset)
                }
            }
            var used: [String: Int] = [:]
            var matched = Set<Int>()
            for (offset, element) in desired.enumerated() {
                let id = SchemaKind.identity(of: element, child.identity) ?? "#\(offset)"
                let occurrence = used[id, default: 0]
                used[id] = occurrence + 1
                if let offsets = liveIndex[id], occurrence < offsets.count {
                    let liveOffset = offsets[occurrence]
                    matched.insert(liveOffset)
                    node(
                        live[liveOffset].objectValue ?? JSONObject(), element.objectValue ?? JSONObject(),
                        kind: child.kind,
                        name: id, parents: parents, at: path.appending(offset))
                } else {
                    let change = Change(
                        action: .add, kind: child.kind, name: id, parents: parents, location: path.appending(offset),
                        properties: [], node: element, risks: [])
                    changes.append(withRisks(change, live: nil, desired: element))
                }
            }
            for (offset, element) in live.enumerated() where !matched.contains(offset) {
                let id = SchemaKind.identity(of: element, child.identity) ?? "#\(offset)"
                let change = Change(
                    action: .remove, kind: child.kind, name: id, parents: parents, location: path.appending(offset),
                    properties: [], node: element, risks: [])
                changes.append(withRisks(change, live: element, desired: nil))
            }
        }

        func withRisks(_ change: Change, live: JSONValue?, desired: JSONValue?) -> Change {
            var change = change
            change.risks = RiskRules.risks(of: change, live: live, desired: desired)
            return change
        }
    }
}

/// Which changes carry which risks (DESIGN §1: any schema change makes the next cycle an initial
/// cycle; scoping and matching changes can disable users).
public enum RiskRules {
    static func risks(of change: Change, live: JSONValue?, desired: JSONValue?) -> [Risk] {
        var risks: [Risk] = []
        let what = describe(change)
        if change.action == .remove {
            risks.append(
                Risk(
                    .removal,
                    "\(what) is removed; needs --allow-destructive. Data it provisioned is no longer maintained."))
        }
        switch change.kind {
        case .objectMapping:
            if change.action == .change {
                for property in change.properties {
                    switch property.key {
                    case "scope":
                        risks.append(
                            Risk(
                                .scopingFilter,
                                "scoping filter of \(what) changes: the next cycle re-evaluates every object, and users who leave scope are disabled or deleted"
                            ))
                    case "flowTypes":
                        let before = Set(FlagsValue.words(property.before?.stringValue ?? "Add,Update,Delete"))
                        let after = Set(FlagsValue.words(property.after?.stringValue ?? "Add,Update,Delete"))
                        if after.contains("Delete") && !before.contains("Delete") {
                            risks.append(
                                Risk(
                                    .deleteFlow,
                                    "Delete is added to the flow types of \(what): out-of-scope objects will be deleted in the target"
                                ))
                        }
                    case "enabled":
                        risks.append(
                            Risk(
                                .objectMappingEnabled,
                                property.after == false
                                    ? "\(what) is disabled: its objects stop being provisioned"
                                    : "\(what) is enabled: every source object in scope is provisioned on the next cycle"
                            ))
                    default: break
                    }
                }
            }
            if change.action == .add, let scope = desired?["scope"], scope != .null {
                risks.append(
                    Risk(
                        .scopingFilter,
                        "\(what) is added with a scoping filter: the next cycle evaluates every object against it"))
            }
        case .attributeMapping:
            let wasMatching = (live?["matchingPriority"]?.intValue ?? 0) > 0
            let isMatching = (desired?["matchingPriority"]?.intValue ?? 0) > 0
            let matchingChanged =
                change.action == .change
                && change.properties.contains {
                    $0.key == "matchingPriority" || ($0.key == "source" && (wasMatching || isMatching))
                }
            if (change.action != .change && (wasMatching || isMatching)) || matchingChanged {
                risks.append(
                    Risk(
                        .matching,
                        "matching on \(what) changes: existing objects that no longer match can be provisioned again as duplicates or left unmanaged"
                    ))
            }
        case .attribute:
            if let property = change.properties.first(where: { $0.key == "type" }) {
                let before = property.before?.stringValue ?? "String"
                let after = property.after?.stringValue ?? "String"
                risks.append(
                    Risk(
                        .targetType,
                        "type of \(what) changes from \(before) to \(after): mappings to it may start failing"))
            }
        default:
            break
        }
        return risks
    }

    /// `attribute mapping "displayName"`.
    public static func describe(_ change: Change) -> String {
        "\(label(change.kind)) \"\(change.name)\""
    }

    /// The words for a node kind.
    public static func label(_ kind: KindName) -> String {
        SchemaKind.of(kind).displayName
    }
}
