import SyncSchemaCore
import Testing

@Suite struct ExpressionCheckTests {
    func problems(_ text: String, attributes: Set<String>? = nil) throws -> [ExpressionProblem] {
        checkExpression(try ExpressionParser.parse(text), functions: .builtIn, knownAttributes: attributes)
    }

    func codes(_ text: String, attributes: Set<String>? = nil) throws -> [String] {
        try problems(text, attributes: attributes).map(\.code)
    }

    @Test func documentedExpressionsAreClean() throws {
        for fixture in try DocumentedExpression.all() {
            let found = try problems(fixture.text).filter { $0.severity == .error }
            // Trim is Cloud Sync only; the built-in table is app provisioning.
            if fixture.text.hasPrefix("Trim(") {
                #expect(found.map(\.code) == ["unknown-function"])
            } else {
                #expect(found.isEmpty, "\(fixture.text): \(found)")
            }
        }
    }

    @Test func unknownFunctionSuggestsTheNearestName() throws {
        let found = try problems(#"Jion("", [a])"#)
        #expect(
            found == [ExpressionProblem(.error, "unknown-function", "unknown function 'Jion'; did you mean 'Join'?")])
        #expect(try problems("Frobnicate([a])").first?.message == "unknown function 'Frobnicate'")
        #expect(
            try problems("NormaliseDiacritics([a])").first?.message.hasSuffix("did you mean 'NormalizeDiacritics'?")
                == true)
    }

    @Test func arity() throws {
        #expect(try codes("Mid([a], 1)") == ["too-few-arguments"])
        #expect(try codes("Mid([a], 1, 2, 3)") == ["too-many-arguments"])
        #expect(try problems("Not()").first?.message == "Not needs at least 1 argument (source), found 0")
        #expect(try codes("Mid([a], , 3)") == ["missing-argument"])
        #expect(try codes(#"Replace([a], , , , , , , )"#) == ["too-many-arguments"])
        #expect(try codes(#"Join(",")"#) == ["too-few-arguments"])
        #expect(try codes(#"Join(",", [a], [b], [c], [d])"#).isEmpty)
        #expect(try codes(#"FormatDateTime([a], "in", "out")"#) == ["too-few-arguments"])
        #expect(try codes(#"Switch([a], "d", "k")"#) == ["switch-pairs"])
        #expect(try codes(#"Switch([a], "d")"#) == ["switch-pairs"])
        #expect(try codes(#"Switch([a], , "k", "v")"#).isEmpty)
        #expect(try codes("Guid([a])") == ["too-many-arguments", "nondeterministic-function"])
    }

    @Test func casingIsAWarning() throws {
        let found = try problems(#"switch([companyName], , "a", "b")"#)
        #expect(found.map(\.code) == ["function-name-case"])
        #expect(found.first?.severity == .warning)
        #expect(found.first?.message.contains("'Switch'") == true)
    }

    @Test func attributesAreCheckedWhenKnown() throws {
        let known: Set<String> = ["givenName", "surname", "mail"]
        #expect(try codes("Join(\" \", [givenName], [surname])", attributes: known).isEmpty)
        let found = try problems("Join(\" \", [givenname], [surnme], [surnme], [employeeId])", attributes: known)
        #expect(found.map(\.code) == ["attribute-name-case", "unknown-attribute", "unknown-attribute"])
        #expect(found[1].message == "attribute [surnme] is not defined by the source object; did you mean [surname]?")
        #expect(found[2].message == "attribute [employeeId] is not defined by the source object")
        #expect(try codes("[x]", attributes: nil).isEmpty)
    }

    @Test func lengthLimit() throws {
        let exactly = Expression.string(String(repeating: "a", count: Expression.maximumLength - 2))
        #expect(checkExpression(exactly, functions: .builtIn, knownAttributes: nil).isEmpty)
        let over = Expression.string(String(repeating: "a", count: Expression.maximumLength - 1))
        #expect(checkExpression(over, functions: .builtIn, knownAttributes: nil).map(\.code) == ["expression-too-long"])
    }

    @Test func emptyConstants() throws {
        #expect(try codes(#""""#) == ["empty-constant"])
        #expect(try codes(#"Switch([a], "", "1", "x")"#) == ["empty-constant"])
        #expect(try codes(#"Coalesce([a], [b], "")"#) == ["empty-constant"])
        // An empty replacement value is meaningful.
        #expect(try codes(#"Replace([mobile], , "[()\\s-]+", , "", , )"#).isEmpty)
    }

    @Test func nondeterministicFunctionsAreFlaggedOnce() throws {
        let found = try problems(#"Join("-", Guid(), Guid(), Now(), RandomString(6, 3, 0, 0, 3))"#)
        #expect(found.map(\.code) == Array(repeating: "nondeterministic-function", count: 3))
        #expect(found.allSatisfy { $0.severity == .note })
        #expect(try ExpressionParser.parse("ToLower(guid())").usesNondeterministicFunction)
        #expect(!(try ExpressionParser.parse("ToLower([guid])").usesNondeterministicFunction))
    }

    @Test func selectUniqueValueOnlyAtTheTop() throws {
        #expect(try codes(#"SelectUniqueValue([a], [b])"#).isEmpty)
        #expect(try codes(#"SelectUniqueValue([a])"#) == ["too-few-arguments"])
        #expect(try codes(#"ToLower(SelectUniqueValue([a], [b]))"#) == ["nested-select-unique-value"])
    }

    @Test func comparisonsBelongInConditions() throws {
        #expect(try codes(#"IIF([a] = "1", "x", "y")"#).isEmpty)
        #expect(try codes(#"CBool([a] = [b])"#).isEmpty)
        #expect(try codes(#"IIF([a], [b] = "1", "y")"#) == ["comparison-context"])
        #expect(try codes(#"[a] = [b]"#) == ["comparison-context"])
    }
}

@Suite struct ExpressionEscapeWarningTests {
    @Test func unknownEscapesInStringsAreWarnedAbout() {
        let found = ExpressionParser.escapeWarnings(in: #"Replace([a\d], , "\d+\\s\"", , "[\x]", , )"#)
        #expect(found.map(\.code) == ["unknown-escape", "unknown-escape"])
        #expect(
            found.first?.message
                == #"'\d' at column 19 is not an escape; the backslash is kept as is (write '\\d' to say so)"#)
        #expect(found.last?.message.hasPrefix(#"'\x' at column 34"#) == true)
        #expect(
            ExpressionParser.escapeWarnings(in: "Join(\"\",\n  \"\\q\")").first?.message.hasPrefix(
                "'\\q' at line 2, column 4") == true)
        #expect(ExpressionParser.escapeWarnings(in: #"Replace([mobile], , "[()\\s-]+", , "", , )"#).isEmpty)
    }
}
