import SyncSchemaCore
import Testing

@Suite struct TemplatizeTests {
    let appId = "0b3e51c2-a0b7-4b4e-8c3b-2b1f6f0e9d11"

    @Test func extensionPrefixAndPlainValuesBecomeVariables() {
        let file: JSONValue = [
            "syncschema": 1,
            "names": [
                "extension_0b3e51c2a0b74b4e8c3b2b1f6f0e9d11_badgeId", "Join(\"@\", [mailNickname], \"contoso.com\")",
            ],
        ]
        let (result, warnings) = Templatizer.templatize(
            file, variables: ["extensionAppId": appId, "domain": "contoso.com"])
        #expect(warnings.isEmpty)
        #expect(
            result["names"] == ["extension_${extensionAppId}_badgeId", "Join(\"@\", [mailNickname], \"${domain}\")"])
    }

    @Test func renderingGivesTheTenantValuesBack() throws {
        var diagnostics: [Diagnostic] = []
        let text = Variables.substitute(
            "extension_${extensionAppId}_badgeId ${extensionAppId}", values: ["extensionAppId": appId], at: .root,
            into: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(text == "extension_0b3e51c2a0b74b4e8c3b2b1f6f0e9d11_badgeId \(appId)")
    }

    @Test func shortAndAmbiguousValuesAreLeftAloneWithAWarning() {
        let file: JSONValue = ["syncschema": 1, "a": "US region EU", "b": "shared-value here"]
        let (result, warnings) = Templatizer.templatize(
            file, variables: ["country": "US", "first": "shared-value", "second": "shared-value"])
        #expect(result == file)
        #expect(Set(warnings.map(\.code)) == ["short-variable", "ambiguous-variable"])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func longerValuesWinOverValuesTheyContain() {
        let file: JSONValue = ["syncschema": 1, "a": "mail.contoso.com"]
        let (result, _) = Templatizer.templatize(
            file, variables: ["domain": "contoso.com", "mailDomain": "mail.contoso.com"])
        #expect(result["a"] == "${mailDomain}")
    }
}
