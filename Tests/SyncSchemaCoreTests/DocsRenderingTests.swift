import SyncSchemaCore
import Testing

/// The pieces of `syncschema docs` that golden files do not pin: escaping, words for settings,
/// substitution. (The golden tests are in SyncSchemaCLITests/DocsAndPayloadCommandTests.swift.)
@Suite struct DocsRenderingTests {
    static let file: JSONValue = [
        "syncschema": 1,
        "directories": [
            [
                "name": "Src",
                "objects": [
                    [
                        "name": "user",
                        "attributes": [["name": "a|b"], ["name": "x`y", "multivalued": true, "required": true]],
                    ]
                ],
            ],
            ["name": "Dst", "objects": [["name": "User", "attributes": [["name": "t"]]]]],
        ],
        "synchronizationRules": [
            [
                "name": "R", "sourceDirectoryName": "Src", "targetDirectoryName": "Dst",
                "objectMappings": [
                    [
                        "name": "M", "enabled": false, "sourceObjectName": "user", "targetObjectName": "User",
                        "flowTypes": "Add,Update",
                        "scope": [
                            "groups": [
                                [
                                    "name": "g",
                                    "clauses": [
                                        [
                                            "operatorName": "IS FALSE", "sourceOperandName": "gone",
                                            "targetOperand": ["values": ["ignored"]],
                                        ],
                                        [
                                            "operatorName": "EQUALS", "sourceOperandName": "city",
                                            "targetOperand": ["values": ["O'Hare"]],
                                        ],
                                    ],
                                ]
                            ]
                        ],
                        "attributeMappings": [
                            [
                                "targetAttributeName": "t", "source": "Append([a|b], \"${suffix}\")",
                                "flowType": "ObjectAddOnly", "flowBehavior": "FlowAlways",
                            ],
                            ["targetAttributeName": "u", "source": "[b]", "matchingPriority": 2],
                            ["targetAttributeName": "v", "source": "[c]", "matchingPriority": 1],
                        ],
                    ]
                ],
            ]
        ],
    ]

    @Test func settingsInWords() {
        let markdown = SchemaDocumentation().render(Self.file, app: "app").markdown
        #expect(markdown.contains("- **Enabled:** **no** (this mapping provisions nothing)"))
        #expect(markdown.contains("- **Target object actions:** create and update"))
        #expect(markdown.contains("  - `gone IS FALSE AND city EQUALS 'O''Hare'` (g)"))
        #expect(markdown.contains("  1. `v` matched with `[c]`\n  2. `u` matched with `[b]`"))
        #expect(markdown.contains("| only on create, even when unchanged |"))
        #expect(markdown.contains("| `x`` `y` | String | required, multi-valued |") == false)
        #expect(markdown.contains("| ``x`y`` | String | required, multi-valued |"))
        #expect(markdown.contains("| `a\\|b` | String |  |"))
    }

    @Test func variablesArePlaceholdersUnlessAnEnvironmentIsGiven() {
        let documentation = SchemaDocumentation()
        let plain = documentation.render(Self.file, app: "app")
        #expect(plain.markdown.contains(#"`Append([a\|b], "${suffix}")`"#))
        #expect(plain.diagnostics.isEmpty)
        let filled = documentation.render(
            Self.file, app: "app", environment: .init(name: "dev", variables: ["suffix": "-dev"]))
        #expect(filled.markdown.contains(#"`Append([a\|b], "-dev")`"#))
        let missing = documentation.render(Self.file, app: "app", environment: .init(name: "dev", variables: [:]))
        #expect(missing.diagnostics.map(\.code) == ["unknown-variable"])
    }

    @Test func renderingIsDeterministic() {
        let documentation = SchemaDocumentation()
        #expect(
            documentation.render(Self.file, app: "app").markdown == documentation.render(Self.file, app: "app").markdown
        )
        #expect(documentation.render(Self.file, app: "app").markdown.hasSuffix("|\n"))
    }
}
