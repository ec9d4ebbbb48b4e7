import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport

// `make soak`: randomised apply and promote runs of the built `syncschema` against one
// `graph-emulator` with faults on (latency spikes, 429, 500/503, dropped connections) and, now and
// then, another writer changing live between `plan --out` and `apply PLAN`. After every run, with
// faults off, it checks that:
//
// * live is either the schema before the run or exactly the desired one, and the exit code and
//   message say which;
// * every PUT that reached the emulator was preceded by a snapshot of the schema it replaced;
// * every file under schemas/, environments/ and snapshots/ still parses.
//
// Runs for SOAK_SECONDS (default 120) from SOAK_SEED (default: the clock), prints counts, and exits 1
// when any check failed. Retries use a 20 ms backoff base (SYNCSCHEMA_RETRY_BASE_DELAY_MS).

/// A small deterministic generator (SplitMix64), so a failing soak can be re-run with its seed.
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

let variables = ProcessInfo.processInfo.environment
let seconds = variables["SOAK_SECONDS"].flatMap(Double.init) ?? 120
let seed = variables["SOAK_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
var random = Generator(state: seed)
let environments = ["dev", "test", "prod"]
let schemaPath = "schemas/hr-employees.json"
let jobTitleLine = #"{ "targetAttributeName": "jobTitle", "source": "[title]" },"#
let jobTitleSources = [
    "[title]", "ToUpper([title])", "ToLower([title])", "PCase([title])", "Coalesce([title], \"n/a\")",
]

/// The counters printed at the end.
var counts: [String: Int] = [:]
var violations: [String] = []
@MainActor func count(_ key: String, _ amount: Int = 1) { counts[key, default: 0] += amount }

let emulator = try EmulatorProcess()
let project = try TemporaryProject(pointingAt: emulator.baseURL)
let childEnvironment = ["SYNCSCHEMA_DEMO_SECRET": "demo-secret", "SYNCSCHEMA_RETRY_BASE_DELAY_MS": "20"]

@MainActor func syncschema(_ arguments: [String]) async throws -> RunResult {
    try await SyncSchemaRunner.run(arguments, in: project.directory, environment: childEnvironment)
}

/// `--confirm-env prod` for the protected environment.
func confirmation(_ environment: String) -> [String] { environment == "prod" ? ["--confirm-env", "prod"] : [] }

/// Whether live in `environment` is exactly what the schema file (or a promote) asks for.
@MainActor func isDesired(_ check: [String]) async throws -> Bool {
    let result = try await syncschema(check)
    guard result.exitCode == 0 || result.exitCode == 2 else {
        throw EndToEndError("the check \(check.joined(separator: " ")) failed: \(result)")
    }
    return result.exitCode == 0
}

/// Every file under the project's schemas/, environments/ and snapshots/ must parse.
@MainActor func checkFiles(_ run: String) {
    let manager = FileManager.default
    for folder in ["schemas", "environments", "snapshots"] {
        let base = project.url(folder)
        guard let walker = manager.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            continue
        }
        for case let url as URL in walker
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            count("files checked")
            guard let data = manager.contents(atPath: url.path), !data.isEmpty,
                (try? JSONParser.parse(bytes: Array(data))) != nil
            else {
                violations.append("\(run): \(url.path) is empty or does not parse")
                continue
            }
        }
    }
}

/// Random fault settings for one run.
@MainActor func randomFaults() -> JSONValue {
    func rate(_ value: Double) -> JSONValue { .number(JSONNumber(literal: String(format: "%.2f", value))) }
    var faults = JSONObject()
    faults["seed"] = .int(random.below(1_000_000) + 1)
    if random.chance(0.2) { faults["latencyMs"] = .int(random.pick([20, 50, 100, 300])) }
    if random.chance(0.5) { faults["fault429Rate"] = rate(Double(random.below(30)) / 100) }
    faults["retryAfter"] = .int(random.chance(0.05) ? 1 : 0)
    if random.chance(0.5) { faults["fault5xxRate"] = rate(Double(random.below(25)) / 100) }
    if random.chance(0.3) { faults["faultDropRate"] = rate(Double(random.below(10)) / 100) }
    return .object(faults)
}

/// Sets the file's jobTitle source (the line the soak edits), returning whether it changed.
@MainActor func setJobTitle(_ source: String) throws {
    let text = try project.read(schemaPath)
    guard let line = text.split(separator: "\n").first(where: { $0.contains(#""targetAttributeName": "jobTitle""#) })
    else { throw EndToEndError("no jobTitle mapping in \(schemaPath)") }
    let indent = line.prefix { $0 == " " }
    let quoted = JSONWriter.compact(.string(source))
    let replacement = indent + #"{ "targetAttributeName": "jobTitle", "source": \#(quoted) },"#
    try project.write(schemaPath, text.replacingOccurrences(of: String(line), with: replacement))
}

/// The checks after one run that may have written to `environment`.
@MainActor func verify(
    _ run: String, result: RunResult, environment: String, before: JSONValue, snapshotsBefore: [String],
    desiredCheck: [String], otherWriter: JSONValue? = nil
) async throws {
    try await emulator.setFaults([:])
    let log = try await emulator.requests()
    let puts = log.filter { $0.method == "PUT" && $0.isSchema }
    count("PUT requests", puts.count)
    count("429 answers", log.filter { $0.status == 429 }.count)
    count("5xx answers", log.filter { $0.status >= 500 }.count)
    count("dropped connections", log.filter { $0.status == 0 }.count)
    let after = try await emulator.schema(tenant: environment)
    let snapshots = project.files(in: "snapshots/\(environment)/hr-employees")
    let newSnapshots = snapshots.filter { !snapshotsBefore.contains($0) }
    if !puts.isEmpty {
        // A snapshot of the schema the PUT replaced must be on disk.
        let contents = newSnapshots.compactMap { try? JSONParser.parse(project.read($0)) }
        if !contents.contains(before) {
            violations.append("\(run): \(puts.count) PUT(s) but no new snapshot holds the schema before the run")
        }
    }
    let text = result.stdout + result.stderr
    if let otherWriter {
        // The plan was stale: apply must refuse without writing, leaving the other writer's schema.
        if result.exitCode != 1 || after != otherWriter || !puts.isEmpty {
            violations.append(
                "\(run): a stale plan was not refused cleanly (live kept: \(after == otherWriter))\n\(result)")
        } else if result.stderr.contains("is stale") {
            count("outcome: stale plan refused")
        } else {
            count("outcome: stale plan, live could not be read (nothing written)")
        }
    } else if after == before {
        let desired = try await isDesired(desiredCheck)
        if desired {
            // Nothing to do, or a no-op write.
            if result.exitCode == 0 {
                count("outcome: already desired")
            } else if text.contains("live is unchanged") || text.contains("nothing was written") {
                count("outcome: already desired, failed run said unchanged")
            } else {
                violations.append("\(run): live already desired but the run failed without saying so\n\(result)")
            }
        } else if result.exitCode == 0 {
            violations.append("\(run): exit 0 but live is unchanged and not the desired schema\n\(result)")
        } else if text.contains("live is unchanged") {
            count("outcome: unchanged, said so after a failed write")
        } else if puts.isEmpty && text.contains("nothing was written") {
            count("outcome: unchanged, failed before writing")
        } else if puts.isEmpty && text.contains("before") == false && text.contains("state is unknown") {
            count("outcome: unchanged, said state unknown")
        } else if puts.isEmpty {
            count("outcome: unchanged, failed before writing (other message)")
            if counts["outcome: unchanged, failed before writing (other message)"] == 1 {
                print("note: a failure before any write said: \(result.stderr.split(separator: "\n").last ?? "")")
            }
        } else {
            violations.append("\(run): live unchanged after a PUT but the message does not say so\n\(result)")
        }
    } else if try await isDesired(desiredCheck) {
        if result.exitCode == 0 && text.contains("Live now matches the plan.") {
            count("outcome: applied")
        } else if result.exitCode != 0 && text.contains("the change is applied") {
            count("outcome: applied, run failed but said applied")
        } else {
            violations.append("\(run): live is the desired schema but exit/message disagree\n\(result)")
        }
    } else {
        violations.append("\(run): live is neither the schema before the run nor the desired one\n\(result)")
    }
    checkFiles(run)
}

let start = Date()
var runs = 0
print("soak: seed \(seed), \(Int(seconds)) s, emulator \(emulator.baseURL)")
while Date().timeIntervalSince(start) < seconds {
    runs += 1
    let iterationStart = Date()
    defer { if Date().timeIntervalSince(iterationStart) > 10 { count("runs over 10 s") } }
    try await emulator.setFaults([:])
    try await emulator.clearRequests()
    let kind = random.below(10)
    if kind < 6 {
        // apply --env E with a random jobTitle source.
        let environment = random.pick(environments)
        let source = random.pick(jobTitleSources)
        try setJobTitle(source)
        let before = try await emulator.schema(tenant: environment)
        let snapshotsBefore = project.files(in: "snapshots/\(environment)/hr-employees")
        let faults = randomFaults()
        try await emulator.clearRequests()
        try await emulator.setFaults(faults)
        let arguments =
            ["apply", "--env", environment, "--auto-approve"] + confirmation(environment)
            + (variables["SOAK_VERBOSE"] != nil ? ["--verbose"] : [])
        let runStart = Date()
        let result = try await syncschema(arguments)
        if variables["SOAK_VERBOSE"] != nil {
            let took = Date().timeIntervalSince(runStart)
            print("run \(runs): apply \(environment) took \(took) s, faults \(JSONWriter.compact(faults))")
            if took > 5 { print(result.stderr) }
        }
        count("apply runs")
        try await verify(
            "run \(runs) apply \(environment) \(source) faults \(JSONWriter.compact(faults))", result: result,
            environment: environment, before: before, snapshotsBefore: snapshotsBefore,
            desiredCheck: ["plan", "--env", environment, "--detailed-exitcode"])
    } else if kind < 9 {
        // promote --from A --to B.
        let from = random.pick(environments)
        let to = random.pick(environments.filter { $0 != from })
        let before = try await emulator.schema(tenant: to)
        let snapshotsBefore = project.files(in: "snapshots/\(to)/hr-employees")
        let faults = randomFaults()
        try await emulator.clearRequests()
        try await emulator.setFaults(faults)
        let result = try await syncschema(["promote", "--from", from, "--to", to, "--auto-approve"] + confirmation(to))
        count("promote runs")
        try await verify(
            "run \(runs) promote \(from)→\(to) faults \(JSONWriter.compact(faults))", result: result, environment: to,
            before: before, snapshotsBefore: snapshotsBefore,
            desiredCheck: ["promote", "--from", from, "--to", to, "--dry-run"])
    } else {
        // plan --out, another writer changes live, apply PLAN must refuse.
        let environment = random.pick(["dev", "test"])
        try setJobTitle(random.pick(jobTitleSources.filter { $0 != "[title]" }))
        let before = try await emulator.schema(tenant: environment)
        let planResult = try await syncschema(["plan", "--env", environment, "--out", "soak.plan.json"])
        guard planResult.exitCode == 0, project.exists("soak.plan.json") else {
            count("stale-plan runs skipped (no changes to plan)")
            continue
        }
        var changed = before
        if case .object(var object) = changed {
            object["soakWriter"] = .int(runs)  // an unknown property Graph keeps verbatim
            changed = .object(object)
        }
        try await emulator.putSchema(changed, tenant: environment)
        let otherWriter = try await emulator.schema(tenant: environment)
        let snapshotsBefore = project.files(in: "snapshots/\(environment)/hr-employees")
        let faults = randomFaults()
        try await emulator.clearRequests()
        try await emulator.setFaults(faults)
        let result = try await syncschema(["apply", "soak.plan.json", "--auto-approve"])
        count("stale-plan runs")
        try await verify(
            "run \(runs) stale plan \(environment) faults \(JSONWriter.compact(faults))", result: result,
            environment: environment, before: otherWriter, snapshotsBefore: snapshotsBefore,
            desiredCheck: ["plan", "--env", environment, "--detailed-exitcode"], otherWriter: otherWriter)
        try? FileManager.default.removeItem(at: project.url("soak.plan.json"))
    }
}
emulator.stop()

print("soak: \(runs) runs in \(Int(Date().timeIntervalSince(start))) s (seed \(seed))")
for key in counts.keys.sorted() { print("  \(key): \(counts[key]!)") }
if violations.isEmpty {
    print("soak: no violations")
} else {
    print("soak: \(violations.count) violation(s):")
    for violation in violations.prefix(20) { print("- \(violation)") }
    exit(1)
}
