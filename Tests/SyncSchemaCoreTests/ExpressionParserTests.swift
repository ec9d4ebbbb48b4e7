import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// One expression quoted in the reference and the text the service prints for it.
struct DocumentedExpression: CustomTestStringConvertible, Sendable {
    let origin: String
    let text: String
    let canonical: String
    var testDescription: String { "\(origin): \(text)" }

    static func all() throws -> [DocumentedExpression] {
        let list = try Fixtures.json("expressions/documented.json").arrayValue ?? []
        return list.map {
            DocumentedExpression(
                origin: $0["origin"]?.stringValue ?? "", text: $0["text"]?.stringValue ?? "",
                canonical: $0["canonical"]?.stringValue ?? "")
        }
    }
}

@Suite struct ExpressionParserTests {
    @Test func documentedFixtureListIsComplete() throws {
        #expect(try DocumentedExpression.all().count >= 45)
    }

    @Test(arguments: try DocumentedExpression.all())
    func documentedExpressionPrintsCanonically(_ fixture: DocumentedExpression) throws {
        let expression = try ExpressionParser.parse(fixture.text)
        #expect(expression.canonicalText == fixture.canonical)
        // The canonical text is a fixed point.
        #expect(try ExpressionParser.parse(fixture.canonical) == expression)
        #expect(try ExpressionParser.parse(expression.prettyText(indentWidth: 2, lineWidth: 30)) == expression)
    }

    @Test func omittedArgumentsAreCountedByCommas() throws {
        #expect(try ExpressionParser.parse("F()") == .call(name: "F", arguments: []))
        #expect(try ExpressionParser.parse("F( \n )") == .call(name: "F", arguments: []))
        #expect(try ExpressionParser.parse("F([x], )") == .call(name: "F", arguments: [.attribute("x"), nil]))
        #expect(try ExpressionParser.parse("F(, [x])") == .call(name: "F", arguments: [nil, .attribute("x")]))
        #expect(try ExpressionParser.parse("F(,)") == .call(name: "F", arguments: [nil, nil]))
        #expect(try ExpressionParser.parse("F(\"\")") == .call(name: "F", arguments: [.string("")]))
    }

    @Test func literalsKeepTheirText() throws {
        #expect(
            try ExpressionParser.parse("F(1, -10, 1.5, &HF7, &hff, vbTextCompare, True)")
                == .call(
                    name: "F",
                    arguments: [
                        .number("1"), .number("-10"), .number("1.5"), .number("&HF7"), .number("&hff"),
                        .identifier("vbTextCompare"), .identifier("True"),
                    ]))
    }

    @Test func stringEscapes() throws {
        #expect(try ExpressionParser.parse(#""a\"b\\c\d""#) == .string(#"a"b\c\d"#))
        #expect(Expression.string(#"a"b\c\d\"#).canonicalText == #""a\"b\\c\\d\\""#)
        #expect(try ExpressionParser.parse(#""\\""#) == .string(#"\"#))
        #expect(try ExpressionParser.parse("\"line\nbreak é😀\"") == .string("line\nbreak é😀"))
    }

    @Test func attributeNamesMayHoldBracketsQuotesAndPunctuation() throws {
        #expect(
            try ExpressionParser.parse(#"[emails[type eq "work"].value]"#)
                == .attribute(#"emails[type eq "work"].value"#))
        #expect(try ExpressionParser.parse("[a[b[c]]d]") == .attribute("a[b[c]]d"))
        #expect(try ExpressionParser.parse("[extension_1a2b_x-y.z]") == .attribute("extension_1a2b_x-y.z"))
        // Quotes inside brackets are literal, so the first "]" closes the name.
        #expect(throws: ExpressionError.self) { try ExpressionParser.parse(#"[a "]" b]"#) }
    }

    @Test func comparisons() throws {
        for op in ComparisonOperator.allCases {
            let parsed = try ExpressionParser.parse("IIF([a]\(op.rawValue)\"1\", \"x\", \"y\")")
            #expect(
                parsed
                    == .call(
                        name: "IIF",
                        arguments: [.comparison(.attribute("a"), op, .string("1")), .string("x"), .string("y")]))
            #expect(parsed.canonicalText == "IIF([a]\(op.rawValue)\"1\", \"x\", \"y\")")
        }
        #expect(
            try ExpressionParser.parse("Len([x])<=-5")
                == .comparison(.call(name: "Len", arguments: [.attribute("x")]), .lessThanOrEqual, .number("-5")))
    }

    @Test func serviceSampleCanonicalText() throws {
        // reference §1.5: the parseExpression sample's request and response.
        let parsed = try ExpressionParser.parse(#"Replace([preferredLanguage], "-", , , "_", ,  )"#)
        #expect(parsed.canonicalText == #"Replace([preferredLanguage], "-", , , "_", , )"#)
        #expect(
            parsed
                == .call(
                    name: "Replace",
                    arguments: [.attribute("preferredLanguage"), .string("-"), nil, nil, .string("_"), nil, nil]))
    }

    @Test func prettyTextBreaksLongCallsAndKeepsShortOnesInline() throws {
        let expression = try ExpressionParser.parse(
            #"Replace(Join("", "OU=Elever,OU=", [urn:ietf:params:scim:schemas:extension:iktagder:1.0:User:schoolcode]), , "(\\W|\\w)+=,(\\W|\\w)+", , "OU=Default", , )"#
        )
        let pretty = expression.prettyText(indentWidth: 4, lineWidth: 80)
        #expect(
            pretty == """
                Replace(
                    Join(
                        "",
                        "OU=Elever,OU=",
                        [urn:ietf:params:scim:schemas:extension:iktagder:1.0:User:schoolcode]
                    ), ,
                    "(\\\\W|\\\\w)+=,(\\\\W|\\\\w)+", ,
                    "OU=Default", ,
                )
                """)
        #expect(try ExpressionParser.parse(pretty) == expression)
        #expect(
            Expression.call(name: "Mid", arguments: [.attribute("x"), .number("1"), .number("2")]).prettyText()
                == "Mid([x], 1, 2)")
    }
}

@Suite struct ExpressionParserErrorTests {
    func failure(_ text: String) -> ExpressionError? {
        do {
            _ = try ExpressionParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyInput() {
        let error = failure("   ")
        #expect(error?.column == 4)
        #expect(error?.message.contains("found end of input") == true)
        #expect(failure("")?.column == 1)
    }

    @Test func unclosedCallNamesWhereItOpened() throws {
        let text = #"Mid(Join("", [a], [b], 3"#
        let error = try #require(failure(text))
        #expect(error.message == "expected ')' to close Join( opened at column 5, found end of input")
        #expect(error.column == 25)
        #expect(error.offset == 24)
        #expect(error.caretDiagnostic(source: text) == text + "\n" + String(repeating: " ", count: 24) + "^")
        let inner = try #require(failure(#"Mid(Join("", [a], [b] 3)"#))
        #expect(inner.message == "expected ',' or ')' after argument 3 of Join( opened at column 5, found '3'")
        #expect(inner.column == 23)
    }

    @Test func unbalancedAttributeBrackets() throws {
        let text = "ToLower([emails[type eq \"work\"].value)"
        let error = try #require(failure(text))
        #expect(error.message == "expected ']' to close the attribute name opened at column 9, found end of input")
        #expect(error.column == 39)
        let stray = try #require(failure("ToLower([x]])"))
        #expect(stray.message == "expected ',' or ')' after argument 1 of ToLower( opened at column 1, found ']'")
        #expect(stray.column == 12)
        #expect(stray.caretDiagnostic(source: "ToLower([x]])") == "ToLower([x]])\n           ^")
        let empty = try #require(failure("F([])"))
        #expect(empty.column == 3)
        #expect(empty.message == "empty attribute name '[]'")
    }

    @Test func unterminatedString() throws {
        let text = #"Join(",", "a\")"#
        let error = try #require(failure(text))
        #expect(error.message == "expected '\"' to close the string opened at column 11, found end of input")
        #expect(error.column == 16)
    }

    @Test func trailingGarbage() throws {
        let error = try #require(failure("Mid([x], 1, 2) x"))
        #expect(error.message == "unexpected 'x' after the end of the expression")
        #expect(error.column == 16)
        #expect(failure("[a] = [b] = [c]")?.column == 11)
        #expect(failure("F(x))")?.column == 5)
        let ampersand = try #require(failure(#"IIF([employeeType]="Intern","t-" & [alias],[alias])"#))
        #expect(ampersand.column == 34)
        #expect(ampersand.message.hasPrefix("expected ',' or ')' after argument 2 of IIF("))
    }

    @Test func badLiterals() {
        #expect(failure("F(-x)")?.message == "expected a digit after '-', found 'x'")
        #expect(failure("F(1.)")?.column == 5)
        #expect(failure("F(&G1)")?.column == 4)
        #expect(failure("F(&H)")?.message == "expected hexadecimal digits after '&H', found ')'")
        #expect(failure("F([a] =)")?.message == "expected a value after '=' at column 7, found ')'")
        #expect(failure("F(@)")?.column == 3)
        #expect(failure("F(é)")?.message.hasSuffix("found 'é'") == true)
    }

    @Test func multiLineErrorsShowTheOffendingLine() throws {
        let text = "IIF(Len([LastName]) <= 5,\n\t\"short\",\n\tLeft([LastName] 5))"
        let error = try #require(failure(text))
        #expect(error.line == 3)
        #expect(error.column == 18)
        #expect(
            error.description.hasPrefix(
                "line 3, column 18: expected ',' or ')' after argument 1 of Left( opened at line 3, column 2"))
        #expect(error.caretDiagnostic(source: text) == "line 3:\n\tLeft([LastName] 5))\n\t                ^")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let text = "Join(\"é😀\", [a] [b])"
        let error = try #require(failure(text))
        #expect(error.column == 16)
        #expect(error.offset == 15)
        #expect(error.caretDiagnostic(source: text) == text + "\n" + String(repeating: " ", count: 15) + "^")
    }

    @Test func longLinesAreWindowedInCaretDiagnostics() throws {
        let text = "Join(" + String(repeating: "\"x\", ", count: 100) + "\"y\" \"z\")"
        let error = try #require(failure(text))
        let lines = error.caretDiagnostic(source: text).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2)
        #expect(lines[0].count <= 122)
        #expect(lines[0].hasPrefix("…"))
        let caret = lines[1].count - 1
        let line0 = Array(lines[0])
        #expect(line0[caret] == "\"")
        #expect(String(line0[caret...]).hasPrefix("\"z\""))
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let depth = ExpressionParser.maximumDepth
        let fine = String(repeating: "F(", count: depth) + "[x]" + String(repeating: ")", count: depth)
        #expect(failure(fine) == nil)
        let deep = String(repeating: "F(", count: depth + 2) + "[x]" + String(repeating: ")", count: depth + 2)
        #expect(failure(deep)?.message.contains("nested too deeply") == true)
    }

    @Test func tenMegabyteInputsParseOrFailInLinearTime() throws {
        let size = 10_000_000
        let clock = ContinuousClock()
        let start = clock.now
        let nested = String(repeating: "F(", count: size / 2)
        #expect(failure(nested)?.message.contains("nested too deeply") == true)
        let openBrackets = String(repeating: "[", count: size)
        #expect(failure(openBrackets)?.column == size + 1)
        let longString = "\"" + String(repeating: "ab\\\"", count: size / 4) + "\""
        let parsed = try ExpressionParser.parse(longString)
        #expect(parsed == .string(String(repeating: "ab\"", count: size / 4)))
        let manyArguments = "Join(\"\"" + String(repeating: ", [a]", count: size / 5) + ")"
        if case .call(_, let arguments) = try ExpressionParser.parse(manyArguments) {
            #expect(arguments.count == size / 5 + 1)
        } else {
            Issue.record("expected a call")
        }
        let unclosed = "Join(\"\"" + String(repeating: ", [a]", count: size / 5)
        #expect(failure(unclosed)?.message == "expected ')' to close Join( opened at column 1, found end of input")
        let garbage = String(repeating: " ", count: size) + "Guid() x"
        #expect(failure(garbage)?.column == size + 8)
        // Generous bound for a debug build on a shared machine; quadratic behaviour would take hours.
        #expect(clock.now - start < .seconds(120))
    }
}
