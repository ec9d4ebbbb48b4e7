import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// Random raw Graph schema documents: known properties at default and non-default values,
/// server-owned values, unknown properties of every JSON kind (numbers like `1.0`, nested
/// objects, strings holding `${`), flags strings with random spacing, and mapping sources
/// compiled from random expressions over built-in functions.
struct RawSchemaGenerator {
    var random: SeededGenerator

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func pick<T>(_ options: [T]) -> T { options[int(0...options.count - 1)] }

    mutating func text() -> String {
        let pieces = ["a", "Z", " ", "${", "$${", "}", "${x}", "\"", "\\", "é", "😀", "\n", ":", "1.0", "-"]
        return (0..<int(0...6)).map { _ in pick(pieces) }.joined()
    }

    mutating func number() -> JSONValue {
        .number(JSONNumber(literal: pick(["1.0", "0", "-0", "1e5", "2.50", "12345678901234567890123", "-7", "0.1"])))
    }

    /// Any JSON value, nested at most `depth` levels.
    mutating func value(depth: Int) -> JSONValue {
        switch int(0...(depth > 0 ? 7 : 4)) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return number()
        case 3, 4: return .string(text())
        case 5: return .array((0..<int(0...3)).map { _ in value(depth: depth - 1) })
        default:
            var object = JSONObject()
            for _ in 0..<int(0...3) {
                object[pick(["k", "${k}", "value", "1.0", "é"]) + text()] = value(depth: depth - 1)
            }
            return .object(object)
        }
    }

    /// Adds a few properties no kind knows (names far from every known key).
    mutating func unknowns(_ object: inout JSONObject) {
        for _ in 0..<int(0...2) {
            object[
                pick(["futureProperty", "x-annotation", "${templated}Key", "weight", "graphExtra"])
                    + pick(["", "2", "${n}"])] =
                value(depth: 2)
        }
    }

    /// A flags string of `words` (some unknown), randomly spaced.
    mutating func flags(_ words: [String]) -> JSONValue {
        var chosen = (0..<int(1...3)).map { _ in pick(words) }
        if chance(10) { chosen.append("FutureFlag") }
        return .string(chosen.map { pick(["", " ", "  "]) + $0 + pick(["", " "]) }.joined(separator: ","))
    }

    /// `value` when the coin says non-default, otherwise the default, sometimes as `null`/absent.
    mutating func set(_ object: inout JSONObject, _ key: String, default defaultValue: JSONValue, other: JSONValue) {
        switch int(0...3) {
        case 0: break  // absent
        case 1: object[key] = defaultValue
        case 2 where defaultValue == [] || defaultValue == .null: object[key] = .null
        default: object[key] = other
        }
    }

    mutating func metadata() -> JSONValue {
        .array(
            (0..<int(1...2)).map { _ in
                ["key": .string(pick(["IsSoftDeletionSupported", "Anchor"])), "value": .string(text())]
            })
    }

    mutating func attribute(name: String) -> JSONValue {
        var object = JSONObject([("name", .string(name))])
        for key in ["anchor", "caseExact", "flowNullValues", "multivalued", "required"] {
            set(&object, key, default: false, other: true)
        }
        set(
            &object, "type", default: "String",
            other: .string(pick(["Integer", "Reference", "Binary", "Boolean", "DateTime"])))
        set(&object, "mutability", default: "ReadWrite", other: .string(pick(["ReadOnly", "Immutable", "WriteOnly"])))
        set(&object, "defaultValue", default: .null, other: .string(text()))
        set(
            &object, "referencedObjects", default: [],
            other: [["referencedObjectName": "User", "referencedProperty": .null]])
        set(&object, "apiExpressions", default: [], other: [["key": "Get", "value": .string(text())]])
        set(&object, "metadata", default: [], other: metadata())
        unknowns(&object)
        return .object(object)
    }

    mutating func directory(name: String) -> (JSONValue, [String: [String]]) {
        var object = JSONObject([("name", .string(name))])
        if chance(50) { object["id"] = .string("dir-\(int(0...999))") }
        if chance(30) { object["version"] = .string("v\(int(0...9))") }
        if chance(30) { object["discoveryDateTime"] = chance(50) ? .null : "2026-11-23T10:15:00Z" }
        set(&object, "readOnly", default: false, other: true)
        if chance(70) {
            object["discoverabilities"] = flags(["None", "AttributeNames", "AttributeDataTypes", "ReferenceAttributes"])
        }
        set(&object, "metadata", default: [], other: metadata())
        unknowns(&object)
        var catalog: [String: [String]] = [:]
        var objects: [JSONValue] = []
        for o in 0..<int(1...3) {
            let objectName =
                o == 0 ? "User" : pick(["Group", "Contact", "urn:ietf:params:scim:schemas:core:2.0:User"]) + "\(o)"
            var node = JSONObject([("name", .string(objectName))])
            set(&node, "supportedApis", default: [], other: ["SCIM"])
            set(&node, "metadata", default: [], other: metadata())
            unknowns(&node)
            let names = Array(
                Set(
                    (0..<int(1...6)).map { _ in
                        pick(["mail", "userName", "displayName", "ext_${a}", "é", "z"]) + "\(int(0...20))"
                    })
            )
            .shuffled(using: &random)
            node["attributes"] = .array(names.map { attribute(name: $0) })
            catalog[objectName] = names
            objects.append(.object(node))
        }
        object["objects"] = .array(objects.shuffled(using: &random))
        return (.object(object), catalog)
    }

    /// A random expression calling only built-in functions with argument counts they accept.
    mutating func expression(attributes: [String], depth: Int) -> Expression {
        guard depth > 0, chance(70) else {
            switch int(0...3) {
            case 0, 1: return .attribute(pick(attributes))
            case 2: return .string(text())
            default: return .number(pick(["1", "-2", "3.5", "&HF"]))
            }
        }
        func sub() -> Expression { expression(attributes: attributes, depth: depth - 1) }
        switch int(0...7) {
        case 0:
            return .call(
                name: "Join", arguments: [.string(pick([" ", ",", ""]))] + (0..<int(1...3)).map { _ in sub() })
        case 1: return .call(name: "ToLower", arguments: chance(50) ? [sub()] : [sub(), nil])
        case 2: return .call(name: "Append", arguments: [sub(), sub()])
        case 3:
            return .call(
                name: "IIF",
                arguments: [.comparison(sub(), pick(ComparisonOperator.allCases), .string(text())), sub(), sub()])
        case 4:
            return .call(
                name: "Replace", arguments: [sub(), nil, .string("(?<n>\\d+)"), nil, .string("${n}"), nil, nil])
        case 5: return .call(name: "Coalesce", arguments: (0..<int(1...3)).map { _ in sub() })
        case 6: return .call(name: "Mid", arguments: [sub(), .number("1"), .number(String(int(1...9)))])
        default: return .call(name: pick(["Guid", "Now"]), arguments: [])
        }
    }

    mutating func attributeMapping(target: String, attributes: [String]) throws -> JSONValue {
        var object = JSONObject([("targetAttributeName", .string(target))])
        if chance(85) {
            var tree = try MappingSource.compile(expression(attributes: attributes, depth: 3), functions: .builtIn)
            if chance(10), case .object(var node) = tree {
                node["futureNodeProperty"] = number()  // a property of the tree Graph may add one day
                tree = .object(node)
            }
            object["source"] = tree
        } else {
            set(&object, "source", default: .null, other: .null)
        }
        set(&object, "defaultValue", default: .null, other: .string(text()))
        set(&object, "matchingPriority", default: 0, other: .int(int(1...3)))
        set(
            &object, "flowType", default: "Always",
            other: .string(pick(["ObjectAddOnly", "MultiValueAddOnly", "ValueAddOnly"])))
        set(&object, "flowBehavior", default: "FlowWhenChanged", other: "FlowAlways")
        set(&object, "exportMissingReferences", default: false, other: true)
        unknowns(&object)
        return .object(object)
    }

    mutating func rule(index: Int, directories: [String], catalogs: [String: [String: [String]]]) throws -> JSONValue {
        let source = pick(directories)
        let target = pick(directories)
        var object = JSONObject([
            ("name", .string("RULE_\(index)_${x}")), ("sourceDirectoryName", .string(source)),
            ("targetDirectoryName", .string(target)),
        ])
        if chance(70) { object["id"] = .string("rule-\(index)") }
        if chance(70) { object["priority"] = chance(80) ? .int(int(1...5)) : number() }
        if chance(70) { object["editable"] = .bool(chance(50)) }
        set(&object, "containerFilter", default: .null, other: ["includedContainers": ["OU=${ou},DC=contoso"]])
        set(&object, "groupFilter", default: .null, other: ["includedGroups": [.string(text())]])
        set(&object, "metadata", default: [], other: metadata())
        unknowns(&object)
        var mappings: [JSONValue] = []
        for m in 0..<int(0...3) {
            let sourceObject = pick(Array(catalogs[source]!.keys).sorted())
            let targetObject = pick(Array(catalogs[target]!.keys).sorted())
            var mapping = JSONObject([
                ("sourceObjectName", .string(sourceObject)), ("targetObjectName", .string(targetObject)),
            ])
            switch int(0...9) {
            case 0: mapping["sourceObjectName"] = .string("Only\(m)")  // identified by its object pair
            case 1:
                mapping["name"] = ""
                mapping["sourceObjectName"] = .string("Empty\(m)")
            default: mapping["name"] = .string("Mapping \(m) ${weird}")
            }
            if chance(80) { mapping["enabled"] = .bool(chance(70)) }
            if chance(80) { mapping["flowTypes"] = flags(["Add", "Update", "Delete", "None"]) }
            set(
                &mapping, "scope", default: .null,
                other: [
                    "groups": [
                        [
                            "clauses": [
                                [
                                    "operatorName": "EQUALS", "sourceOperandName": "mail1",
                                    "targetOperand": ["values": [.string(text())]],
                                ]
                            ]
                        ]
                    ]
                ])
            set(&mapping, "metadata", default: [], other: metadata())
            unknowns(&mapping)
            let attributes = catalogs[source]![sourceObject] ?? ["fallback"]
            let targets = Array(
                Set(
                    (0..<int(0...5)).map { _ in
                        pick(["mail", "displayName", "ext_${a}", "é", "manager"]) + "\(int(0...9))"
                    }))
            mapping["attributeMappings"] = .array(
                try targets.map { try attributeMapping(target: $0, attributes: attributes) })
            mappings.append(.object(mapping))
        }
        object["objectMappings"] = .array(mappings)
        return .object(object)
    }

    mutating func schema() throws -> JSONValue {
        var root = JSONObject()
        if chance(70) { root["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#schema" }
        if chance(70) { root["id"] = .string("API2AAD.\(int(0...999))") }
        if chance(50) { root["version"] = .string("Date:\(int(0...999))") }
        unknowns(&root)
        var catalogs: [String: [String: [String]]] = [:]
        var directories: [JSONValue] = []
        for d in 0..<int(1...3) {
            let name = pick(["API", "Azure Active Directory", "Active Directory", "${dir}"]) + (d == 0 ? "" : " \(d)")
            let (directory, catalog) = directory(name: name)
            catalogs[name] = catalog
            directories.append(directory)
        }
        root["directories"] = .array(directories)
        let names = directories.compactMap { $0["name"]?.stringValue }
        root["synchronizationRules"] = .array(
            try (0..<int(0...2)).map { try rule(index: $0, directories: names, catalogs: catalogs) })
        return .object(root)
    }
}

@Suite struct RandomSchemaTests {
    let codec = MappingSourceCodec.standard()

    @Test(arguments: [UInt64(7), 0x5EED, 2026])
    func randomSchemasRoundTrip(seed: UInt64) throws {
        var generator = RawSchemaGenerator(random: SeededGenerator(seed: seed))
        let normalizer = Normalizer(codec: codec)
        let renderer = Renderer(codec: codec)
        var mappingCount = 0
        for iteration in 0..<120 {
            let raw = try generator.schema()
            let file = try normalizer.normalize(raw)
            let context = "seed \(seed) iteration \(iteration)\n\(JSONWriter().string(raw))"

            let onto = try renderer.render(file, live: raw)
            #expect(
                onto == raw,
                "render(normalize(raw), live: raw)\n\(lineDiff(JSONWriter().string(raw), JSONWriter().string(onto)))\n\(context)"
            )
            let offline = try renderer.render(file, live: nil)
            let fromOffline = try normalizer.normalize(offline)
            #expect(
                fromOffline == file,
                "normalize(render(file))\n\(lineDiff(JSONWriter().string(file), JSONWriter().string(fromOffline)))\n\(context)"
            )
            #expect(try normalizer.normalize(onto) == file, "normalize(render(file, live: raw))\n\(context)")
            #expect(normalizer.format(file) == file, "format(file)\n\(context)")
            #expect(try JSONParser.parse(JSONWriter().string(file)) == file, "written file re-parses\n\(context)")
            mappingCount +=
                raw["synchronizationRules"]?.arrayValue?.reduce(0) {
                    $0 + ($1["objectMappings"]?.arrayValue?.count ?? 0)
                } ?? 0
        }
        // The generator really builds mappings, not only directories.
        #expect(mappingCount > 50)
    }
}
