import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `make bench`: measures the offline pipeline on synthetic schemas of growing size, the network
// commands against the emulator with injected latency and throttling, and start-up, all with the
// release build. Prints each table and writes them into docs/quality.md between the bench markers.
//
//   syncschema-bench [--only cpu,network,throttle,startup] [--no-write]
//   syncschema-bench --memory ATTRIBUTES   (internal: one pipeline run, prints the peak RSS in kB)

// MARK: - Synthetic schemas

/// The sizes measured: attributes per directory and attribute mappings (40 % of the attributes).
let sizes = [(100, 40), (1_000, 400), (10_000, 4_000)]

/// A synthetic raw schema: one API directory with `attributes` attributes, an Entra directory,
/// and one object mapping with `mappings` attribute mappings of varied expressions. Deterministic.
func syntheticSchema(attributes: Int, mappings: Int) -> JSONValue {
    let codec = MappingSourceCodec.standard()
    func attribute(_ name: String, _ index: Int) -> JSONValue {
        [
            "anchor": .bool(index == 0), "caseExact": false, "defaultValue": nil, "flowNullValues": false,
            "multivalued": false, "mutability": "ReadWrite", "name": .string(name), "required": false,
            "type": index % 7 == 0 ? "Boolean" : "String", "apiExpressions": [], "metadata": [],
            "referencedObjects": [],
        ]
    }
    let sourceNames = (0..<attributes).map { "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:attribute\($0)" }
    let targetNames = (0..<attributes).map { "extension_0b3e51c2a0b74b4e8c3b2b1f6f0e9d11_attribute\($0)" }
    let expressions = [
        "[%a]", "Join(\" \", [%a], [%b])", "ToUpper([%a], )", "Replace([%a], , \"(?<n>\\\\d+)\", , \"x\", , )",
        "IIF(IsPresent([%a]), [%a], \"none\")", "Switch([%a], \"0\", \"1\", \"True\", \"0\", \"False\")",
    ]
    let attributeMappings: [JSONValue] = (0..<mappings).map { index in
        let text = expressions[index % expressions.count]
            .replacingOccurrences(of: "%a", with: sourceNames[index % attributes])
            .replacingOccurrences(of: "%b", with: sourceNames[(index + 1) % attributes])
        return [
            "defaultValue": nil, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
            "flowType": "Always", "matchingPriority": .int(index == 0 ? 1 : 0),
            "targetAttributeName": .string(targetNames[index % attributes]), "source": try! codec.compile(text),
        ]
    }
    let apiAttributes = JSONValue.array(sourceNames.enumerated().map { attribute($1, $0) }.reversed())
    let entraAttributes = JSONValue.array(targetNames.enumerated().map { attribute($1, $0) })
    return [
        "id": "API2AAD.bench", "version": "v1",
        "synchronizationRules": [
            [
                "editable": true, "id": "rule", "name": "API2AAD", "priority": 1, "sourceDirectoryName": "API",
                "targetDirectoryName": "Azure Active Directory", "metadata": [],
                "objectMappings": [
                    [
                        "enabled": true, "flowTypes": "Add, Update", "name": "Provision", "sourceObjectName": "User",
                        "targetObjectName": "User", "scope": nil, "metadata": [],
                        "attributeMappings": .array(attributeMappings),
                    ]
                ],
            ]
        ],
        "directories": [
            ["id": "api", "name": "API", "objects": [["name": "User", "attributes": apiAttributes]]],
            [
                "id": "aad", "name": "Azure Active Directory",
                "objects": [["name": "User", "attributes": entraAttributes]],
            ],
        ],
    ]
}

// MARK: - Measuring

/// Milliseconds since an arbitrary origin (monotonic).
func nowMilliseconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000 }

/// The median wall time of `runs` calls, in milliseconds.
func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = nowMilliseconds()
        try body()
        times.append(nowMilliseconds() - start)
    }
    return times.sorted()[times.count / 2]
}

/// The median wall time of `runs` calls of an async body, in milliseconds.
func medianAsync(_ runs: Int, _ body: () async throws -> Void) async rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = nowMilliseconds()
        try await body()
        times.append(nowMilliseconds() - start)
    }
    return times.sorted()[times.count / 2]
}

/// This process's peak resident set size in kB (`getrusage`; Linux reports kB, macOS bytes).
func peakRSSKilobytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss) / 1024
    #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    #endif
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Runs a program to completion and returns its standard output.
func runProgram(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw EndToEndError("\(path) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// One Markdown table: a header row and rows of cells.
struct Table {
    var title: String
    var header: [String]
    var rows: [[String]] = []
    var notes: [String] = []

    var markdown: String {
        var lines = ["#### \(title)", "", "| " + header.joined(separator: " | ") + " |"]
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n") + "\n"
    }
}

// MARK: - Child mode: peak memory of one pipeline run

/// The offline pipeline once on one size: parse, normalize, validate, plan, render, write.
func pipelineOnce(attributes: Int, mappings: Int) throws {
    let codec = MappingSourceCodec.standard()
    let text = JSONWriter().string(syntheticSchema(attributes: attributes, mappings: mappings))
    let raw = try JSONParser.parse(text)
    let file = try Normalizer(codec: codec).normalize(raw)
    _ = SchemaValidator().validate(file)
    let plan = try Planner(codec: codec).plan(environment: "bench", app: "bench", file: file, variables: [:], live: raw)
    _ = try Renderer(codec: codec).render(file)
    _ = JSONWriter().string(plan.document)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--memory", arguments.count == 2, let attributes = Int(arguments[1]) {
    if attributes > 0 { try pipelineOnce(attributes: attributes, mappings: attributes * 2 / 5) }
    print(peakRSSKilobytes())
    exit(0)
}

let only = arguments.firstIndex(of: "--only").map { Set(arguments[$0 + 1].split(separator: ",").map(String.init)) }
func wanted(_ section: String) -> Bool { only?.contains(section) ?? true }
let writeDocs = !arguments.contains("--no-write")
let root = Fixtures.repositoryRoot
setenv(BuiltBinary.configurationVariable, "release", 1)
let benchStart = nowMilliseconds()
var tables: [Table] = []

// MARK: - CPU

func cpuTables() throws -> [Table] {
    let codec = MappingSourceCodec.standard()
    let normalizer = Normalizer(codec: codec)
    let renderer = Renderer(codec: codec)
    var times = Table(
        title: "Offline pipeline (median ms)",
        header: [
            "attributes / mappings", "raw JSON", "parse", "normalize", "validate", "plan", "render onto live",
            "render offline", "write", "fingerprint", "runs",
        ])
    var growth = Table(
        title: "Growth between sizes (time ratio for 10× the input; 10 is linear, 100 quadratic)",
        header: ["from → to", "parse", "normalize", "validate", "plan", "render onto live", "write"])
    var memory = Table(
        title: "Peak memory of one pipeline run (child process, getrusage max RSS)",
        header: ["attributes / mappings", "peak RSS", "above an idle process", "raw JSON"])
    var yardstick = Table(
        title: "Yardstick: the same raw JSON through Python's json module (same run, median ms)",
        header: [
            "attributes / mappings", "syncschema parse", "python json.loads", "ratio", "syncschema sorted dump",
            "python json.dumps(sort_keys=True)", "ratio",
        ])
    yardstick.notes = [
        "ratio = syncschema ÷ Python; below 1 means syncschema is faster. The sorted dump is "
            + "`JSONWriter.compact(value.sortedKeys())`, the fingerprint every plan computes."
    ]
    let python = "/usr/bin/env"
    let pythonScript = """
        import json, sys, time
        text = open(sys.argv[1], encoding='utf-8').read(); runs = int(sys.argv[2])
        def median(f):
            times = []
            for _ in range(runs):
                start = time.perf_counter(); f(); times.append((time.perf_counter() - start) * 1000)
            return sorted(times)[len(times) // 2]
        value = json.loads(text)
        print(median(lambda: json.loads(text)), median(lambda: json.dumps(value, sort_keys=True)))
        """
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("syncschema-bench-\(getpid())")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let idle = Int(try runProgram(CommandLine.arguments[0], ["--memory", "0"]).trimmed) ?? 0
    var previous: [Double]?
    var previousSize = 0
    for (attributes, mappings) in sizes {
        let raw = syntheticSchema(attributes: attributes, mappings: mappings)
        let text = JSONWriter().string(raw)
        let runs = attributes >= 10_000 ? 5 : 11
        var file: JSONValue = .null
        let parse = try median(runs) { _ = try JSONParser.parse(text) }
        let normalize = try median(runs) { file = try normalizer.normalize(raw) }
        let validate = median(runs) { _ = SchemaValidator().validate(file) }
        let plan = try median(runs) {
            _ = try Planner(codec: codec).plan(
                environment: "bench", app: "bench", file: file, variables: [:], live: raw)
        }
        let renderLive = try median(runs) { _ = try renderer.render(file, live: raw) }
        let renderOffline = try median(runs) { _ = try renderer.render(file) }
        let write = median(runs) { _ = JSONWriter().string(file) }
        let sortedDump = median(runs) { _ = JSONWriter.compact(raw.sortedKeys()) }
        let fingerprint = median(runs) { _ = Plan.fingerprint(raw) }
        let label = "\(attributes) / \(mappings)"
        let kilobytes = text.utf8.count / 1024
        times.rows.append(
            [label, "\(kilobytes) kB"]
                + [parse, normalize, validate, plan, renderLive, renderOffline, write, fingerprint].map {
                    format($0)
                } + ["\(runs)"])
        let current = [parse, normalize, validate, plan, renderLive, write]
        if let previous {
            growth.rows.append(
                ["\(previousSize) → \(attributes)"] + zip(previous, current).map { "×" + format($1 / max($0, 0.001)) })
        }
        previous = current
        previousSize = attributes
        let peak = Int(try runProgram(CommandLine.arguments[0], ["--memory", "\(attributes)"]).trimmed) ?? 0
        memory.rows.append([
            label, "\(format(Double(peak) / 1024)) MB", "\(format(Double(peak - idle) / 1024)) MB", "\(kilobytes) kB",
        ])
        let path = scratch.appendingPathComponent("raw-\(attributes).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let figures = try runProgram(python, ["python3", "-c", pythonScript, path, "\(runs)"]).split(separator: " ")
            .compactMap { Double($0.trimmed) }
        if figures.count == 2 {
            yardstick.rows.append([
                label, format(parse), format(figures[0]), format(parse / figures[0], 2), format(sortedDump),
                format(figures[1]), format(sortedDump / figures[1], 2),
            ])
        }
        print("cpu: \(label) done", to: &standardError)
    }
    memory.notes = ["An idle bench process peaks at \(format(Double(idle) / 1024)) MB."]
    return [times, growth, memory, yardstick]
}

// MARK: - Network

/// A project of 3 environments × 4 apps with id locators, against an emulator seeded to match.
struct NetworkProject {
    static let environments = ["dev", "test", "prod"]
    static let apps = ["hr-1", "hr-2", "hr-3", "hr-4"]
    static let servicePrincipals = ["HR inbound", "HR inbound 2", "HR inbound 3", "HR inbound 4"]

    let emulator: EmulatorProcess
    let directory: URL

    init() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("syncschema-bench-net-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let seed: JSONValue = [
            "graphEmulatorState": 1,
            "tenants": .array(
                Self.environments.map { name in
                    [
                        "name": .string(name),
                        "servicePrincipals": .array(
                            Self.servicePrincipals.map { ["displayName": .string($0), "templateId": "API2AAD"] }),
                    ]
                }),
        ]
        let seedPath = scratch.appendingPathComponent("seed.json").path
        try JSONWriter().string(seed).write(toFile: seedPath, atomically: true, encoding: .utf8)
        emulator = try EmulatorProcess(arguments: ["--seed", seedPath])
        directory = scratch.appendingPathComponent("project")
        let manager = FileManager.default
        for folder in ["environments", "schemas"] {
            try manager.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let schema = try String(contentsOf: root.appendingPathComponent("schemas/hr-employees.json"), encoding: .utf8)
        for app in Self.apps {
            try schema.write(
                to: directory.appendingPathComponent("schemas/\(app).json"), atomically: true, encoding: .utf8)
        }
        for environment in Self.environments {
            var file = try JSONParser.parse(
                String(contentsOf: root.appendingPathComponent("environments/\(environment).json"), encoding: .utf8))
            guard case .object(var object) = file else { throw EndToEndError("environments/\(environment).json") }
            object["cloud"] = ["graph": .string(emulator.baseURL), "login": .string(emulator.baseURL)]
            object["protected"] = false
            var apps = JSONObject()
            for (app, principal) in zip(Self.apps, Self.servicePrincipals) {
                let ids = try await emulator.ids(tenant: environment, servicePrincipal: principal)
                apps[app] = ["servicePrincipal": .string(ids.servicePrincipalID), "job": .string(ids.jobID)]
            }
            object["apps"] = .object(apps)
            file = .object(object)
            try JSONWriter().string(file).write(
                to: directory.appendingPathComponent("environments/\(environment).json"), atomically: true,
                encoding: .utf8)
        }
    }

    func run(_ arguments: [String]) async throws -> (RunResult, milliseconds: Double) {
        let start = nowMilliseconds()
        let result = try await SyncSchemaRunner.run(
            arguments, in: directory, environment: ["SYNCSCHEMA_DEMO_SECRET": "demo-secret"])
        return (result, nowMilliseconds() - start)
    }

    /// Changes the jobTitle mapping of every app's schema file (or back), so apply has one change each.
    func setJobTitle(upper: Bool) throws {
        let plain = #"{ "targetAttributeName": "jobTitle", "source": "[title]" },"#
        let changed = #"{ "targetAttributeName": "jobTitle", "source": "ToUpper([title])" },"#
        for app in Self.apps {
            let url = directory.appendingPathComponent("schemas/\(app).json")
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.replacingOccurrences(of: upper ? plain : changed, with: upper ? changed : plain)
                .write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func reset() async throws {
        _ = try await emulator.send("POST", "/_emulator/reset")
        try await emulator.clearRequests()
    }

    func remove() {
        emulator.stop()
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}

func networkTables() async throws -> [Table] {
    let project = try await NetworkProject()
    defer { project.remove() }
    let targets = NetworkProject.environments.count * NetworkProject.apps.count
    var table = Table(
        title: "Network: 3 environments × 4 apps against the emulator (id locators, default --concurrency 4)",
        header: [
            "command", "latency", "wall", "critical path", "wall ÷ critical path", "HTTP requests", "minimum",
            "token requests",
        ])
    table.notes = [
        "Critical path: the requests one target needs one after the other — plan: token + GET; apply: token + GET + "
            + "PUT + GET (read back to verify) — times the injected latency. Wall time includes process start-up. "
            + "Minimum requests: one token per tenant plus the per-target requests (\(targets) targets)."
    ]
    for latency in [100, 300] {
        for command in ["plan", "apply"] {
            try await project.reset()
            try project.setJobTitle(upper: command == "apply")
            try await project.emulator.setFaults(["latencyMs": .int(latency)])
            let arguments =
                command == "plan"
                ? ["plan", "--all"]
                : ["apply", "--env", NetworkProject.environments.joined(separator: ","), "--auto-approve"]
            let (result, wall) = try await project.run(arguments)
            guard result.exitCode == 0 else { throw EndToEndError("\(command) failed: \(result)") }
            let log = try await project.emulator.requests()
            let perTarget = command == "plan" ? 1 : 3
            let critical = Double(latency * (1 + perTarget))
            table.rows.append([
                "`\(arguments.joined(separator: " "))`", "\(latency) ms", "\(format(wall, 0)) ms",
                "\(format(critical, 0)) ms", format(wall / critical, 2), "\(log.count)",
                "\(NetworkProject.environments.count + targets * perTarget)", "\(log.filter(\.isToken).count)",
            ])
            try project.setJobTitle(upper: false)
            print("network: \(command) at \(latency) ms done", to: &standardError)
        }
    }
    return [table]
}

// MARK: - Throttling

func throttleTables() async throws -> [Table] {
    let project = try await NetworkProject()
    defer { project.remove() }
    var table = Table(
        title: "Throttling: `plan --env dev --concurrency 1` (4 apps) under a 429 storm",
        header: [
            "429 rate", "Retry-After", "requests", "429 answers", "sum of Retry-After", "wall", "wall − sum",
            "exit code",
        ])
    table.notes = [
        "The emulator answers 429 with the given probability (fault seed 3) and `Retry-After` in seconds; "
            + "syncschema must wait at least that long per 429 and not much more."
    ]
    for (rate, retryAfter) in [(0.5, 1)] {
        try await project.reset()
        try await project.emulator.setFaults([
            "fault429Rate": .number(JSONNumber(literal: String(rate))), "retryAfter": .int(retryAfter), "seed": 3,
        ])
        let (result, wall) = try await project.run(["plan", "--env", "dev", "--concurrency", "1"])
        let log = try await project.emulator.requests()
        let throttled = log.filter { $0.status == 429 }.count
        let sum = Double(throttled * retryAfter * 1000)
        table.rows.append([
            format(rate, 2), "\(retryAfter) s", "\(log.count)", "\(throttled)", "\(format(sum / 1000, 1)) s",
            "\(format(wall / 1000, 2)) s", "\(format((wall - sum) / 1000, 2)) s", "\(result.exitCode)",
        ])
        print("throttle: done", to: &standardError)
    }
    return [table]
}

// MARK: - Start-up

func startupTables() async throws -> [Table] {
    var table = Table(
        title: "Start-up (release binary, median of 11 runs)", header: ["command", "wall", "peak RSS"])
    for arguments in [["--version"], ["validate"]] {
        var result: RunResult?
        let wall = try await medianAsync(11) { result = try await SyncSchemaRunner.run(arguments, in: root) }
        guard let result, result.exitCode == 0 else { throw EndToEndError("syncschema \(arguments) failed") }
        let time = try runProgram("/usr/bin/env", ["sh", "-c", "command -v /usr/bin/time"]).trimmed
        var rss = "-"
        if !time.isEmpty {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
            process.arguments = ["-f", "%M", try BuiltBinary.url("syncschema").path] + arguments
            process.currentDirectoryURL = root
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if let kilobytes = String(decoding: data, as: UTF8.self).nonEmptyLastLine.flatMap({ Int($0) }) {
                rss = "\(format(Double(kilobytes) / 1024)) MB"
            }
        }
        table.rows.append(["`syncschema \(arguments.joined(separator: " "))`", "\(format(wall)) ms", rss])
    }
    table.notes = ["`validate` runs in the repository root on the example project (schemas/hr-employees.json)."]
    return [table]
}

// MARK: - Machine and output

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
nonisolated(unsafe) var standardError = StandardError()

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nonEmptyLastLine: String? { split(separator: "\n").last.map { String($0).trimmed } }
}
extension Substring {
    var trimmed: String { String(self).trimmed }
}

func machineDescription() -> String {
    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    let cpu =
        read("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmed } ?? "" } ?? "unknown"
    let memory =
        read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal") }
        .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        .map { "\(format(Double($0) / 1024 / 1024)) GB" } ?? "unknown"
    let swift =
        (try? runProgram("/usr/bin/env", ["swift", "--version"]))?.split(separator: "\n").first.map(String.init)
        ?? "unknown"
    let date = ISO8601DateFormatter().string(from: Date())
    return """
        Measured \(date) on \(ProcessInfo.processInfo.activeProcessorCount) CPUs (`nproc`), \(cpu), \(memory) of memory, \
        \(ProcessInfo.processInfo.operatingSystemVersionString); \(swift). The machine is shared, so figures vary by \
        a few per cent between runs.
        """
}

if wanted("cpu") { tables += try cpuTables() }
if wanted("network") { tables += try await networkTables() }
if wanted("throttle") { tables += try await throttleTables() }
if wanted("startup") { tables += try await startupTables() }

let machine = machineDescription()
let body = ([machine, ""] + tables.map(\.markdown)).joined(separator: "\n")
print(body)
print("bench took \(format((nowMilliseconds() - benchStart) / 1000)) s", to: &standardError)

if writeDocs && only == nil {
    let path = root.appendingPathComponent("docs/quality.md")
    let begin = "<!-- bench:begin (written by `make bench`; do not edit by hand) -->"
    let end = "<!-- bench:end -->"
    var document = (try? String(contentsOf: path, encoding: .utf8)) ?? "# Quality\n\n\(begin)\n\(end)\n"
    if let start = document.range(of: begin), let stop = document.range(of: end), start.upperBound <= stop.lowerBound {
        document.replaceSubrange(start.upperBound..<stop.lowerBound, with: "\n" + body + "\n")
    } else {
        document += "\n\(begin)\n\(body)\n\(end)\n"
    }
    try document.write(to: path, atomically: true, encoding: .utf8)
    print("wrote \(path.path)", to: &standardError)
}
