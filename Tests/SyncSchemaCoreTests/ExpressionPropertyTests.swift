import SyncSchemaCore
import Testing

/// SplitMix64: a small seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random expressions of every shape the text form can express.
struct ExpressionGenerator {
    var random: SeededGenerator

    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func text(_ alphabet: [String], maxLength: Int) -> String {
        let length = Int.random(in: 0...maxLength, using: &random)
        return (0..<length).map { _ in pick(alphabet) }.joined()
    }

    mutating func name() -> String {
        let first = pick(["A", "b", "Z", "_", "Replace", "IIF", "vb", "x"])
        return first + text(["a", "Q", "0", "9", "_"], maxLength: 6)
    }

    mutating func attributeName() -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            return pick([
                "mail", "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode", "extension_ab12_x-y.z",
            ])
        case 1: return #"emails[type eq "work"].value"#
        case 2: return "a" + text(["x", " ", "\"", ":", ".", "-", "é", "[]", "[q[r]]", "\\", ","], maxLength: 8)
        default: return text(["x", "(", ")", "=", "😀"], maxLength: 5) + "y"
        }
    }

    mutating func number() -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return String(Int.random(in: 0...1_000_000, using: &random))
        case 1: return "-" + String(Int.random(in: 0...99, using: &random))
        case 2: return "\(Int.random(in: -50...50, using: &random)).\(Int.random(in: 0...999, using: &random))"
        default: return "&H" + pick(["F", "f7", "00", "DEADbeef"])
        }
    }

    mutating func operand(depth: Int) -> Expression {
        switch Int.random(in: 0..<(depth > 0 ? 6 : 5), using: &random) {
        case 0: return .attribute(attributeName())
        case 1:
            return .string(
                text(["a", " ", "\"", "\\", "\\\\", "\n", "\t", ",", ")", "[", "é", "😀", "\\d"], maxLength: 10))
        case 2: return .number(number())
        case 3: return .identifier(name())
        case 4 where depth == 0: return .call(name: name(), arguments: [])
        default: return call(depth: depth - 1)
        }
    }

    mutating func call(depth: Int) -> Expression {
        var count = Int.random(in: 0...5, using: &random)
        var arguments: [Expression?] = []
        for _ in 0..<count { arguments.append(chance(25) ? nil : term(depth: depth)) }
        // A lone omitted argument has no text form: `F()` means no arguments.
        if arguments == [nil] {
            count = 2
            arguments.append(term(depth: depth))
        }
        return .call(name: name(), arguments: arguments)
    }

    mutating func term(depth: Int) -> Expression {
        if chance(15) {
            return .comparison(operand(depth: depth), pick(ComparisonOperator.allCases), operand(depth: depth))
        }
        return operand(depth: depth)
    }
}

@Suite struct ExpressionPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3, 0xC0FFEE])
    func printedExpressionsParseBackToTheSameTree(seed: UInt64) throws {
        var generator = ExpressionGenerator(random: SeededGenerator(seed: seed))
        var shapes = Set<String>()
        for _ in 0..<1_000 {
            let expression = generator.term(depth: Int.random(in: 0...4, using: &generator.random))
            let canonical = expression.canonicalText
            #expect(try ExpressionParser.parse(canonical) == expression, "\(canonical)")
            let pretty = expression.prettyText(
                indentWidth: Int.random(in: 0...4, using: &generator.random), lineWidth: 20)
            #expect(try ExpressionParser.parse(pretty) == expression, "\(pretty)")
            #expect(try ExpressionParser.parse(" \n\t" + canonical + "\r\n ") == expression)
            if case .call = expression { shapes.insert("call") }
            if case .comparison = expression { shapes.insert("comparison") }
            if pretty.contains("\n") { shapes.insert("multi-line") }
        }
        // The generator really produces the interesting shapes.
        #expect(shapes == ["call", "comparison", "multi-line"])
    }

    @Test func compiledTreesReadBackToTheSameExpression() throws {
        var generator = ExpressionGenerator(random: SeededGenerator(seed: 42))
        let functions = FunctionTable.builtIn.functions.filter { !$0.parameters.isEmpty }
        var checked = 0
        for _ in 0..<1_000 {
            let expression = knownCall(&generator, functions: functions, depth: 3)
            let tree = try MappingSource.compile(expression, functions: .builtIn)
            #expect(try MappingSource.expression(from: tree, functions: .builtIn) == expression, "\(expression)")
            #expect(tree["expression"]?.stringValue == expression.canonicalText)
            checked += 1
        }
        #expect(checked == 1_000)
    }

    /// A random call to a built-in function with an argument count its signature accepts.
    func knownCall(_ generator: inout ExpressionGenerator, functions: [FunctionSignature], depth: Int) -> Expression {
        let signature = generator.pick(functions)
        let minimum = max(signature.minimumArgumentCount, 1)
        let maximum = signature.maximumArgumentCount ?? minimum + 3
        let count = Int.random(in: minimum...max(minimum, maximum), using: &generator.random)
        var arguments: [Expression?] = []
        for position in 0..<count {
            let parameter = signature.parameters(forArgumentCount: count)[position]
            if parameter?.isRequired == false, parameter?.allowsMultipleOccurrences == false, generator.chance(40) {
                arguments.append(nil)
            } else if depth > 0, generator.chance(30) {
                arguments.append(knownCall(&generator, functions: functions, depth: depth - 1))
            } else if generator.chance(10) {
                var lhs = generator.operand(depth: 0)
                if case .call = lhs { lhs = .number("1") }
                arguments.append(.comparison(lhs, generator.pick(ComparisonOperator.allCases), .attribute("b")))
            } else {
                var operand = generator.operand(depth: 0)
                if case .call = operand { operand = .attribute("a") }
                arguments.append(operand)
            }
        }
        return .call(name: signature.name, arguments: arguments)
    }
}
