import SyncSchemaCore
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: ["1", "1.0", "0", "-0", "1e10", "1.5E-3", "123456789012345678901234567890", "-12.50"])
    func numbersKeepTheirLiteralText(_ literal: String) throws {
        let value = try JSONParser.parse("[\(literal)]")
        #expect(value == .array([.number(JSONNumber(literal: literal))]))
        #expect(JSONWriter.compact(value) == "[\(literal)]")
    }

    @Test func booleansAreNotNumbers() throws {
        let value = try JSONParser.parse(#"{"a": true, "b": 1, "c": false, "d": 0}"#)
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .int(1))
        #expect(value["a"] != value["b"])
        #expect(value["c"] != value["d"])
    }

    @Test func stringsDecodeEscapesAndUnicode() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", "é😀", "\u0000"]"#)
        #expect(value == .array(["a\"b\\c/d\n", "é😀", "é😀", "\u{0}"]))
    }

    @Test func escapesMixWithMultiByteText() throws {
        let value = try JSONParser.parse(#"["é\n😀\u00e9x", "\"日本\"", "plain é"]"#)
        #expect(value == .array(["é\n😀éx", "\"日本\"", "plain é"]))
    }

    /// The byte-level UTF-8 check accepts exactly what Swift's own decoder accepts.
    @Test func utf8ValidationMatchesTheStandardDecoder() {
        var sequences: [[UInt8]] = [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xE2, 0x28, 0xA1], [0x80], [0xFF],
        ]
        for lead in UInt8(0xC2)...0xF4 {
            for second in [UInt8(0x7F), 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0] {
                sequences.append([lead, second, 0x80, 0x80].prefix(lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2).map { $0 })
            }
        }
        for sequence in sequences {
            let parsed = (try? JSONParser.parse(bytes: [0x22] + sequence + [0x22])) != nil
            var iterator = sequence.makeIterator()
            var decoder = UTF8()
            var valid = false
            if case .scalarValue = decoder.decode(&iterator), iterator.next() == nil { valid = true }
            #expect(parsed == valid, "\(sequence.map { String($0, radix: 16) })")
        }
    }

    @Test func objectRemovalKeepsOrderAndLookups() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3), ("d", 4)])
        object["b"] = nil
        object["a"] = 10
        object["e"] = 5
        #expect(object.keys == ["a", "c", "d", "e"])
        #expect(object["c"] == 3 && object["d"] == 4 && object["e"] == 5 && object["b"] == nil)
        let reordered = JSONObject([("e", 5), ("d", 4), ("c", 3), ("a", 10)])
        #expect(object == reordered)
        #expect(object.hashValue == reordered.hashValue)
        #expect(Set([JSONValue.object(object), .object(reordered)]).count == 1)
        #expect(object != JSONObject([("e", 5), ("d", 4), ("c", 3), ("a", 11)]))
    }

    @Test func objectKeysKeepTheirOrderButCompareUnordered() throws {
        let first = try JSONParser.parse(#"{"b": 1, "a": 2}"#)
        let second = try JSONParser.parse(#"{"a": 2, "b": 1}"#)
        #expect(first == second)
        #expect(first.objectValue?.keys == ["b", "a"])
        #expect(JSONWriter.compact(first) == #"{ "b": 1, "a": 2 }"#)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a quoted key"),
        ("{\"a\" 1}", 1, 6, "expected ':' after key \"a\""),
        ("[1, 2", 1, 6, "expected ',' or ']' in array"),
        ("\n  \"abc", 2, 3, "unterminated string"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""),
        ("01", 1, 2, "leading zeros are not allowed in numbers"),
        ("tru", 1, 1, "invalid literal, expected true"),
        ("\"\\x\"", 1, 3, "invalid escape \\x in a string"),
        ("", 1, 1, "unexpected end of input, expected a value"),
        ("[] []", 1, 4, "unexpected text after the end of the JSON document"),
        ("\"é\u{1}\"", 1, 3, "control character 0x1 in a string must be escaped"),
    ])
    func malformedInputReportsLineAndColumn(_ input: String, _ line: Int, _ column: Int, _ message: String) {
        #expect(throws: JSONSyntaxError(message: message, line: line, column: column)) {
            try JSONParser.parse(input)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let input = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
    }

    @Test func invalidUTF8IsAnError() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes: [0x22, 0xFF, 0x22]) }
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("1".utf8)) == .int(1))
    }
}

@Suite struct JSONWriterTests {
    @Test func smallContainersStayOnOneLine() throws {
        let value: JSONValue = ["name": "User", "attributes": [["name": "a", "anchor": true], ["name": "b"]]]
        #expect(
            JSONWriter().string(value)
                == #"{ "name": "User", "attributes": [{ "name": "a", "anchor": true }, { "name": "b" }] }"# + "\n")
    }

    @Test func largeContainersExpandOneMemberPerLine() throws {
        let long = String(repeating: "x", count: 100)
        let value: JSONValue = ["items": [["name": .string(long)], ["name": "short"]], "empty": [:], "none": []]
        let expected = """
            {
              "items": [
                { "name": "\(long)" },
                { "name": "short" }
              ],
              "empty": {},
              "none": []
            }

            """
        #expect(JSONWriter().string(value) == expected)
    }

    @Test func theLineLimitCountsIndentationKeyAndComma() {
        // A member whose inline form is exactly at the limit stays inline; one more character expands it.
        for extra in 0...1 {
            // `  "k": { "v": "…" },` is 19 columns around the text.
            let text = String(repeating: "y", count: 120 - 19 + extra)
            let value: JSONValue = ["k": ["v": .string(text)], "z": 1]
            let output = JSONWriter().string(value)
            let line = output.split(separator: "\n")[1]
            if extra == 0 {
                #expect(line.count == 120)
            } else {
                #expect(line.hasSuffix("{"))
            }
        }
    }

    @Test func escapingIsMinimalAndValid() throws {
        let value: JSONValue = .string("quote\" back\\ nl\n tab\t bell\u{7} é 😀 /")
        let text = JSONWriter.compact(value)
        #expect(text == #""quote\" back\\ nl\n tab\t bell\u0007 é 😀 /""#)
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func outputIsDeterministicAndReparses() throws {
        let value = try JSONParser.parse(#"{"z": [1.0, 2, {"q": null}], "a": "x", "m": {"n": [true, false]}}"#)
        let once = JSONWriter().string(value)
        #expect(once == JSONWriter().string(try JSONParser.parse(once)))
        #expect(try JSONParser.parse(once) == value)
        #expect(once.hasSuffix("\n"))
    }
}

@Suite struct JSONPathTests {
    @Test func pathsPrintAsPeopleReadThem() {
        let path = JSONPath.root.appending("synchronizationRules").appending(0).appending("objectMappings").appending(2)
            .appending("@odata.type")
        #expect(path.description == #"synchronizationRules[0].objectMappings[2]["@odata.type"]"#)
        #expect(JSONPath.root.description == "(root)")
    }

    @Test func lookupFollowsThePath() throws {
        let value = try JSONParser.parse(#"{"a": [{"b": 1}]}"#)
        #expect(value[path: [.key("a"), .index(0), .key("b")]] == .int(1))
        #expect(value[path: [.key("a"), .index(3)]] == nil)
    }
}
